// Binds the route table (actors/core/route.hpp) to HTTP: matches method and path pattern,
// resolves the caller to the route's required principal, runs the handler and writes its JSON
// answer — or the JSON error body {"error": {"code", "message"}} with the status of the one
// error table (runtime/errors.hpp). No other place turns a domain error into HTTP.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/core/module.hpp"
#include "net/app/response_cache.hpp"
#include "net/http/server.hpp"

namespace aethex::app {

class api_binding {
 public:
  /// With a `cache`, routes that name what their answer depends on are answered from it (with
  /// ETag / If-None-Match), and every successful write invalidates it.
  api_binding(actors::route_table table, actors::bearer_resolver resolve_bearer,
              std::shared_ptr<response_cache> cache = nullptr);

  /// Requests one OAuth app may make per minute with its tokens (docs/api.md, Apps and OAuth).
  static constexpr unsigned app_requests_per_minute = 600;

  /// Told of every answered request: method, route pattern, HTTP status, seconds taken.
  using request_observer =
    std::function<void(std::string_view, std::string_view, unsigned, double)>;
  void observe(request_observer observer) { observer_ = std::move(observer); }

  /// `path` is the part after "/api/v1/", `query` the part after '?'; `peer` is "address:port".
  void operator()(const net::http::request& req, std::string_view path, std::string_view query,
                  const std::string& peer, net::http::respond_fn respond) const;

 private:
  struct compiled_route {
    const actors::route* route;
    std::vector<std::string> segments;  // literal, or "{name}" for a parameter
  };

  /// Response headers the binding adds to an answer (an app's RateLimit-*), filled while the
  /// request is authorized.
  using extra_headers = std::shared_ptr<std::vector<std::pair<std::string, std::string>>>;

  /// Runs the route (authorize) and answers with its response or error.
  void run(const compiled_route& match, actors::route_request&& req,
           net::http::respond_fn respond) const;
  /// Resolves the caller and checks the route's access, then admit()s.
  void authorize(const compiled_route& match, actors::route_request&& req,
                 actors::route_reply reply, extra_headers extra) const;
  /// A delegated caller (an OAuth app's token): its scope for the route and its app's rate
  /// limit; none when it may go on (the RateLimit-* headers are then in `extra`).
  caf::error admit_delegated(const actors::route& route, const runtime::principal& who,
                             const extra_headers& extra) const;
  /// Runs the owner check of an owner route, then the handler.
  void admit(const compiled_route& match, actors::route_request&& req,
             actors::route_reply reply) const;

  actors::route_table table_;
  std::vector<compiled_route> compiled_;
  actors::bearer_resolver resolve_bearer_;
  request_observer observer_;
  std::shared_ptr<response_cache> cache_;
  std::shared_ptr<class app_rate_limiter> app_limits_;
};

/// The body limits of the table's routes that take more than the server's default, for
/// net::http::server_options::body_limit_of (targets under /api/v1/; others: 0).
net::http::body_limit_fn body_limits_of(const actors::route_table& table);

/// A domain error as the JSON error response (with Retry-After when the error says when).
net::http::response error_response_of(const caf::error& err);

}  // namespace aethex::app
