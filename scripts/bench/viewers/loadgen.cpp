// Viewer load generator: N WebSocket media viewers (/ws/media/<ch>) and M HLS players polling one
// playlist and fetching its segments, against one live stream. Loopback only; bounded in time.
//
// usage: loadgen [--host 127.0.0.1] --port P (--channel C | --playlist-url-path /hls/x/index.m3u8)
//                [--ws N] [--hls M] [--seconds T] [--warmup W] [--drain D] [--poll-ms 1000]
//                [--batch 100] [--batch-ms 100] [--threads 2] [--vid-prefix v]
//                [--fetch-limit 1.0] [--ws-gap 1.5] [--min-share 0.9]
//
// Timeline: players are started in batches (--batch every --batch-ms, so a thousand sockets do not
// hit the listen backlog at once); once every player has answered (WS handshake, first playlist)
// or failed, W seconds of warm-up; then the judged window of T seconds, announced on stdout as the
// lines "WINDOW START" and "WINDOW END" (the run script samples the server's CPU there); then D
// seconds of drain in which players go on fetching (segments listed just before the end still
// count) but nothing more is judged; then one JSON line with the results.
//
// HLS player (like hls.js on a 1 s segment stream): one keep-alive connection; GET the playlist
// (with ?vid=<prefix><index>, each player its own id, as the node counts HLS viewers by it) every
// --poll-ms (random first phase; an overdue poll runs at once); the first answer starts it at the
// last listed segment, later answers queue every segment with a higher media sequence number;
// the EXT-X-MAP init is fetched when it changes; segments are fetched one after the other.
// Healthy when, for the window:
//   - it fetched >= --min-share of the segments the stream produced in the window (those first
//     listed to any player inside it; at least window / mean EXTINF - 1 of them, so a stream
//     that stalls for everybody fails too), fetches completing up to the end of the drain;
//   - every request started in the window (playlist, init, segment; connecting included) was
//     answered with 200 in < --fetch-limit s, and none failed.
// WebSocket viewer: healthy when it received the text init message and the binary init, was not
// closed before the window ended, got no {"type":"skip"} in the window (the node dropped its
// queue) and no gap between binary frames (fMP4 fragments) inside the window exceeded --ws-gap s
// (counting from the window start and up to its end).
//
// Players are spread over K threads (default 2), one io_context each, like the chat loadgen.
// HLS segment bodies of known length are discarded in the kernel (recv with MSG_TRUNC: the server
// sends and the socket drains as for any player, minus the copy); WebSocket fragments are read by
// Beast and counted. Neither is kept.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <sys/socket.h>
#include <cerrno>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
// Each thread runs its own io_context: no strands, no polymorphic executors on the hot path.
using executor_type = asio::io_context::executor_type;
using socket_type = asio::basic_stream_socket<tcp, executor_type>;
using http_stream = beast::basic_stream<tcp, executor_type, beast::unlimited_rate_policy>;
using timer_type =
  asio::basic_waitable_timer<clock_type, asio::wait_traits<clock_type>, executor_type>;

namespace {

struct config {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string channel = "bench";
  std::string playlist;  // default /hls/<channel>/index.m3u8
  int ws = 0;
  int hls = 0;
  double seconds = 20;
  double warmup = 3;
  double drain = 2;
  int poll_ms = 1000;
  int batch = 100;
  int batch_ms = 100;
  int threads = 2;
  std::string vid_prefix = "v";
  double fetch_limit = 1.0;
  double ws_gap = 1.5;
  double min_share = 0.9;
  double request_timeout = 5;
};

const auto t_origin = clock_type::now();
double now_s() { return std::chrono::duration<double>(clock_type::now() - t_origin).count(); }

constexpr double inf = std::numeric_limits<double>::infinity();
// The judged window [a, b) in now_s() seconds, set by the main thread; `stopping` ends the run.
std::atomic<double> win_a{inf}, win_b{inf};
std::atomic<bool> stopping{false};
bool in_window(double t) {
  return t >= win_a.load(std::memory_order_relaxed) && t < win_b.load(std::memory_order_relaxed);
}

// Latency histogram: 0.1 ms buckets up to 30 s.
struct histogram {
  std::vector<std::uint32_t> buckets = std::vector<std::uint32_t>(300000, 0);
  std::uint64_t count = 0;
  double max = 0;
  void add(double s) {
    auto b = std::clamp<std::int64_t>(static_cast<std::int64_t>(s * 1e4), 0,
                                      static_cast<std::int64_t>(buckets.size()) - 1);
    ++buckets[static_cast<std::size_t>(b)];
    ++count;
    max = std::max(max, s);
  }
  void merge(const histogram& o) {
    for (std::size_t i = 0; i < buckets.size(); ++i)
      buckets[i] += o.buckets[i];
    count += o.count;
    max = std::max(max, o.max);
  }
  double percentile_ms(double p) const {
    if (!count)
      return 0;
    auto target = static_cast<std::uint64_t>(p * static_cast<double>(count));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      seen += buckets[i];
      if (seen > target)
        return static_cast<double>(i) * 0.1;
    }
    return 30000;
  }
};

