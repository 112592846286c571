// A channel's public state and its viewer count over HTTP, and a WebSocket media viewer that
// stays connected (and subscribed) until destroyed: what the viewer-count suites watch with.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

namespace aethex::test {

/// GET /api/v1/channels/{name}, or an empty object when it fails.
inline nlohmann::json channel_state(const test_node& node, const std::string& name) {
  auto res = node.get("/api/v1/channels/" + name);
  return res.status == 200 ? nlohmann::json::parse(res.body, nullptr, false) : nlohmann::json{};
}

/// The channel's `viewers`; 999 when it cannot be read.
inline std::uint64_t viewer_count(const test_node& node, const std::string& name) {
  return channel_state(node, name).value("viewers", std::uint64_t{999});
}

struct ws_viewer {
  boost::asio::io_context io;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws{io};

  ws_viewer(unsigned short port, const std::string& stream) {
    boost::asio::ip::tcp::resolver resolver{io};
    boost::beast::get_lowest_layer(ws).connect(
      *resolver.resolve("127.0.0.1", std::to_string(port)).begin());
    ws.handshake("127.0.0.1", "/ws/media/" + stream);
  }
  /// The first message: {"type":"init","mime":…,"rendition":…}.
  nlohmann::json init() {
    boost::beast::flat_buffer buffer;
    boost::beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(15));
    ws.read(buffer);
    return nlohmann::json::parse(boost::beast::buffers_to_string(buffer.data()), nullptr, false);
  }
};

}  // namespace aethex::test
