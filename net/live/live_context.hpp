// What the live front ends need from their node: the media path (ingest bridge, edge relays,
// LL-HLS and WebSocket media routes, HLS redirects to the ingest node) and the chat and console
// WebSockets. These speak the channel, chat and console domains' protocols; net/app builds this
// context and knows none of them.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/core/tcp_stream.hpp>
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/core/module.hpp"
#include "net/http/server.hpp"

namespace aethex::live {

class outputs_cache;  // net/live/media_routes.hpp

struct live_context {
  caf::actor_system* sys = nullptr;
  caf::actor registry;
  caf::actor membership;  // cluster membership (runtime/cluster.hpp); null when standalone
  caf::actor media;       // media supervisor: live sessions' outputs
  caf::actor relays;      // streams pulled from other nodes (net/live/media_relay.hpp)
  std::filesystem::path hls_root;
  std::filesystem::path data_dir;  // the node's data folder (VODs and clips are under it)
  std::string node_id;
  std::string admin_token_digest;  // SHA-256 of the admin token; the token itself is not kept
  std::shared_ptr<actors::service_directory> services;  // chat hub, console (actors/*/module.cpp)
  std::string cors_origin = "*";  // Access-Control-Allow-Origin of media answers; empty: none
  std::shared_ptr<outputs_cache> outputs;  // live sessions already looked up; null: ask each time
};

/// A WebSocket endpoint: returns true (and takes the stream) when `path` is its own.
using ws_module = std::function<bool(std::string_view path, boost::beast::tcp_stream& stream,
                                     net::http::request& req, const std::string& peer)>;

/// The bearer token of the Authorization header, empty when absent.
std::string_view bearer_token(const net::http::request& req);
/// True when the request carries the node's admin token.
bool is_admin(const live_context& ctx, const net::http::request& req);
/// Value of a query parameter (no decoding of '+'), nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace aethex::live