// One per thread; merged at the end.
struct stats {
  histogram playlist_ms, segment_ms, ready_ms;            // in-window requests; ready: see below
  std::unordered_map<std::int64_t, double> first_listed;  // msn -> first time any player saw it
  double extinf_sum = 0;
  std::uint64_t extinf_count = 0;
  std::unordered_map<std::int64_t, bool> extinf_seen;
};

// An HTTP body that only counts its bytes.
struct counting_body {
  using value_type = std::uint64_t;
  static std::uint64_t size(value_type v) { return v; }
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& v) : v_(v) {}
    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) {
      v_ = 0;
      ec = {};
    }
    template <class Buffers>
    std::size_t put(const Buffers& buffers, beast::error_code& ec) {
      auto n = asio::buffer_size(buffers);
      v_ += n;
      ec = {};
      return n;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& v_;
  };
};

struct segment_ref {
  std::int64_t msn;
  std::string uri;
};

class hls_player : public std::enable_shared_from_this<hls_player> {
 public:
  hls_player(asio::io_context& io, const config& cfg, stats& st, int index)
      : stream_(io.get_executor()), timer_(io.get_executor()), cfg_(cfg), st_(st), index_(index) {
    target_ = cfg.playlist + (cfg.playlist.find('?') == std::string::npos ? "?" : "&") +
              "vid=" + cfg.vid_prefix + std::to_string(index);
    base_ = cfg.playlist.substr(0, cfg.playlist.rfind('/') + 1);
    host_ = cfg.host + ":" + std::to_string(cfg.port);
  }

  void start(std::function<void(bool)> ready) {
    ready_ = std::move(ready);
    std::mt19937 rng(static_cast<unsigned>(index_) * 2654435761u + 1);
    auto phase = std::uniform_int_distribution<int>(0, std::max(0, cfg_.poll_ms - 1))(rng);
    next_poll_ = now_s() + phase / 1000.0;
    schedule();
  }

  // Results, read after the threads stopped.
  std::vector<std::pair<std::int64_t, double>> fetched;  // msn, time its bytes were complete
  std::uint64_t bytes = 0, bytes_window = 0, segments = 0, requests = 0;
  int errors_window = 0, errors_other = 0, slow_window = 0, resets = 0;
  double worst_window = 0;
  std::string first_error;

