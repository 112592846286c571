// An HLS player like hls.js on a 1 s segment stream (see loadgen.cpp for the health rule).
#pragma once

#include "loadgen_common.hpp"

namespace {

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

  // Sends GET target on the keep-alive connection (connecting first when needed), then calls
  // read() to read the answer; a connect or write failure is recorded and calls fail().
  template <class Read, class Fail>
  void send_get(std::string target, double t0, Read read, Fail fail) {
    auto self = shared_from_this();
    auto send = [self, target, read, fail, t0]() mutable {
      auto req = std::make_shared<http::request<http::empty_body>>(http::verb::get, target, 11);
      req->set(http::field::host, self->host_);
      req->set(http::field::user_agent, "aethex-viewers-loadgen");
      self->stream_.expires_after(std::chrono::duration_cast<clock_type::duration>(
        std::chrono::duration<double>(self->cfg_.request_timeout)));
      http::async_write(self->stream_, *req,
                        [self, req, read, fail, t0](beast::error_code ec, std::size_t) mutable {
                          if (ec) {
                            self->failed(t0, "write: " + ec.message());
                            return fail();
                          }
                          read();
                        });
    };
    if (stream_.socket().is_open())
      return send();
    buf_.clear();
    stream_.expires_after(std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(cfg_.request_timeout)));
    stream_.async_connect(tcp::endpoint{asio::ip::make_address(cfg_.host), cfg_.port},
                          [self, send, fail, t0](beast::error_code ec) mutable {
                            if (ec) {
                              self->failed(t0, "connect: " + ec.message());
                              return fail();
                            }
                            send();
                          });
  }

  // GET target; done(ok, body).
  template <class Body, class Done>
  void get(std::string target, Done done) {
    auto self = shared_from_this();
    auto t0 = now_s();
    ++requests;
    auto read = [self, done, t0]() mutable {
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
    };
    send_get(std::move(target), t0, read,
             [done]() mutable { done(false, typename Body::value_type{}); });
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
    auto read = [self, done, t0]() mutable {
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
    };
    send_get(std::move(target), t0, read, [done]() mutable { done(false, std::uint64_t{0}); });
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
    (playlist ? st_.playlist_ms : st_.segment_ms).add_seconds(took);
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

}  // namespace
