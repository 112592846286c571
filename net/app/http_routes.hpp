// The node's HTTP surface: the REST API under /api/v1 (every module's route table, bound to
// HTTP here and only here), HLS and LL-HLS under /hls, thumbnails, Prometheus metrics at
// /metrics, WebSocket endpoints, and the web UI everywhere else.
#pragma once

#include <filesystem>
#include <vector>

#include "actors/core/module.hpp"
#include "net/app/metrics.hpp"
#include "net/app/response_cache.hpp"
#include "net/http/server.hpp"
#include "net/live/live_context.hpp"
#include "net/whip/endpoint.hpp"

namespace aethex::app {

struct http_context {
  live::live_context live;
  std::filesystem::path web_root;
  actors::route_table routes;                 // every module's routes and the node's own
  actors::bearer_resolver resolve_bearer;     // the identity module's (actors/core/module.hpp)
  metrics_sources metrics;                    // GET /metrics
  std::shared_ptr<response_cache> api_cache;  // cached public API reads; null: none
  net::whip::endpoint* whip = nullptr;        // browser ingest under /whip/; null: off
};

net::http::request_handler make_http_handler(http_context context);
net::http::upgrade_handler make_upgrade_handler(std::vector<live::ws_module> modules);

}  // namespace aethex::app
