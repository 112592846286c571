// A WebSocket media viewer (see loadgen.cpp for the health rule).
#pragma once

#include "loadgen_common.hpp"

namespace {

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

}  // namespace
