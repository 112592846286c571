// Chat load generator: N WebSocket clients in one room, M of them sending at a fixed rate; every
// client timestamps what it receives. Speaks the AeThex chat protocol or Socket.io (engine.io v4
// over WebSocket), so both servers get the same load. Loopback only; bounded in time.
//
// usage: loadgen --proto aethex|socketio --port P --clients N --senders M --rate R --seconds T
//                [--channel NAME] [--token ADMIN] [--server-pid PID] [--drain S] [--threads K]
// Prints one JSON line with latency percentiles, deliveries/s and server memory per idle client.
//
// Clients are spread over K threads (default 2), one io_context each, so reading 100k frames/s
// does not queue up in the generator itself and inflate the latency it reports.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../common/latency_histogram.hpp"
#include "../common/loadgen_runtime.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
// Each thread runs its own io_context: no strands, no polymorphic executors on the hot path.
using socket_type = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

namespace {

struct config {
  std::string proto = "aethex";
  unsigned short port = 8080;
  int clients = 1000;
  int senders = 10;
  double rate = 2;  // messages per second per sender
  double seconds = 10;
  double drain = 3;
  std::string channel = "bench";
  std::string token;
  int server_pid = 0;
  int threads = 2;
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
    .count();
}

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return 0;
}

// Latency histogram: 10 µs buckets up to 10 s.
using histogram = bench::latency_histogram<1000000, 100000>;

// The measuring window, set by the main thread while the client threads read.
std::atomic<std::int64_t> window_start{0}, window_end{0};

// One per thread; merged at the end.
struct stats {
  histogram latency;
  std::uint64_t delivered = 0;  // inside the measuring window
  std::uint64_t sent = 0;
  std::uint64_t send_skipped = 0;
  std::uint64_t disconnected = 0;
};

class client : public std::enable_shared_from_this<client> {
 public:
  client(asio::io_context& io, const config& cfg, stats& st, int index)
      : ws_(io.get_executor()), cfg_(cfg), st_(st), index_(index) {}

  // Connects, handshakes, authenticates (senders) and joins; `ready` runs once that is done.
  void start(std::function<void(bool)> ready) {
    ready_ = std::move(ready);
    auto self = shared_from_this();
    ws_.next_layer().async_connect(
      tcp::endpoint{asio::ip::make_address("127.0.0.1"), cfg_.port}, [self](beast::error_code ec) {
        if (ec)
          return self->done(false);
        std::string target = self->cfg_.proto == "socketio"
                               ? "/socket.io/?EIO=4&transport=websocket"
                               : "/ws";
        self->ws_.async_handshake("127.0.0.1:" + std::to_string(self->cfg_.port), target,
                                  [self](beast::error_code ec) {
                                    if (ec)
                                      return self->done(false);
                                    self->ws_.text(true);
                                    self->read();
                                    if (self->cfg_.proto == "aethex")
                                      self->greet_aethex();
                                  });
      });
  }

  bool is_sender() const { return index_ < cfg_.senders; }

  void send_chat(std::uint64_t seq) {
    if (writing_ || !joined_) {
      ++st_.send_skipped;
      return;
    }
    char text[160];
    std::snprintf(text, sizeof text, "T%lld #%llu from client %d padding padding padding padding",
                  static_cast<long long>(now_ns()), static_cast<unsigned long long>(seq), index_);
    if (cfg_.proto == "socketio")
      write(std::string{"42[\"chat\",\""} + text + "\"]");
    else
      write(std::string{"{\"type\":\"send\",\"text\":\""} + text + "\"}");
    ++st_.sent;
  }

  void raw(std::string frame) { write(std::move(frame)); }

 private:
  void greet_aethex() {
    if (index_ == -1)
      write("{\"type\":\"auth\",\"token\":\"" + cfg_.token + "\"}");
    else if (is_sender())
      write("{\"type\":\"auth\",\"guest\":\"s" + std::to_string(index_) + "\"}");
    write("{\"type\":\"join\",\"channel\":\"" + cfg_.channel + "\"}");
  }

  void write(std::string frame) {
    auto self = shared_from_this();
    asio::dispatch(ws_.get_executor(), [self, frame = std::move(frame)]() mutable {
      self->outq_.push_back(std::move(frame));
      self->pump();
    });
  }

