// Shared pieces of the REST API (/api/v1): the request view handed to each route module, JSON
// error mapping and credential helpers. Each module (channels, auth, chat, …) lives in its own
// file and registers with `add_*_routes`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "net/app/http_routes.hpp"
#include "net/http/server.hpp"
#include "runtime/errors.hpp"

namespace aethex::app::api {

using json = nlohmann::json;

struct api_request {
  const net::http::request& http;
  std::string_view path;                  // after "/api/v1/", without the query string
  std::string_view query;                 // after '?', may be empty
  std::vector<std::string_view> segments;  // path split on '/'
  std::string peer;
};

/// Returns true when it handled (and will respond to) the request.
using route_module = std::function<bool(const api_request&, net::http::respond_fn&)>;
using route_table = std::vector<route_module>;

/// Maps a domain error to its HTTP status and JSON error body.
net::http::response error_from(const caf::error& err);
unsigned status_of(errc code);

/// The bearer token of the Authorization header, empty when absent.
std::string_view bearer_token(const net::http::request& req);
/// True when the request carries the node's admin token.
bool is_admin(const http_context& ctx, const net::http::request& req);

/// Parses the body as a JSON object; on failure fills `error` with a 400 response.
std::optional<json> parse_object(const net::http::request& req,
                                 std::optional<net::http::response>& error);
/// The same for a body kept as text (routes that authenticate before they read the body).
std::optional<json> parse_object(std::string_view text,
                                 std::optional<net::http::response>& error);

/// Value of a query parameter (no decoding of '+'), nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

void add_channel_routes(route_table& routes, const http_context& ctx);
void add_cluster_routes(route_table& routes, const http_context& ctx);
/// POST auth/signup, auth/login, auth/logout (net/app/api/auth.cpp).
void add_auth_routes(route_table& routes, const http_context& ctx);
/// GET/PATCH me, GET users/{name} (net/app/api/users.cpp).
void add_user_routes(route_table& routes, const http_context& ctx);
/// GET channels/{name}/health: live ingest health (net/app/api/health.cpp).
void add_health_routes(route_table& routes, const http_context& ctx);
/// POST admin/console: one admin console command (net/app/api/console.cpp).
void add_console_routes(route_table& routes, const http_context& ctx);

}  // namespace aethex::app::api