 private:
  void schedule() {
    if (stopping)
      return;
    auto wait = std::max(0.0, next_poll_ - now_s());
    timer_.expires_after(
      std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(wait)));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->poll();
    });
  }

  void poll() {
    if (stopping)
      return;
    next_poll_ = std::max(next_poll_ + cfg_.poll_ms / 1000.0, now_s());  // overdue: poll at once
    get<http::string_body>(target_, [self = shared_from_this()](bool ok, std::string body) {
      if (ok)
        self->on_playlist(body);
      self->done(ok);
      if (ok)
        self->fetch_next();
      else
        self->schedule();
    });
  }

  void on_playlist(const std::string& text) {
    auto now = now_s();
    std::int64_t seq = 0;
    double dur = 0;
    std::vector<segment_ref> segs;
    std::vector<double> durs;
    std::string map;
    std::size_t pos = 0;
    while (pos < text.size()) {
      auto end = text.find('\n', pos);
      if (end == std::string::npos)
        end = text.size();
      std::string_view line{text.data() + pos, end - pos};
      pos = end + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.remove_suffix(1);
      if (line.empty())
        continue;
      if (line.starts_with("#EXT-X-MEDIA-SEQUENCE:"))
        seq = std::atoll(std::string{line.substr(22)}.c_str());
      else if (line.starts_with("#EXTINF:"))
        dur = std::atof(std::string{line.substr(8)}.c_str());
      else if (line.starts_with("#EXT-X-MAP:")) {
        auto u = line.find("URI=\"");
        if (u != std::string_view::npos) {
          auto e = line.find('"', u + 5);
          map = std::string{line.substr(u + 5, e - u - 5)};
        }
      } else if (line[0] != '#') {
        segs.push_back({seq + static_cast<std::int64_t>(segs.size()), std::string{line}});
        durs.push_back(dur);
      }
    }
    for (std::size_t i = 0; i < segs.size(); ++i) {
      auto [it, fresh] = st_.first_listed.try_emplace(segs[i].msn, now);
      if (!fresh && now < it->second)
        it->second = now;
      if (durs[i] > 0 && st_.extinf_seen.try_emplace(segs[i].msn, true).second) {
        st_.extinf_sum += durs[i];
        ++st_.extinf_count;
      }
    }
    if (!map.empty() && map != init_uri_)
      pending_init_ = map;
    if (segs.empty())
      return;
    if (last_msn_ >= 0 && segs.back().msn < last_msn_) {  // the numbering started again
      ++resets;
      last_msn_ = -1;
    }
    if (last_msn_ < 0) {  // start at the newest segment, like a live player
      queue_.push_back(std::move(segs.back()));
      last_msn_ = queue_.back().msn;
      return;
    }
    for (auto& s : segs)
      if (s.msn > last_msn_) {
        last_msn_ = s.msn;
        queue_.push_back(std::move(s));
      }
  }

  void fetch_next() {
    if (stopping)
      return;
    if (!pending_init_.empty()) {
      auto uri = pending_init_;
      pending_init_.clear();
      return get<counting_body>(resolve(uri),
                                [self = shared_from_this(), uri](bool ok, std::uint64_t n) {
                                  if (ok) {
                                    self->init_uri_ = uri;
                                    self->count(n);
                                  }
                                  self->fetch_next();
                                });
    }
    if (queue_.empty())
      return schedule();
    auto seg = std::move(queue_.front());
    queue_.pop_front();
    get_discard(resolve(seg.uri),
                [self = shared_from_this(), msn = seg.msn](bool ok, std::uint64_t n) {
                  if (ok) {
                    self->count(n);
                    ++self->segments;
                    self->fetched.emplace_back(msn, now_s());
                  }
                  self->fetch_next();
                });
  }

  void count(std::uint64_t n) {
    bytes += n;
    if (in_window(now_s()))
      bytes_window += n;
  }

  std::string resolve(const std::string& uri) const {
    if (uri.starts_with("http://") || uri.starts_with("https://")) {
      auto p = uri.find('/', uri.find("//") + 2);
      return p == std::string::npos ? "/" : uri.substr(p);
    }
    return uri.starts_with("/") ? uri : base_ + uri;
  }

  void failed(double t0, const std::string& what) {
    if (in_window(t0))
      ++errors_window;
    else
      ++errors_other;
    if (first_error.empty())
      first_error = what;
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  // GET target on the keep-alive connection (connecting first when needed); done(ok, body).
  template <class Body, class Done>
  void get(std::string target, Done done) {
    auto self = shared_from_this();
    auto t0 = now_s();
    ++requests;
    auto send = [self, target, done, t0]() mutable {
      auto req = std::make_shared<http::request<http::empty_body>>(http::verb::get, target, 11);
      req->set(http::field::host, self->host_);
      req->set(http::field::user_agent, "aethex-viewers-loadgen");
      self->stream_.expires_after(std::chrono::duration_cast<clock_type::duration>(
        std::chrono::duration<double>(self->cfg_.request_timeout)));
      http::async_write(
        self->stream_, *req, [self, req, done, t0](beast::error_code ec, std::size_t) mutable {
          if (ec) {
            self->failed(t0, "write: " + ec.message());
            return done(false, typename Body::value_type{});
          }
          auto parser = std::make_shared<http::response_parser<Body>>();
          parser->body_limit(256u << 20);
          http::async_read(self->stream_, self->buf_, *parser,
                           [self, parser, done, t0](beast::error_code ec, std::size_t) mutable {
                             self->stream_.expires_never();
                             auto t = now_s();
                             if (ec) {
                               self->failed(t0, "read: " + ec.message());
                               return done(false, typename Body::value_type{});
                             }
                             auto& res = parser->get();
                             self->timed(t0, t, std::is_same_v<Body, http::string_body>);
                             if (!res.keep_alive()) {
                               beast::error_code ignored;
                               self->stream_.socket().close(ignored);
                             }
                             if (res.result_int() != 200) {
                               self->failed(t0, "HTTP " + std::to_string(res.result_int()));
                               return done(false, typename Body::value_type{});
                             }
                             done(true, std::move(res.body()));
                           });
        });
    };
    if (stream_.socket().is_open())
      return send();
    buf_.clear();
    stream_.expires_after(std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(cfg_.request_timeout)));
    stream_.async_connect(tcp::endpoint{asio::ip::make_address(cfg_.host), cfg_.port},
                          [self, send, done, t0](beast::error_code ec) mutable {
                            if (ec) {
                              self->failed(t0, "connect: " + ec.message());
                              return done(false, typename Body::value_type{});
                            }
                            send();
                          });
  }

  // A segment: like get<counting_body>, but once the head is read, a body of known length is
  // taken off the socket with recv(MSG_TRUNC), which discards it in the kernel: the server sends
  // and the socket drains exactly as for a player that keeps the bytes, without the copy and the
  // parsing that would make the generator compete with the server for CPU.
  template <class Done>
  void get_discard(std::string target, Done done) {
    auto self = shared_from_this();
    auto t0 = now_s();
    ++requests;
    auto send = [self, target, done, t0]() mutable {
      auto req = std::make_shared<http::request<http::empty_body>>(http::verb::get, target, 11);
      req->set(http::field::host, self->host_);
      req->set(http::field::user_agent, "aethex-viewers-loadgen");
      self->stream_.expires_after(std::chrono::duration_cast<clock_type::duration>(
        std::chrono::duration<double>(self->cfg_.request_timeout)));
      http::async_write(
        self->stream_, *req, [self, req, done, t0](beast::error_code ec, std::size_t) mutable {
          if (ec) {
            self->failed(t0, "write: " + ec.message());
            return done(false, std::uint64_t{0});
          }
          auto parser = std::make_shared<http::response_parser<counting_body>>();
          parser->body_limit(256u << 20);
          http::async_read_header(
            self->stream_, self->buf_, *parser,
            [self, parser, done, t0](beast::error_code ec, std::size_t) mutable {
              if (ec) {
                self->stream_.expires_never();
                self->failed(t0, "read: " + ec.message());
                return done(false, std::uint64_t{0});
              }
              auto length = parser->content_length();
              if (parser->get().result_int() != 200 || !length || parser->chunked()) {
                // Not a plain 200 with a length: read it the ordinary way.
                return http::async_read(
                  self->stream_, self->buf_, *parser,
                  [self, parser, done, t0](beast::error_code ec, std::size_t) mutable {
                    self->stream_.expires_never();
                    if (ec) {
                      self->failed(t0, "read: " + ec.message());
                      return done(false, std::uint64_t{0});
                    }
                    self->finish(t0, parser->get().keep_alive(), parser->get().result_int(),
                                 parser->get().body(), done);
                  });
              }
              self->stream_.expires_never();
              auto have = std::min<std::uint64_t>(self->buf_.size(), *length);
              self->buf_.consume(static_cast<std::size_t>(have));
              self->timer_.expires_after(std::chrono::duration_cast<clock_type::duration>(
                std::chrono::duration<double>(self->cfg_.request_timeout)));
              self->timer_.async_wait([self](beast::error_code ec) {
                if (!ec) {  // timed out: closing the socket ends the wait below
                  beast::error_code ignored;
                  self->stream_.socket().close(ignored);
                }
              });
              self->discard(*length - have, *length, parser->get().keep_alive(), t0, done);
            });
        });
    };
    if (stream_.socket().is_open())
      return send();
    buf_.clear();
    stream_.expires_after(std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(cfg_.request_timeout)));
    stream_.async_connect(tcp::endpoint{asio::ip::make_address(cfg_.host), cfg_.port},
                          [self, send, done, t0](beast::error_code ec) mutable {
                            if (ec) {
                              self->failed(t0, "connect: " + ec.message());
                              return done(false, std::uint64_t{0});
                            }
                            send();
                          });
  }

  template <class Done>
  void discard(std::uint64_t left, std::uint64_t length, bool keep_alive, double t0, Done done) {
    static thread_local char scratch[16];  // MSG_TRUNC: the kernel writes nothing into it
    while (left > 0) {
      if (!stream_.socket().is_open()) {
        timer_.cancel();
        failed(t0, "read: timeout");
        return done(false, std::uint64_t{0});
      }
      auto r = ::recv(stream_.socket().native_handle(), scratch,
                      static_cast<std::size_t>(std::min<std::uint64_t>(left, 1u << 30)),
                      MSG_TRUNC | MSG_DONTWAIT);
      if (r > 0) {
        left -= static_cast<std::uint64_t>(r);
        continue;
      }
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return stream_.socket().async_wait(tcp::socket::wait_read,
                                           [self = shared_from_this(), left, length, keep_alive, t0,
                                            done](beast::error_code ec) mutable {
                                             if (ec && self->stream_.socket().is_open()) {
                                               self->timer_.cancel();
                                               self->failed(t0, "read: " + ec.message());
                                               return done(false, std::uint64_t{0});
                                             }
                                             self->discard(left, length, keep_alive, t0, done);
                                           });
      }
      timer_.cancel();
      failed(t0, r == 0 ? "read: end of stream" : std::string{"read: "} + std::strerror(errno));
      return done(false, std::uint64_t{0});
    }
    timer_.cancel();
    finish(t0, keep_alive, 200, length, done);
  }

  template <class Value, class Done>
  void finish(double t0, bool keep_alive, unsigned status, Value value, Done& done) {
    timed(t0, now_s(), std::is_same_v<Value, std::string>);
    if (!keep_alive) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
    }
    if (status != 200) {
      failed(t0, "HTTP " + std::to_string(status));
      return done(false, Value{});
    }
    done(true, std::move(value));
  }

  void timed(double t0, double t, bool playlist) {
    if (!in_window(t0))
      return;
    auto took = t - t0;
    (playlist ? st_.playlist_ms : st_.segment_ms).add(took);
    worst_window = std::max(worst_window, took);
    if (took >= cfg_.fetch_limit)
      ++slow_window;
  }

  void done(bool ok) {
    if (ready_) {
      auto r = std::move(ready_);
      ready_ = nullptr;
      r(ok);
    }
  }

  http_stream stream_;
  timer_type timer_;
  const config& cfg_;
  stats& st_;
  int index_;
  std::string target_, base_, host_;
  beast::flat_buffer buf_;
  double next_poll_ = 0;
  std::int64_t last_msn_ = -1;
  std::deque<segment_ref> queue_;
  std::string init_uri_, pending_init_;
  std::function<void(bool)> ready_;
};

