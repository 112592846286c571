// A WebSocket media viewer (see loadgen.cpp for the health rule).
//
// It speaks just enough WebSocket by hand to discard fragment payloads in the kernel, like the
// HLS player discards segment bodies: the upgrade request, then frame headers read into a small
// buffer and each binary payload taken off the socket with recv(MSG_TRUNC). The server sends and
// the socket drains exactly as for a player that keeps the bytes; without it, copying and
// parsing ~2.7 Mbit/s per viewer made the generator, not the server, the first thing to run
// out of CPU. Text messages (init, skip, clock) are read whole; a ping gets its pong.
#pragma once

#include "loadgen_common.hpp"

namespace {

class ws_viewer : public std::enable_shared_from_this<ws_viewer> {
 public:
  ws_viewer(asio::io_context& io, const config& cfg) : socket_(io.get_executor()), cfg_(cfg) {}

  void start(std::function<void(bool)> ready) {
    ready_ = std::move(ready);
    auto self = shared_from_this();
    socket_.async_connect(tcp::endpoint{asio::ip::make_address(cfg_.host), cfg_.port},
                          [self](beast::error_code ec) {
                            if (ec)
                              return self->fail("connect: " + ec.message());
                            self->request_ = "GET /ws/media/" + self->cfg_.channel +
                                             " HTTP/1.1\r\nHost: " + self->cfg_.host + ":" +
                                             std::to_string(self->cfg_.port) +
                                             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                             "Sec-WebSocket-Version: 13\r\n\r\n";
                            asio::async_write(self->socket_, asio::buffer(self->request_),
                                              [self](beast::error_code ec, std::size_t) {
                                                if (ec)
                                                  return self->fail("handshake: " + ec.message());
                                                self->read_upgrade();
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
  static constexpr std::size_t max_text = 64 * 1024;

  void read_upgrade() {
    asio::async_read_until(
      socket_, asio::dynamic_buffer(buf_), "\r\n\r\n",
      [self = shared_from_this()](beast::error_code ec, std::size_t head) {
        if (ec)
          return self->fail("handshake: " + ec.message());
        if (self->buf_.rfind("HTTP/1.1 101", 0) != 0)
          return self->fail("handshake: " + self->buf_.substr(0, self->buf_.find('\r')));
        self->buf_.erase(0, head);  // what follows the head is already WebSocket frames
        self->connected = true;
        self->done(true);
        self->next_frame();
      });
  }

  // Parses the frames in buf_; reads more when a header (or a text payload) is incomplete.
  void next_frame() {
    while (true) {
      if (buf_.size() < 2)
        return read_more();
      auto b0 = static_cast<std::uint8_t>(buf_[0]), b1 = static_cast<std::uint8_t>(buf_[1]);
      std::size_t head = 2;
      std::uint64_t length = b1 & 0x7f;
      if (length >= 126) {
        std::size_t extra = length == 126 ? 2 : 8;
        if (buf_.size() < 2 + extra)
          return read_more();
        length = 0;
        for (std::size_t i = 0; i < extra; ++i)
          length = length << 8 | static_cast<std::uint8_t>(buf_[2 + i]);
        head += extra;
      }
      auto opcode = b0 & 0x0f;
      if (opcode == 0x2 || opcode == 0x0) {  // binary (or its continuation): discard
        buf_.erase(0, head);
        auto have = std::min<std::uint64_t>(buf_.size(), length);
        buf_.erase(0, static_cast<std::size_t>(have));
        return discard(length - have, length);
      }
      if (length > max_text)
        return closed("closed: control or text frame of " + std::to_string(length) + " bytes");
      if (buf_.size() < head + length)
        return read_more();
      std::string payload = buf_.substr(head, static_cast<std::size_t>(length));
      buf_.erase(0, head + static_cast<std::size_t>(length));
      if (opcode == 0x1)
        on_text(payload);
      else if (opcode == 0x8)
        return closed("closed: close frame" +
                      (payload.size() >= 2
                         ? " (code " +
                             std::to_string(static_cast<std::uint8_t>(payload[0]) << 8 |
                                            static_cast<std::uint8_t>(payload[1])) +
                             ")"
                         : std::string{}));
      else if (opcode == 0x9)
        pong(std::move(payload));
    }
  }

  void read_more() {
    auto at = buf_.size();
    buf_.resize(at + 4096);
    socket_.async_read_some(asio::buffer(buf_.data() + at, 4096),
                            [self = shared_from_this(), at](beast::error_code ec, std::size_t n) {
                              self->buf_.resize(at + n);
                              if (ec)
                                return self->closed("closed: " + ec.message());
                              self->next_frame();
                            });
  }

  // Takes `left` more payload bytes of a binary message of `length` off the socket unread.
  void discard(std::uint64_t left, std::uint64_t length) {
    static thread_local char scratch[16];  // MSG_TRUNC: the kernel writes nothing into it
    while (left > 0) {
      auto r = ::recv(socket_.native_handle(), scratch,
                      static_cast<std::size_t>(std::min<std::uint64_t>(left, 1u << 30)),
                      MSG_TRUNC | MSG_DONTWAIT);
      if (r > 0) {
        left -= static_cast<std::uint64_t>(r);
        continue;
      }
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return socket_.async_wait(tcp::socket::wait_read,
                                  [self = shared_from_this(), left, length](beast::error_code ec) {
                                    if (ec)
                                      return self->closed("closed: " + ec.message());
                                    self->discard(left, length);
                                  });
      return closed(r == 0 ? "closed: end of stream"
                           : std::string{"closed: "} + std::strerror(errno));
    }
    on_binary(length);
    next_frame();
  }

  // A pong must be masked (client to server); the mask may be zero.
  void pong(std::string payload) {
    auto frame = std::make_shared<std::string>();
    frame->push_back(static_cast<char>(0x8a));
    frame->push_back(static_cast<char>(0x80 | payload.size()));  // control payloads are < 126
    frame->append(4, '\0');
    frame->append(payload);
    asio::async_write(socket_, asio::buffer(*frame), [frame](beast::error_code, std::size_t) {});
  }

  void on_text(std::string_view f) {
    auto t = now_s();
    if (f.find("\"type\":\"init\"") != std::string_view::npos)
      init_text = true;
    else if (f.find("\"type\":\"skip\"") != std::string_view::npos) {
      ++skips;
      if (in_window(t))
        ++skips_window;
    }
  }

  void on_binary(std::uint64_t n) {
    auto t = now_s();
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

  void closed(std::string why) {
    if (stopping)
      return;
    closed_at = now_s();
    error = std::move(why);
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

  socket_type socket_;
  const config& cfg_;
  std::string request_;
  std::string buf_;  // received bytes not yet parsed: frame headers and text payloads
  double last_bin_ = -inf;
  std::function<void(bool)> ready_;

 public:
  double last_binary() const { return last_bin_; }
};

}  // namespace
