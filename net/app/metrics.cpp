#include "net/app/metrics.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/beast/http.hpp>
#include <caf/all.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include "net/app/read_models.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "storage/event_store.hpp"

namespace aethex::app {
namespace {

using namespace std::chrono_literals;
namespace bhttp = boost::beast::http;
using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

constexpr auto source_timeout = 1s;

// Seconds from 0.5 ms to 10 s: API reads answer in well under a millisecond, appends fsync.
prometheus::Histogram::BucketBoundaries latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

struct process_figures {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double open_fds = 0;
};

process_figures read_process() {
  process_figures p;
  std::ifstream stat("/proc/self/stat");
  std::string text{std::istreambuf_iterator<char>(stat), {}};
  // Fields after the command (which may hold spaces) start after its closing parenthesis;
  // utime and stime are the 14th and 15th fields of the whole line.
  if (auto close = text.rfind(')'); close != std::string::npos) {
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14)
        utime = std::stod(field);
      if (i == 15)
        stime = std::stod(field);
    }
    p.cpu_seconds = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  if (statm >> pages >> resident)
    p.resident_bytes = resident * static_cast<double>(sysconf(_SC_PAGESIZE));
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++p.open_fds;
  return p;
}

// Live figures as a registry of their own, built per scrape: a channel that went offline
// leaves no stale series behind.
std::shared_ptr<prometheus::Registry> live_registry(const live_figures& live) {
  auto r = std::make_shared<prometheus::Registry>();
  auto& streams = BuildGauge()
                    .Name("aethex_ingest_streams")
                    .Help("Live streams ingested by this node")
                    .Register(*r);
  streams.Add({}).Set(static_cast<double>(live.sessions.size()));
  auto& bitrate = BuildGauge()
                    .Name("aethex_ingest_bitrate_kbps")
                    .Help("Ingest bitrate of a live stream over the last second")
                    .Register(*r);
  auto& bytes = BuildCounter()
                  .Name("aethex_ingest_bytes_total")
                  .Help("Bytes a live stream's publisher sent")
                  .Register(*r);
  auto& viewers = BuildGauge()
                    .Name("aethex_viewers")
                    .Help(
                      "Viewers of a live stream on this node by playback path (HLS and LL-HLS: "
                      "players that fetched a playlist in the last 30 s)")
                    .Register(*r);
  double ws = 0, hls = 0, ll = 0;
  for (auto& s : live.sessions) {
    bitrate.Add({{"channel", s.channel}}).Set(static_cast<double>(s.bitrate_kbps));
    bytes.Add({{"channel", s.channel}}).Increment(static_cast<double>(s.bytes_in));
    viewers.Add({{"channel", s.channel}, {"path", "ws"}}).Set(static_cast<double>(s.ws_viewers));
    viewers.Add({{"channel", s.channel}, {"path", "hls"}}).Set(static_cast<double>(s.hls_viewers));
    viewers.Add({{"channel", s.channel}, {"path", "llhls"}})
      .Set(static_cast<double>(s.ll_hls_viewers));
    ws += static_cast<double>(s.ws_viewers);
    hls += static_cast<double>(s.hls_viewers);
    ll += static_cast<double>(s.ll_hls_viewers);
  }
  auto& totals = BuildGauge()
                   .Name("aethex_viewers_total")
                   .Help("Viewers of every live stream on this node by playback path")
                   .Register(*r);
  totals.Add({{"path", "ws"}}).Set(ws);
  totals.Add({{"path", "hls"}}).Set(hls);
  totals.Add({{"path", "llhls"}}).Set(ll);
  BuildGauge()
    .Name("aethex_chat_connections")
    .Help("Chat WebSocket connections in a room on this node")
    .Register(*r)
    .Add({})
    .Set(static_cast<double>(live.chat_connections));
  BuildCounter()
    .Name("aethex_chat_frames_total")
    .Help("Chat frames (messages, deletions, moderation, presence, …) fanned out on this node")
    .Register(*r)
    .Add({})
    .Increment(static_cast<double>(live.chat_frames));
  BuildCounter()
    .Name("aethex_chat_messages_total")
    .Help("Chat messages fanned out to this node's sockets (rate() gives messages/s)")
    .Register(*r)
    .Add({})
    .Increment(static_cast<double>(live.chat_messages));
  BuildGauge()
    .Name("aethex_cluster_members")
    .Help("Cluster members this node sees (1 when standalone)")
    .Register(*r)
    .Add({})
    .Set(static_cast<double>(live.cluster_members));
  auto& lag = BuildGauge()
                .Name("aethex_projection_lag_events")
                .Help("Events a read-model projection has yet to apply")
                .Register(*r);
  for (auto& [name, behind] : live.projection_lag)
    lag.Add({{"projection", name}}).Set(static_cast<double>(behind));
  BuildGauge()
    .Name("aethex_event_store_memory_bytes")
    .Help("Event-store bytes held in memory (RocksDB memtables, table readers, block cache)")
    .Register(*r)
    .Add({})
    .Set(static_cast<double>(live.event_store_memory_bytes));
  auto process = read_process();
  BuildCounter()
    .Name("process_cpu_seconds_total")
    .Help("User and system CPU time of the node")
    .Register(*r)
    .Add({})
    .Increment(process.cpu_seconds);
  BuildGauge()
    .Name("process_resident_memory_bytes")
    .Help("Resident memory of the node")
    .Register(*r)
    .Add({})
    .Set(process.resident_bytes);
  BuildGauge()
    .Name("process_open_fds")
    .Help("Open file descriptors of the node")
    .Register(*r)
    .Add({})
    .Set(process.open_fds);
  return r;
}

}  // namespace