class ws_viewer : public std::enable_shared_from_this<ws_viewer> {
 public:
  ws_viewer(asio::io_context& io, const config& cfg) : ws_(io.get_executor()), cfg_(cfg) {}

  void start(std::function<void(bool)> ready) {
    ready_ = std::move(ready);
    auto self = shared_from_this();
    ws_.read_message_max(64u << 20);
    ws_.next_layer().async_connect(
      tcp::endpoint{asio::ip::make_address(cfg_.host), cfg_.port}, [self](beast::error_code ec) {
        if (ec)
          return self->fail("connect: " + ec.message());
        self->ws_.async_handshake(self->cfg_.host + ":" + std::to_string(self->cfg_.port),
                                  "/ws/media/" + self->cfg_.channel, [self](beast::error_code ec) {
                                    if (ec)
                                      return self->fail("handshake: " + ec.message());
                                    self->connected = true;
                                    self->done(true);
                                    self->read();
                                  });
      });
  }

  // The largest stretch of the window [a, b) without a binary frame, given the last one at `last`
  // and the next at `t` (t = b at the end).
  void gap_until(double t) {
    auto a = win_a.load(), b = win_b.load();
    auto from = std::max(last_bin_, a), to = std::min(t, b);
    if (to > from)
      max_gap = std::max(max_gap, to - from);
  }

