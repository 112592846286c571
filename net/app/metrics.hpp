// The node's Prometheus metrics (GET /metrics, text exposition format 0.0.4; names in
// docs/live-media.md#metrics). Histograms of requests and event-store appends accumulate as they
// happen; live figures (ingest streams, viewers, chat, projections, cluster, process) are
// gathered from their actors when scraped, so nothing is sampled while nobody asks.
// Rendering uses prometheus-cpp's core (Debian prometheus-cpp-dev) without its HTTP server: the
// node's own HTTP server answers the scrape.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "media/media_session.hpp"
#include "net/http/server.hpp"

namespace prometheus {
class Registry;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace aethex::storage {
class event_store;
}

namespace aethex::app {

class read_models;

/// Figures gathered from actors for one scrape.
struct live_figures {
  std::vector<media::session_figures> sessions;
  std::uint64_t chat_connections = 0;
  std::uint64_t chat_frames = 0;    // since the node started
  std::uint64_t chat_messages = 0;  // of those frames, chat messages
  std::size_t cluster_members = 1;
  std::vector<std::pair<std::string, std::uint64_t>> projection_lag;  // name -> events behind
  std::uint64_t event_store_memory_bytes = 0;
};

class node_metrics {
 public:
  node_metrics();
  ~node_metrics();
  node_metrics(const node_metrics&) = delete;
  node_metrics& operator=(const node_metrics&) = delete;

  /// One API request: `route` is its pattern (bounded label values), `status` the HTTP status.
  void observe_request(std::string_view method, std::string_view route, unsigned status,
                       double seconds);
  void observe_append(double seconds);
  /// The exposition text: the accumulated histograms plus `live` and the process's figures.
  std::string render(const live_figures& live) const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Histogram>* requests_;
  prometheus::Histogram* appends_;
};

/// Where a scrape gathers its live figures.
struct metrics_sources {
  caf::actor_system* sys = nullptr;
  std::shared_ptr<node_metrics> metrics;
  caf::actor media_supervisor;
  caf::actor chat_hub;
  caf::actor membership;  // null when standalone
  std::shared_ptr<read_models> read_model;
  storage::event_store* store = nullptr;
};

/// Answers GET /metrics: gathers the live figures (each source has a second to answer; a silent
/// one leaves its metrics out) and responds with the text format.
void serve_metrics(const metrics_sources& sources, net::http::respond_fn respond);

}  // namespace aethex::app
