// The node's HTTP surface: REST API under /api/v1, HLS under /hls, WebSocket endpoints, and
// the web UI everywhere else.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "net/http/server.hpp"
#include "runtime/limits.hpp"

namespace aethex::app {

class read_models;

/// Everything route modules need to reach the actors and files of this node.
struct http_context {
  caf::actor_system* sys = nullptr;
  caf::actor registry;
  std::filesystem::path hls_root;
  std::filesystem::path web_root;
  std::string admin_token_digest;  // SHA-256 of the admin token; the token itself is not kept
  caf::actor media;                // media supervisor: live sessions' outputs (media_routes.hpp)
  caf::actor console;              // admin console service (actors/console_service.hpp)
  std::shared_ptr<read_models> read_model{};  // SQLite read models (net/app/read_models.hpp)
  caf::actor membership;           // cluster membership (runtime/cluster.hpp)
  caf::actor relays;               // streams pulled from other nodes (net/app/media_relay.hpp)
  std::string node_id;             // this node's id in the cluster
  runtime::node_limits limits;     // rate limits and quotas of the REST API
};

/// A WebSocket endpoint: returns true (and takes the stream) when `path` is its own.
using ws_module = std::function<bool(std::string_view path, boost::beast::tcp_stream& stream,
                                     net::http::request& req, const std::string& peer)>;

net::http::request_handler make_http_handler(const http_context& context);
net::http::upgrade_handler make_upgrade_handler(std::vector<ws_module> modules);

}  // namespace aethex::app