  // Results, read after the threads stopped.
  bool connected = false, init_text = false, init_bin = false;
  double closed_at = inf, max_gap = 0;
  int skips_window = 0, skips = 0;
  std::uint64_t bytes = 0, bytes_window = 0, fragments = 0;
  std::string error;

 private:
  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) {
        if (!stopping) {
          self->closed_at = now_s();
          self->error = "closed: " + ec.message();
          if (self->ws_.reason().code)
            self->error += " (code " + std::to_string(self->ws_.reason().code) + ")";
        }
        return;
      }
      self->on_message(n);
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void on_message(std::size_t n) {
    auto t = now_s();
    if (ws_.got_text()) {
      std::string_view f{static_cast<const char*>(buf_.data().data()), buf_.size()};
      if (f.find("\"type\":\"init\"") != std::string_view::npos)
        init_text = true;
      else if (f.find("\"type\":\"skip\"") != std::string_view::npos) {
        ++skips;
        if (in_window(t))
          ++skips_window;
      }
      return;
    }
    if (!init_bin) {  // the first binary message is the init segment (ftyp + moov)
      init_bin = true;
      last_bin_ = t;
      return;
    }
    gap_until(t);
    last_bin_ = t;
    bytes += n;
    if (in_window(t))
      bytes_window += n;
    ++fragments;
  }

  void fail(std::string what) {
    error = std::move(what);
    closed_at = now_s();
    done(false);
  }

  void done(bool ok) {
    if (ready_) {
      auto r = std::move(ready_);
      ready_ = nullptr;
      r(ok);
    }
  }

  websocket::stream<socket_type> ws_;
  const config& cfg_;
  beast::flat_buffer buf_;
  double last_bin_ = -inf;
  std::function<void(bool)> ready_;

 public:
  double last_binary() const { return last_bin_; }
};

