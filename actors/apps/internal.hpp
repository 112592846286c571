// The apps domain's own parts, for its module.cpp and routes; other domains include apps.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// A checked registration body {"name","redirect_uris"}: trimmed name, the URIs as sent.
struct app_registration {
  std::string name;
  std::vector<std::string> redirect_uris;
};
caf::expected<app_registration> parse_app_registration(const nlohmann::json& body);

/// Registers the "app" kind (app.cpp); add_app_kinds adds "developer" beside it.
void add_app_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock);

/// "Authorization: Basic base64(id:secret)" (RFC 6749 §2.3.1: both parts form-encoded) into
/// (client id, secret); nullopt when the header is not Basic or malformed.
std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header);

/// apps, apps/{client_id}, apps/{client_id}/secret, me/apps, oauth/authorize, oauth/token,
/// oauth/introspect, oauth/revoke.
void add_app_routes(route_table& routes, const node_env& env);

/// app/<client id> (get) and developer/<user> (list) in the console.
console::adapter app_adapter();
console::adapter developer_adapter();

/// Wraps env.resolve_bearer (the identity module's): "aexa_" tokens resolve to the delegated
/// user or the app through app/<client id>; every other token goes on to the wrapped resolver.
void wrap_bearer_resolver(node_env& env);

}  // namespace aethex::actors
