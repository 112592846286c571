// A viewer socket on a real loopback connection, with a Beast WebSocket client on the other end:
// packets arrive in order (fragments queued together share a message), and a viewer that
// stops reading skips ahead to the next keyframe instead of queueing without bound.
#include "net/ws_media/media_socket.hpp"

#include <doctest/doctest.h>

#include <future>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using namespace aethex::net;

namespace {

using bytes = std::vector<std::byte>;

std::shared_ptr<const bytes> filled(std::size_t n, unsigned char value) {
  return std::make_shared<const bytes>(n, std::byte{value});
}

// One node-side viewer socket and its client, connected over 127.0.0.1 with small socket
// buffers (so a client that stops reading backs the server up quickly).
struct connection {
  asio::io_context io;
  std::shared_ptr<ws_media::viewer> viewer;
  beast::websocket::stream<tcp::socket> client{io};
  std::thread runner;

  explicit connection(ws_media::socket_options options) {
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    client.next_layer().open(tcp::v4());
    client.next_layer().set_option(asio::socket_base::receive_buffer_size(4096));
    client.next_layer().connect(acceptor.local_endpoint());
    tcp::socket server = acceptor.accept();
    server.set_option(asio::socket_base::send_buffer_size(4096));
    std::promise<std::shared_ptr<ws_media::viewer>> opened;
    std::thread handshake{[this] { client.handshake("127.0.0.1", "/ws/media/test"); }};
    beast::flat_buffer buffer;
    http::request req;
    beast::tcp_stream stream{std::move(server)};
    beast::http::read(stream, buffer, req);
    ws_media::accept(
      std::move(stream), std::move(req), "127.0.0.1:1",
      [&](std::shared_ptr<ws_media::viewer> v) { opened.set_value(std::move(v)); }, options);
    runner = std::thread{[this] { io.run(); }};
    handshake.join();
    viewer = opened.get_future().get();
  }
  ~connection() {
    viewer->end("ended");
    beast::error_code ec;
    beast::flat_buffer rest;
    while (!ec)
      client.read(rest, ec);  // until the node closes
    runner.join();
  }

  struct message {
    bool text = false;
    std::string body;
  };
  message read() {
    beast::flat_buffer buffer;
    client.read(buffer);
    return {client.got_text(), beast::buffers_to_string(buffer.data())};
  }
};

// Pushes an init segment (100 bytes of 1), then `count` fragments of 1000 bytes each, filled
// with first_byte, first_byte + 1, …; the one at `keyframe` is a keyframe carrying `control`.
// Returns the fragments' bytes in order.
std::string push_stream(connection& c, unsigned char count, unsigned char first_byte,
                        unsigned char keyframe, const std::string& control) {
  c.viewer->push({R"({"type":"init"})", filled(100, 1), true, false});
  std::string expected;
  for (unsigned char i = 0; i < count; ++i) {
    auto value = static_cast<unsigned char>(first_byte + i);
    expected.append(1000, static_cast<char>(value));
    c.viewer->push({i == keyframe ? control : "", filled(1000, value), false, i == keyframe});
  }
  return expected;
}

}  // namespace

TEST_CASE("packets arrive in order; fragments queued together may share one message") {
  connection c{{}};
  auto expected = push_stream(c, 20, 10, 0, "");
  auto init_text = c.read();
  CHECK(init_text.text);
  CHECK(init_text.body == R"({"type":"init"})");
  auto init = c.read();
  CHECK_FALSE(init.text);
  CHECK(init.body == std::string(100, '\x01'));  // the init segment goes alone
  std::string media;
  int messages = 0;
  while (media.size() < expected.size()) {
    auto m = c.read();
    REQUIRE_FALSE(m.text);
    media += m.body;
    ++messages;
  }
  CHECK(media == expected);
  CHECK(messages <= 20);
  CHECK(c.viewer->skips() == 0);
}

TEST_CASE("a viewer that stops reading skips to the next keyframe, and says so") {
  connection c{{64 * 1024}};
  c.viewer->push({R"({"type":"init"})", filled(100, 1), true, false});
  // ~2 MB of one GOP while the client reads nothing: far past the queue and socket buffers.
  for (int i = 0; i < 256; ++i)
    c.viewer->push({"", filled(8192, 2), false, i == 0});
  // The next keyframe comes once the node has given up on this GOP.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (c.viewer->skips() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  c.viewer->push({R"({"type":"clock"})", filled(500, 3), false, true});
  c.viewer->push({"", filled(500, 4), false, false});
  CHECK(c.viewer->skips() >= 1);
  std::size_t gop_bytes = 0;
  bool skip_seen = false, clock_seen = false;
  std::string after_clock;
  while (after_clock.size() < 1000) {
    auto m = c.read();
    if (m.text) {
      skip_seen = skip_seen || m.body == R"({"type":"skip"})";
      clock_seen = clock_seen || (skip_seen && m.body == R"({"type":"clock"})");
    } else if (clock_seen) {
      after_clock += m.body;
    } else if (m.body.size() != 100) {
      gop_bytes += m.body.size();
    }
  }
  CHECK(skip_seen);
  CHECK(gop_bytes < 256u * 8192);  // the rest of the GOP was dropped, not sent late
  CHECK(after_clock == std::string(500, '\x03') + std::string(500, '\x04'));
}

TEST_CASE("a keyframe's clock goes ahead of the fragments it was queued with, never after") {
  connection c{{}};
  auto expected = push_stream(c, 6, 20, 3, R"({"type":"clock"})");
  CHECK(c.read().text);
  CHECK_FALSE(c.read().text);
  std::string media;
  std::size_t media_at_clock = std::string::npos;
  while (media.size() < expected.size()) {
    auto m = c.read();
    if (m.text) {
      CHECK(m.body == R"({"type":"clock"})");
      media_at_clock = media.size();
    } else {
      media += m.body;
    }
  }
  CHECK(media == expected);
  // The clock came before the keyframe's bytes (fragment 3 starts at byte 3000).
  CHECK(media_at_clock <= 3000);
}

TEST_CASE("a viewer whose socket takes nothing for the stall time is dropped, not kept open") {
  ws_media::socket_options options;
  options.write_stall = std::chrono::milliseconds(300);
  connection c{options};
  c.viewer->push({R"({"type":"init"})", filled(100, 1), true, false});
  // The client reads nothing: the socket fills, a write waits, and the packets that keep coming
  // find it waiting past the stall time.
  for (int i = 0; i <= 50; ++i) {  // ~1 s of packets, 20 ms apart
    c.viewer->push({"", filled(64 * 1024, 2), false, i % 8 == 0});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  beast::error_code ec;
  beast::flat_buffer rest;
  // What reached the socket is readable; then the connection ends without a closing handshake.
  while (!ec)
    c.client.read(rest, ec);
  CHECK(ec != beast::websocket::error::closed);
}