config parse(int argc, char** argv) {
  config c;
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (i + 1 >= argc)
      throw std::runtime_error("missing value for " + k);
    std::string v = argv[i + 1];
    if (k == "--host")
      c.host = v;
    else if (k == "--port")
      c.port = static_cast<unsigned short>(std::stoi(v));
    else if (k == "--channel")
      c.channel = v;
    else if (k == "--playlist-url-path")
      c.playlist = v;
    else if (k == "--ws")
      c.ws = std::stoi(v);
    else if (k == "--hls")
      c.hls = std::stoi(v);
    else if (k == "--seconds")
      c.seconds = std::stod(v);
    else if (k == "--warmup")
      c.warmup = std::stod(v);
    else if (k == "--drain")
      c.drain = std::stod(v);
    else if (k == "--poll-ms")
      c.poll_ms = std::max(1, std::stoi(v));
    else if (k == "--batch")
      c.batch = std::max(1, std::stoi(v));
    else if (k == "--batch-ms")
      c.batch_ms = std::max(0, std::stoi(v));
    else if (k == "--threads")
      c.threads = std::max(1, std::stoi(v));
    else if (k == "--vid-prefix")
      c.vid_prefix = v;
    else if (k == "--fetch-limit")
      c.fetch_limit = std::stod(v);
    else if (k == "--ws-gap")
      c.ws_gap = std::stod(v);
    else if (k == "--min-share")
      c.min_share = std::stod(v);
    else if (k == "--request-timeout")
      c.request_timeout = std::stod(v);
    else
      throw std::runtime_error("unknown option " + k);
  }
  if (c.playlist.empty())
    c.playlist = "/hls/" + c.channel + "/index.m3u8";
  return c;
}

// (user, system) CPU seconds of this process, all threads.
std::pair<double, double> cpu_seconds_self() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6,
          static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6};
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out;
}