  void pump() {
    if (writing_ || outq_.empty())
      return;
    writing_ = true;
    current_ = std::move(outq_.front());
    outq_.erase(outq_.begin());
    ws_.async_write(asio::buffer(current_),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (!ec)
                        self->pump();
                    });
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (self->joined_)
          ++self->st_.disconnected;
        return self->done(false);
      }
      self->on_frame(static_cast<const char*>(self->buf_.data().data()), self->buf_.size());
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void on_frame(const char* data, std::size_t size) {
    std::string_view f{data, size};
    if (cfg_.proto == "socketio") {
      if (f == "2")
        return write("3");  // engine.io ping
      if (f.substr(0, 1) == "0")
        return write("40");  // open -> connect to the default namespace
      if (f.substr(0, 2) == "40") {
        joined_ = true;
        return done(true);
      }
    } else if (!joined_ && f.find("\"type\":\"history\"") != std::string_view::npos) {
      joined_ = true;
      return done(true);
    }
    // Every "T<ns>" marker is one delivered chat message (a batch holds several).
    auto t = now_ns();
    std::size_t pos = 0;
    while ((pos = f.find("\"T", pos)) != std::string_view::npos) {
      pos += 2;
      std::int64_t sent = 0;
      while (pos < f.size() && f[pos] >= '0' && f[pos] <= '9')
        sent = sent * 10 + (f[pos++] - '0');
      auto from = window_start.load(std::memory_order_relaxed);
      auto to = window_end.load(std::memory_order_relaxed);
      if (from > 0 && sent >= from && (to == 0 || sent <= to)) {
        st_.latency.add_seconds(static_cast<double>(t - sent) / 1e9);
        ++st_.delivered;
      }
    }
  }

  void done(bool ok) {
    if (ready_) {
      auto r = std::move(ready_);
      ready_ = nullptr;
      r(ok);
    }
  }

 public:
  websocket::stream<socket_type> ws_;

 private:
  const config& cfg_;
  stats& st_;
  int index_;
  beast::flat_buffer buf_;
  std::vector<std::string> outq_;
  std::string current_;
  bool writing_ = false;
  bool joined_ = false;
  std::function<void(bool)> ready_;
};