node_metrics::node_metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &BuildHistogram()
                 .Name("aethex_http_request_duration_seconds")
                 .Help("API requests by method, route pattern and status class, until answered")
                 .Register(*registry_);
  appends_ = &BuildHistogram()
                .Name("aethex_event_store_append_seconds")
                .Help("Durable event appends (RocksDB write with sync)")
                .Register(*registry_)
                .Add({}, latency_buckets());
}

node_metrics::~node_metrics() = default;

void node_metrics::observe_request(std::string_view method, std::string_view route, unsigned status,
                                   double seconds) {
  auto klass = std::to_string(status / 100) + "xx";
  requests_
    ->Add({{"method", std::string{method}}, {"route", std::string{route}}, {"status", klass}},
          latency_buckets())
    .Observe(seconds);
}

void node_metrics::observe_append(double seconds) { appends_->Observe(seconds); }

std::string node_metrics::render(const live_figures& live) const {
  auto families = registry_->Collect();
  auto gathered = live_registry(live)->Collect();
  families.insert(families.end(), gathered.begin(), gathered.end());
  return prometheus::TextSerializer{}.Serialize(families);
}

void serve_metrics(const metrics_sources& sources, net::http::respond_fn respond) {
  // One short-lived actor asks the sources in turn; the read-model and store figures are read
  // on its thread, never on the network thread that took the request.
  sources.sys->spawn([sources, respond = std::move(respond)](caf::event_based_actor* self) {
    auto live = std::make_shared<live_figures>();
    auto finish = [sources, respond, live] {
      if (sources.read_model && sources.store)
        live->projection_lag = sources.read_model->projection_lag(sources.store->global_head());
      if (sources.store)
        live->event_store_memory_bytes = sources.store->memory_bytes();
      net::http::response res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.set(bhttp::field::cache_control, "no-store");
      res.body() = sources.metrics->render(*live);
      respond(std::move(res));
    };
    auto members = [self, sources, live, finish] {
      if (!sources.membership)
        return finish();
      self->request(sources.membership, source_timeout, get_atom::value)
        .then(
          [live, finish](runtime::cluster_view& view) {
            live->cluster_members = view.members.size();
            finish();
          },
          [finish](caf::error&) { finish(); });
    };
    auto chat = [self, sources, live, members] {
      if (!sources.chat_hub)
        return members();
      self->request(sources.chat_hub, source_timeout, metrics_atom::value)
        .then(
          [live, members](std::vector<std::uint64_t>& figures) {
            if (figures.size() == 3) {
              live->chat_connections = figures[0];
              live->chat_frames = figures[1];
              live->chat_messages = figures[2];
            }
            members();
          },
          [members](caf::error&) { members(); });
    };
    self->request(sources.media_supervisor, source_timeout, media::media_figures_atom::value)
      .then(
        [live, chat](std::vector<media::session_figures>& sessions) {
          live->sessions = std::move(sessions);
          chat();
        },
        [chat](caf::error&) { chat(); });
  });
}

}  // namespace aethex::app
