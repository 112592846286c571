// Creator analytics end to end: a real RTMP stream, three viewers that each hold a WebSocket
// media connection for 20 s, each arriving from a different place: two send their player's
// watch beats (every 5 s, then `ended`), the third is counted by its socket's lifetime alone. The
// dashboard API then reports 3 at peak, 3 views and unique viewers, the watch time within 5 % of
// 3 × 20 s, and each traffic source.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// A WebSocket media viewer that keeps reading what the node sends until it is destroyed.
class media_viewer {
 public:
  media_viewer(unsigned short port, const std::string& target) {
    boost::asio::ip::tcp::resolver resolver{io_};
    beast::get_lowest_layer(ws_).connect(
      *resolver.resolve("127.0.0.1", std::to_string(port)).begin());
    ws_.handshake("127.0.0.1", target);
    reader_ = std::thread([this] {
      beast::flat_buffer buffer;
      boost::system::error_code ec;
      while (!ec) {
        ws_.read(buffer, ec);
        if (!ec)
          received_ += buffer.size();
        buffer.clear();
      }
    });
  }
  ~media_viewer() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::socket_base::shutdown_both,
                                                   ignored);
    reader_.join();
  }
  std::size_t received() const { return received_.load(); }

 private:
  boost::asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_{io_};
  std::atomic<std::size_t> received_{0};
  std::thread reader_;
};

struct viewer_setup {
  std::string id, source, referrer;
};

}  // namespace

TEST_CASE("three viewers watching for 20 s: peak, views, watch time and sources") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"analytics"};
  auto admin = admin_token(node.data_dir.string());
  auto key = node.create_channel("ana");
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 150), node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return channel_live(node, "ana"); }, 15s));

  // Two players send beats over HTTP; the third names itself in its media socket's URL and
  // sends none: the socket's lifetime is its watch time.
  const std::vector<viewer_setup> viewers{{"tab-search-1", "search", ""},
                                          {"tab-browse-2", "browse", ""}};
  std::vector<std::unique_ptr<media_viewer>> sockets;
  for (std::size_t i = 0; i < viewers.size(); ++i)
    sockets.push_back(std::make_unique<media_viewer>(node.http_port, "/ws/media/ana"));
  sockets.push_back(std::make_unique<media_viewer>(
    node.http_port, "/ws/media/ana?vid=tab-extern-3&src=external&ref=example.org"));
  auto beat = [&](const viewer_setup& v, bool ended) {
    json body{{"viewer", v.id}, {"source", v.source}};
    if (!v.referrer.empty())
      body["referrer"] = v.referrer;
    if (ended)
      body["ended"] = true;
    CHECK(api_step(node, "POST", "channels/ana/watch", "", body).status == 202);
  };
  // The player's schedule, faster: a beat at start, then every 5 s (the player beats every 15 s;
  // the node credits any gap up to 45 s alike), `ended` when it stops.
  auto start = std::chrono::steady_clock::now();
  for (int step = 0; step <= 4; ++step) {
    std::this_thread::sleep_until(start + step * 5s);
    for (const auto& v : viewers)
      beat(v, step == 4);
  }
  auto watched_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& socket : sockets)
    CHECK(socket->received() > 0);
  sockets.clear();

  // The minute being counted is written once it is over. Once the last span has closed (the
  // socket's `ended` comes as the socket goes), flushing writes it now instead.
  REQUIRE(eventually(
    [&] {
      return console_command(node, "ask analytics/ana get").find("\"open_spans\":0") !=
             std::string::npos;
    },
    20s));
  console_command(node, "send analytics/ana flush");
  json figures;
  REQUIRE(eventually(
    [&] {
      figures = api_ok(node, "GET", "channels/ana/analytics", admin);
      return figures["totals"]["watch_time_s"].get<double>() >= 3 * watched_s * 0.95;
    },
    30s));
  const auto& totals = figures["totals"];
  CHECK(totals["peak_viewers"] == 3);
  CHECK(totals["views"] == 3);
  CHECK(totals["unique_viewers"] == 3);
  CHECK(totals["watch_time_s"].get<double>() == doctest::Approx(3 * watched_s).epsilon(0.05));
  CHECK(totals["avg_watch_time_s"].get<double>() == doctest::Approx(watched_s).epsilon(0.05));
  std::map<std::string, std::uint64_t> sources;
  for (const auto& row : figures["sources"])
    sources[row["source"].get<std::string>()] = row["views"].get<std::uint64_t>();
  CHECK(sources ==
        std::map<std::string, std::uint64_t>{{"browse", 1}, {"external", 1}, {"search", 1}});
  // Only the owner sees them.
  CHECK(api_step(node, "GET", "channels/ana/analytics", "").status == 401);
}
