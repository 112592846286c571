// The node's HTTP surface: REST API under /api/v1, HLS under /hls, the web UI everywhere else.
#pragma once

#include <filesystem>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "net/http/server.hpp"

namespace aethex::app {

struct http_context {
  caf::actor_system* sys = nullptr;
  caf::actor registry;
  std::filesystem::path hls_root;
  std::filesystem::path web_root;
  std::string admin_token_digest;  // SHA-256 of the admin token; the token itself is not kept
};

net::http::request_handler make_http_handler(http_context context);

}  // namespace aethex::app