config parse(int argc, char** argv) {
  config c;
  bench::read_options(argc, argv, [&c](const std::string& k, const std::string& v) {
    if (k == "--proto")
      c.proto = v;
    else if (k == "--port")
      c.port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--clients")
      c.clients = std::stoi(v);
    else if (k == "--senders")
      c.senders = std::stoi(v);
    else if (k == "--rate")
      c.rate = std::stod(v);
    else if (k == "--seconds")
      c.seconds = std::stod(v);
    else if (k == "--drain")
      c.drain = std::stod(v);
    else if (k == "--channel")
      c.channel = v;
    else if (k == "--token")
      c.token = v;
    else if (k == "--server-pid")
      c.server_pid = std::stoi(v);
    else if (k == "--threads")
      c.threads = std::max(1, std::stoi(v));
    else
      throw std::runtime_error("unknown option " + k);
  });
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  config cfg;
  try {
    cfg = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  auto threads = static_cast<std::size_t>(cfg.threads);
  bench::io_threads ios{threads};
  std::vector<std::unique_ptr<stats>> per_thread;
  for (std::size_t t = 0; t < threads; ++t)
    per_thread.push_back(std::make_unique<stats>());
  auto finish = [&](int code) {
    ios.stop();
    return code;
  };
  auto rss_before = cfg.server_pid ? rss_kib(cfg.server_pid) : 0;
  auto sleep_for = [](auto d) { std::this_thread::sleep_for(d); };

  // The broadcaster lifts the per-user rate limit so the senders' fixed rate is what counts.
  std::shared_ptr<client> admin;
  if (cfg.proto == "aethex" && !cfg.token.empty()) {
    admin = std::make_shared<client>(ios[0], cfg, *per_thread[0], -1);
    std::atomic<int> ok{0};
    asio::post(ios[0], [&] { admin->start([&](bool r) { ok = r ? 1 : -1; }); });
    for (int i = 0; i < 500 && ok == 0; ++i)
      sleep_for(std::chrono::milliseconds(10));
    if (ok != 1) {
      std::cerr << "admin client could not join\n";
      return finish(1);
    }
    // Senders are guests (rooms refuse guests unless told otherwise) sharing one address.
    admin->raw(
      R"({"type":"settings","rate_count":100000,"rate_window_s":1,"slow_s":0,"guests":true})");
    sleep_for(std::chrono::milliseconds(300));
  }

  // Connect everybody, at most 256 handshakes in flight.
  std::vector<std::shared_ptr<client>> clients;
  std::atomic<int> ready{0}, failed{0}, inflight{0};
  auto connect_deadline = clock_type::now() + std::chrono::seconds(120);
  for (int next = 0; next < cfg.clients && clock_type::now() < connect_deadline;) {
    if (inflight >= 256) {
      sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    auto t = static_cast<std::size_t>(next) % threads;
    auto c = std::make_shared<client>(ios[t], cfg, *per_thread[t], next++);
    clients.push_back(c);
    ++inflight;
    asio::post(ios[t], [c, &ready, &failed, &inflight] {
      c->start([&](bool ok) {
        --inflight;
        ok ? ++ready : ++failed;
      });
    });
  }
  while (ready + failed < cfg.clients && clock_type::now() < connect_deadline)
    sleep_for(std::chrono::milliseconds(10));
  if (ready < cfg.clients) {
    std::cerr << "only " << ready << " of " << cfg.clients << " clients joined (" << failed
              << " failed)\n";
    return finish(1);
  }
  // Idle memory: let the server settle, then read its RSS.
  sleep_for(std::chrono::seconds(2));
  auto rss_idle = cfg.server_pid ? rss_kib(cfg.server_pid) : 0;

  // Fixed-rate senders for `seconds`, then drain. Each sender ticks on its client's thread.
  window_start = now_ns();
  std::atomic<std::uint64_t> seq{0};
  auto interval = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / cfg.rate));
  auto end = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                   std::chrono::duration<double>(cfg.seconds));
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  std::function<void(int, clock_type::time_point)> tick = [&](int s, clock_type::time_point at) {
    if (at >= end)
      return;
    auto& timer = *timers[static_cast<std::size_t>(s)];
    timer.expires_at(at);
    timer.async_wait([&, s, at](beast::error_code ec) {
      if (ec)
        return;
      clients[static_cast<std::size_t>(s)]->send_chat(++seq);
      tick(s, at + interval);
    });
  };
  auto start = clock_type::now();
  for (int s = 0; s < cfg.senders; ++s)
    timers.push_back(
      std::make_unique<asio::steady_timer>(ios[static_cast<std::size_t>(s) % threads]));
  for (int s = 0; s < cfg.senders; ++s) {
    auto at = start + interval * s / cfg.senders;  // spread the senders over one interval
    asio::post(ios[static_cast<std::size_t>(s) % threads], [&tick, s, at] { tick(s, at); });
  }
  std::this_thread::sleep_until(end);
  window_end = now_ns();
  sleep_for(std::chrono::duration<double>(cfg.drain));
  // Stop the threads before reading their statistics.
  ios.stop();

  stats st;
  for (auto& p : per_thread) {
    st.latency.merge(p->latency);
    st.delivered += p->delivered;
    st.sent += p->sent;
    st.send_skipped += p->send_skipped;
    st.disconnected += p->disconnected;
  }
  auto window_s = cfg.seconds;
  auto expected = static_cast<double>(st.sent) * cfg.clients;
  std::printf(
    "{\"proto\":\"%s\",\"clients\":%d,\"senders\":%d,\"rate_per_sender\":%.1f,\"seconds\":%.1f,"
    "\"sent\":%llu,\"send_skipped\":%llu,\"delivered\":%llu,\"delivery_ratio\":%.4f,"
    "\"deliveries_per_s\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"p999_ms\":%.2f,\"max_ms\":%.2f,"
    "\"disconnected\":%llu,\"server_rss_kib_before\":%ld,\"server_rss_kib_idle\":%ld,"
    "\"bytes_per_idle_client\":%.0f,\"loadgen_threads\":%d}\n",
    cfg.proto.c_str(), cfg.clients, cfg.senders, cfg.rate, cfg.seconds,
    static_cast<unsigned long long>(st.sent), static_cast<unsigned long long>(st.send_skipped),
    static_cast<unsigned long long>(st.delivered), expected > 0 ? st.delivered / expected : 0.0,
    static_cast<double>(st.delivered) / window_s, st.latency.percentile_ms(0.5),
    st.latency.percentile_ms(0.99), st.latency.percentile_ms(0.999),
    st.latency.percentile_ms(0.999999), static_cast<unsigned long long>(st.disconnected),
    rss_before, rss_idle,
    cfg.server_pid ? (static_cast<double>(rss_idle - rss_before) * 1024.0 / cfg.clients) : 0.0,
    cfg.threads);
  std::fflush(stdout);
  std::_Exit(0);  // thousands of sockets: let the kernel close them
}
