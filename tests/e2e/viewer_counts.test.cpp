// Real viewer counts: WebSocket media sockets and HLS/LL-HLS players of a live RTMP publish are
// what GET /api/v1/channels/{name} reports, each player once, and the session's peak is kept
// after it ends.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

json channel(const test_node& node, const std::string& name) {
  auto res = node.get("/api/v1/channels/" + name);
  return res.status == 200 ? json::parse(res.body, nullptr, false) : json{};
}

std::uint64_t viewers(const test_node& node, const std::string& name) {
  return channel(node, name).value("viewers", std::uint64_t{999});
}

// A WebSocket media viewer that stays connected (and subscribed) until destroyed.
struct ws_viewer {
  boost::asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};

  ws_viewer(unsigned short port, const std::string& channel) {
    boost::asio::ip::tcp::resolver resolver{io};
    beast::get_lowest_layer(ws).connect(
      *resolver.resolve("127.0.0.1", std::to_string(port)).begin());
    ws.handshake("127.0.0.1", "/ws/media/" + channel);
  }
};

}  // namespace

TEST_CASE("WebSocket, HLS and LL-HLS players are the channel's viewers, each once") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"viewer_counts"};
  auto key = node.create_channel("vera");
  CHECK(viewers(node, "vera") == 0);  // offline
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 90), node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return node.get("/hls/vera/index.m3u8").status == 200; }, 15s));
  REQUIRE(eventually([&] { return channel(node, "vera").value("live", false); }, 10s));

  std::vector<std::unique_ptr<ws_viewer>> sockets;
  sockets.reserve(3);
  for (int i = 0; i < 3; ++i)
    sockets.push_back(std::make_unique<ws_viewer>(node.http_port, "vera"));
  // Two players with their own ids (one polling twice), one without an id (counted by its
  // address), and one LL-HLS player: four HLS viewers.
  for (auto* target :
       {"/hls/vera/index.m3u8?vid=tab-a", "/hls/vera/index.m3u8?vid=tab-b",
        "/hls/vera/index.m3u8?vid=tab-a", "/hls/vera/index.m3u8", "/hls/vera/ll.m3u8?vid=tab-c"})
    REQUIRE(node.get(target).status == 200);
  CHECK(eventually([&] { return viewers(node, "vera") == 7; }, 5s));
  // Directory pages and search results carry the same figure for live rows.
  for (auto* listing : {"/api/v1/channels?live=true", "/api/v1/search?q=vera"})
    CHECK_MESSAGE(eventually(
                    [&] {
                      auto page = json::parse(node.get(listing).body, nullptr, false);
                      for (auto& row : page.value("channels", json::array()))
                        if (row.value("name", "") == "vera")
                          return row.value("viewers", 0) == 7 && row["started_at_ms"].is_number();
                      return false;
                    },
                    5s),
                  listing);
  auto health = json::parse(node.get("/api/v1/channels/vera/health").body, nullptr, false);
  CHECK(health.value("ws_viewers", 0) == 3);
  CHECK(health.value("hls_viewers", 0) == 3);
  CHECK(health.value("ll_hls_viewers", 0) == 1);

  // Sockets leave at once; HLS players count until 30 s after their last playlist fetch.
  sockets.clear();
  CHECK(eventually([&] { return viewers(node, "vera") == 4; }, 5s));
  CHECK(eventually([&] { return viewers(node, "vera") == 0; }, 40s));
  CHECK(channel(node, "vera").value("peak_viewers", 0) == 7);

  ffmpeg.signal(SIGINT);  // ffmpeg ends the RTMP stream cleanly
  REQUIRE(eventually([&] { return !channel(node, "vera").value("live", true); }, 15s));
  auto offline = channel(node, "vera");
  CHECK(offline.value("viewers", 999) == 0);
  CHECK(offline.value("peak_viewers", 0) == 7);  // stored with the end of the session
}
