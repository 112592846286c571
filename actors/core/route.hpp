// A REST route as data: method, path pattern with named parameters, the principal it requires,
// and a handler from a parsed request to a JSON response or a domain error. Domains declare
// their routes with these; net/ binds the table to HTTP and turns errors into the documented
// JSON error body in one place, so no domain code sees Beast.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "runtime/principal.hpp"

namespace aethex::actors {

enum class http_method { get, post, put, patch, del };

/// Who may call a route. The binding resolves the caller before the handler runs and refuses
/// the others with 401/403.
enum class access {
  anyone,     // no credentials needed; the handler sees the anonymous principal
  user,       // a signed-in account; the admin token is refused (it is nobody's account)
  signed_in,  // an account or the admin token
  owner,      // the owner of the route's `{channel}` (checked by its domain), or the admin
  admin,      // the node's admin token only
};

struct route_request {
  std::map<std::string, std::string, std::less<>> params;  // "{channel}" → "alice"
  std::string query;                                       // after '?', not decoded
  std::string body;  // raw body text; read with json_object() once the caller is known
  runtime::principal who;
  std::string bearer;  // the bearer token as sent (log-out needs it); never log it
  std::string peer;    // the client's address key (runtime::address_key) for rate limits
  /// The request headers the route names in route::headers, by their lower-case name (the first
  /// value when one is repeated); absent when not sent. Other headers are not copied.
  std::map<std::string, std::string, std::less<>> headers;

  const std::string& param(std::string_view name) const;
  /// Value of a query parameter (no decoding of '+'), nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  /// Query parameter `name` as a whole number in [lowest, highest]; `fallback` when absent;
  /// errc::invalid_argument ("limit must be 1-100") otherwise.
  caf::expected<std::size_t> number_param(std::string_view name, std::size_t fallback,
                                          std::size_t lowest, std::size_t highest) const;
  /// The body as a JSON object (bounded nesting), or errc::invalid_json.
  caf::expected<nlohmann::json> json_object() const;
};

struct route_response {
  unsigned status = 200;
  std::string body;                // JSON text, unless content_type says otherwise
  std::string content_type = {};   // empty: application/json
  std::string cache_control = {};  // empty: not stored (no-store), or revalidated when cached
  /// More response headers (name, value): WWW-Authenticate of an OAuth 401, RateLimit-* that
  /// the binding adds to an app's answers.
  std::vector<std::pair<std::string, std::string>> headers = {};
  static route_response json(unsigned status, const nlohmann::json& body) {
    return {status, body.dump(), {}};
  }
  /// A body that is not JSON (a CSV download), sent with `content_type`.
  static route_response text(unsigned status, std::string content_type, std::string body) {
    return {status, std::move(body), std::move(content_type)};
  }
};

using route_reply = std::function<void(caf::expected<route_response>)>;
using route_handler = std::function<void(route_request&& req, route_reply reply)>;

struct route {
  http_method method;
  std::string pattern;  // under /api/v1, e.g. "channels/{channel}/stream-key"
  access need;
  route_handler handler;
  std::string summary;  // one line for the API description
  /// Entity kinds whose events change the answer (e.g. {"channel", "follows"}). A GET route of
  /// `anyone` that names them is answered from the node's response cache until an event of
  /// one of them is applied on any member, or a write succeeds on this node; empty: never cached.
  std::vector<std::string> cached_until;
  /// Lower-case names of the request headers the handler reads (e.g. {"stripe-signature"});
  /// the binding copies only these into route_request::headers.
  std::vector<std::string> headers = {};
  /// The OAuth scope a third-party app's token needs for this route ("chat:write"); empty: not
  /// open to app tokens (first-party sessions and the admin token are not scoped). The catalogue
  /// of scopes is docs/open-platform.md's.
  std::string scope = {};
  /// The largest request body the route takes, when more than the server's default (1 MiB): a
  /// slide deck. The binding reads such bodies a few at a time; 0: the default.
  std::uint64_t max_body_bytes = 0;
};

/// An OAuth scope and what it grants: the catalogue of docs/open-platform.md's scope table,
/// which the apps domain accepts and the OpenAPI document lists.
struct oauth_scope {
  std::string_view name;
  std::string_view grants;
};
const std::vector<oauth_scope>& oauth_scopes();

/// Whether `bearer` has the shape of an OAuth app's access token ("aexa_…", actors/apps): the
/// HTTP binding resolves such a token even on an `anyone` route, to count it against its app's
/// rate limit. Nothing else depends on the shape.
inline bool app_access_token_shape(std::string_view bearer) { return bearer.starts_with("aexa_"); }

/// Decides whether `who` owns entity `id` of the parameter it is registered for; calls `done`
/// with caf::none, errc::forbidden or errc::not_found.
using owner_check = std::function<void(const runtime::principal& who, const std::string& id,
                                       std::function<void(caf::error)> done)>;

struct route_table {
  std::vector<route> routes;
  std::map<std::string, owner_check, std::less<>> owner_checks;  // by parameter name

  /// The route just added, for the fields set less often: `add(...).headers = {...};`.
  route& add(http_method method, std::string pattern, access need, route_handler handler,
             std::string summary = {}, std::vector<std::string> cached_until = {}) {
    return routes.emplace_back(route{method, std::move(pattern), need, std::move(handler),
                                     std::move(summary), std::move(cached_until)});
  }
};

/// The usual end of a handler: an entity's reply rendered as JSON with `status`, or its error.
template <class T, class Render>
auto answer(route_reply reply, Render render, unsigned status = 200) {
  return [reply = std::move(reply), render, status](caf::expected<T> value) {
    if (!value)
      return reply(value.error());
    reply(route_response::json(status, render(*value)));
  };
}

/// The end of a handler whose entity answers with JSON text: handed on as it is with `status`.
inline auto pass_json_text(route_reply reply, unsigned status = 200) {
  return [reply = std::move(reply), status](caf::expected<std::string> text) {
    if (!text)
      return reply(text.error());
    reply(route_response{status, std::move(*text), {}});
  };
}

/// Checks that `body` has no key outside `known` (errc::invalid_argument naming the first).
caf::error only_fields(const nlohmann::json& body, std::initializer_list<std::string_view> known);
/// String field `key`: errc::invalid_argument when it has another type or is missing and
/// `required`; nullopt when missing and optional.
caf::expected<std::optional<std::string>> string_field(const nlohmann::json& body, const char* key,
                                                       bool required);

}  // namespace aethex::actors