void sleep_until_s(double t) {
  auto d = t - now_s();
  if (d > 0)
    std::this_thread::sleep_for(std::chrono::duration<double>(d));
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
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  if (static_cast<rlim_t>(cfg.ws + cfg.hls + 64) > rl.rlim_cur)
    std::cerr << "warning: " << cfg.ws + cfg.hls << " players but only " << rl.rlim_cur
              << " file descriptors\n";

  auto threads = static_cast<std::size_t>(cfg.threads);
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<std::unique_ptr<stats>> per_thread;
  using guard = asio::executor_work_guard<executor_type>;
  std::vector<guard> guards;
  for (std::size_t t = 0; t < threads; ++t) {
    ios.push_back(std::make_unique<asio::io_context>(1));
    per_thread.push_back(std::make_unique<stats>());
    guards.emplace_back(ios.back()->get_executor());
  }
  std::vector<std::thread> runners;
  for (auto& io : ios)
    runners.emplace_back([&io] { io->run(); });

  // Start everybody in batches, WS and HLS interleaved.
  std::vector<std::shared_ptr<ws_viewer>> wss;
  std::vector<std::shared_ptr<hls_player>> hlss;
  std::atomic<int> answered{0}, failed{0};
  auto total = cfg.ws + cfg.hls;
  auto ramp_start = now_s();
  for (int i = 0, w = 0, h = 0; i < total; ++i) {
    if (i > 0 && i % cfg.batch == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(cfg.batch_ms));
    auto t = static_cast<std::size_t>(i) % threads;
    auto on_ready = [&answered, &failed](bool ok) { ok ? ++answered : ++failed; };
    bool is_ws = static_cast<std::int64_t>(i + 1) * cfg.ws / std::max(1, total) >
                 static_cast<std::int64_t>(i) * cfg.ws / std::max(1, total);
    if (is_ws) {
      auto c = std::make_shared<ws_viewer>(*ios[t], cfg);
      wss.push_back(c);
      ++w;
      asio::post(*ios[t], [c, on_ready] { c->start(on_ready); });
    } else {
      auto c = std::make_shared<hls_player>(*ios[t], cfg, *per_thread[t], h++);
      hlss.push_back(c);
      asio::post(*ios[t], [c, on_ready] { c->start(on_ready); });
    }
  }
  auto posted = now_s();
  while (answered + failed < total && now_s() < posted + 30 + cfg.poll_ms / 1000.0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto ramp_s = now_s() - ramp_start;

  sleep_until_s(now_s() + cfg.warmup);
  auto a = now_s();
  auto cpu_a = cpu_seconds_self();
  win_b = a + cfg.seconds;
  win_a = a;
  std::printf("WINDOW START %d answered %d failed\n", answered.load(), failed.load());
  std::fflush(stdout);
  sleep_until_s(a + cfg.seconds);
  auto b = now_s();
  auto cpu_b = cpu_seconds_self();
  std::printf("WINDOW END\n");
  std::fflush(stdout);
  sleep_until_s(b + cfg.drain);
  stopping = true;
  for (auto& io : ios)
    io->stop();
  for (auto& r : runners)
    r.join();

  // --- judging ---------------------------------------------------------------------------------
  stats st;
  for (auto& p : per_thread) {
    st.playlist_ms.merge(p->playlist_ms);
    st.segment_ms.merge(p->segment_ms);
    for (auto& [msn, t] : p->first_listed) {
      auto [it, fresh] = st.first_listed.try_emplace(msn, t);
      if (!fresh)
        it->second = std::min(it->second, t);
    }
    st.extinf_sum += p->extinf_sum;
    st.extinf_count += p->extinf_count;
  }
  std::unordered_map<std::int64_t, double> produced;  // msn -> first listed, inside the window
  for (auto& [msn, t] : st.first_listed)
    if (t >= a && t < b)
      produced.emplace(msn, t);
  auto mean_extinf = st.extinf_count ? st.extinf_sum / static_cast<double>(st.extinf_count) : 1.0;
  auto expected = std::max<std::int64_t>(
    static_cast<std::int64_t>(produced.size()),
    static_cast<std::int64_t>(std::floor(cfg.seconds / mean_extinf)) - 1);
  expected = std::max<std::int64_t>(expected, 1);

  int hls_ok = 0, missed = 0, errored = 0, slow = 0, hls_resets = 0;
  double min_share = 1;
  std::uint64_t hls_bytes = 0, hls_bytes_window = 0, hls_segments = 0, hls_requests = 0,
                errors_window = 0, errors_other = 0;
  std::uint64_t late = 0, ready_count = 0;
  std::string first_error;
  for (auto& p : hlss) {
    std::int64_t got = 0;
    for (auto& [msn, t] : p->fetched)
      if (auto it = produced.find(msn); it != produced.end()) {
        ++got;
        auto ready = t - it->second;  // from first listed (to anybody) to its bytes complete
        st.ready_ms.add(ready);
        ++ready_count;
        if (ready > mean_extinf + cfg.fetch_limit)
          ++late;
      }
    auto share = static_cast<double>(got) / static_cast<double>(expected);
    min_share = std::min(min_share, share);
    bool ok_share = share >= cfg.min_share, ok_err = p->errors_window == 0,
         ok_slow = p->slow_window == 0;
    missed += !ok_share;
    errored += !ok_err;
    slow += !ok_slow;
    hls_ok += ok_share && ok_err && ok_slow;
    hls_bytes += p->bytes;
    hls_bytes_window += p->bytes_window;
    hls_segments += p->segments;
    hls_requests += p->requests;
    errors_window += static_cast<std::uint64_t>(p->errors_window);
    errors_other += static_cast<std::uint64_t>(p->errors_other);
    hls_resets += p->resets;
    if (first_error.empty() && !p->first_error.empty())
      first_error = p->first_error;
  }
  if (hlss.empty())
    min_share = 0;

  int ws_ok = 0, ws_connected = 0, ws_init = 0, ws_closed = 0, ws_gap = 0, ws_skipped = 0;
  std::uint64_t ws_bytes = 0, ws_bytes_window = 0, ws_fragments = 0;
  std::string ws_error;
  std::vector<double> gaps;
  for (auto& v : wss) {
    if (v->connected)
      v->gap_until(b);  // the stretch from the last frame to the window end
    ws_connected += v->connected;
    bool init = v->init_text && v->init_bin, open = v->connected && v->closed_at >= b;
    bool smooth = v->connected && v->max_gap <= cfg.ws_gap, unskipped = v->skips_window == 0;
    ws_init += init;
    ws_closed += !open;
    ws_gap += !smooth;
    ws_skipped += !unskipped;
    ws_ok += init && open && smooth && unskipped;
    ws_bytes += v->bytes;
    ws_bytes_window += v->bytes_window;
    ws_fragments += v->fragments;
    if (v->connected)
      gaps.push_back(v->max_gap);
    if (ws_error.empty() && !v->error.empty())
      ws_error = v->error;
  }
  std::sort(gaps.begin(), gaps.end());
  auto gap_pct = [&](double p) {
    return gaps.empty()
             ? 0.0
             : 1000 *
                 gaps[std::min(gaps.size() - 1,
                               static_cast<std::size_t>(p * static_cast<double>(gaps.size())))];
  };
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  std::printf(
    "{\"window_s\":%.2f,\"ramp_s\":%.2f,\"answered\":%d,\"failed_start\":%d,"
    "\"loadgen_cpu_pct\":%.1f,\"loadgen_sys_pct\":%.1f,\"loadgen_rss_kib\":%ld,\"threads\":%d,"
    "\"ws\":{\"total\":%zu,\"healthy\":%d,\"connected\":%d,\"init\":%d,\"closed\":%d,\"gap_over\":%"
    "d,"
    "\"skipped\":%d,\"max_gap_ms_p50\":%.0f,\"max_gap_ms_p99\":%.0f,\"max_gap_ms_max\":%.0f,"
    "\"bytes\":%llu,\"fragments\":%llu,\"mbit_s\":%.1f,\"first_error\":\"%s\"},"
    "\"hls\":{\"total\":%zu,\"healthy\":%d,\"missed_segments\":%d,\"failed_requests\":%d,\"slow_"
    "requests\":%d,"
    "\"segments_produced\":%zu,\"segments_expected\":%lld,\"mean_extinf\":%.3f,\"min_fetched_"
    "share\":%.3f,"
    "\"errors_window\":%llu,\"errors_outside\":%llu,\"resets\":%d,\"requests\":%llu,"
    "\"playlist_ms\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
    "\"segment_ms\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"count\":%llu},"
    "\"ready_ms\":{\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f},\"late_segments\":%llu,\"judged_"
    "segments\":%llu,"
    "\"bytes\":%llu,\"segments\":%llu,\"mbit_s\":%.1f,\"first_error\":\"%s\"}}\n",
    b - a, ramp_s, answered.load(), failed.load(),
    100 * (cpu_b.first + cpu_b.second - cpu_a.first - cpu_a.second) / (b - a),
    100 * (cpu_b.second - cpu_a.second) / (b - a), ru.ru_maxrss, cfg.threads, wss.size(), ws_ok,
    ws_connected, ws_init, ws_closed, ws_gap, ws_skipped, gap_pct(0.5), gap_pct(0.99), gap_pct(1.0),
    static_cast<unsigned long long>(ws_bytes), static_cast<unsigned long long>(ws_fragments),
    static_cast<double>(ws_bytes_window) * 8 / 1e6 / (b - a), json_escape(ws_error).c_str(),
    hlss.size(), hls_ok, missed, errored, slow, produced.size(), static_cast<long long>(expected),
    mean_extinf, min_share, static_cast<unsigned long long>(errors_window),
    static_cast<unsigned long long>(errors_other), hls_resets,
    static_cast<unsigned long long>(hls_requests), st.playlist_ms.percentile_ms(0.5),
    st.playlist_ms.percentile_ms(0.99), st.playlist_ms.max * 1000, st.segment_ms.percentile_ms(0.5),
    st.segment_ms.percentile_ms(0.99), st.segment_ms.max * 1000,
    static_cast<unsigned long long>(st.segment_ms.count), st.ready_ms.percentile_ms(0.5),
    st.ready_ms.percentile_ms(0.99), st.ready_ms.max * 1000, static_cast<unsigned long long>(late),
    static_cast<unsigned long long>(ready_count), static_cast<unsigned long long>(hls_bytes),
    static_cast<unsigned long long>(hls_segments),
    static_cast<double>(hls_bytes_window) * 8 / 1e6 / (b - a), json_escape(first_error).c_str());
  std::fflush(stdout);
  std::_Exit(0);  // thousands of sockets: let the kernel close them
}
