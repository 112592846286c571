// Real viewer counts: WebSocket media sockets and HLS/LL-HLS players of a live RTMP publish are
// what GET /api/v1/channels/{name} reports, each player once, and the session's peak is kept
// after it ends.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/ws_viewer.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE("WebSocket, HLS and LL-HLS players are the channel's viewers, each once") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  // HLS players count for 12 s after their last playlist (30 s by default): the checks below
  // take a few seconds, and the wait for them to lapse stays short.
  test_node node{"viewer_counts", {"--hls-viewer-window", "12"}};
  auto key = node.create_channel("vera");
  CHECK(viewer_count(node, "vera") == 0);  // offline
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 90), node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return node.get("/hls/vera/index.m3u8").status == 200; }, 15s));
  REQUIRE(eventually([&] { return channel_state(node, "vera").value("live", false); }, 10s));

  std::vector<std::unique_ptr<ws_viewer>> sockets;
  sockets.reserve(3);
  // On a cluster, two of them watch through another member, which relays one copy of the
  // stream: its viewers count, the relay's own connection does not.
  for (int i = 0; i < 3; ++i)
    sockets.push_back(std::make_unique<ws_viewer>(
      test_node::in_cluster() && i > 0 ? node.peer_http_ports.at(0) : node.http_port, "vera"));
  // Two players with their own ids (one polling twice), one without an id (counted by its
  // address), and one LL-HLS player: four HLS viewers.
  for (auto* target :
       {"/hls/vera/index.m3u8?vid=tab-a", "/hls/vera/index.m3u8?vid=tab-b",
        "/hls/vera/index.m3u8?vid=tab-a", "/hls/vera/index.m3u8", "/hls/vera/ll.m3u8?vid=tab-c"})
    REQUIRE(node.get(target).status == 200);
  CHECK(eventually([&] { return viewer_count(node, "vera") == 7; }, 5s));
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

  // Sockets leave at once; HLS players count until 12 s after their last playlist fetch.
  sockets.clear();
  CHECK(eventually([&] { return viewer_count(node, "vera") == 4; }, 5s));
  CHECK(eventually([&] { return viewer_count(node, "vera") == 0; }, 20s));
  CHECK(channel_state(node, "vera").value("peak_viewers", 0) == 7);

  ffmpeg.signal(SIGINT);  // ffmpeg ends the RTMP stream cleanly
  REQUIRE(eventually([&] { return !channel_state(node, "vera").value("live", true); }, 15s));
  auto offline = channel_state(node, "vera");
  CHECK(offline.value("viewers", 999) == 0);
  CHECK(offline.value("peak_viewers", 0) == 7);  // stored with the end of the session
}

TEST_CASE("live channels sort by viewers or start time, and categories total their viewers") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"viewer_counts_browse"};
  auto admin = admin_token(node.data_dir.string());
  auto host = "127.0.0.1:" + std::to_string(node.http_port);
  auto set_category = [&](const std::string& name, const std::string& category) {
    auto res = aethex::app::http_call(host, "PATCH", "/api/v1/channels/" + name,
                                      json{{"category", category}}.dump(), admin);
    REQUIRE(res.status == 200);
  };
  auto calm = node.create_channel("calm");
  auto busy = node.create_channel("busy");
  node.create_channel("idle");
  set_category("calm", "Retro Games");
  set_category("busy", "retro games");  // one category, whatever the case
  set_category("idle", "Music");
  child_process first{ffmpeg_publish_args(node.rtmp_url(calm), 60), node.out_dir / "calm.log"};
  REQUIRE(eventually([&] { return channel_state(node, "calm").value("live", false); }, 15s));
  child_process second{ffmpeg_publish_args(node.rtmp_url(busy), 60), node.out_dir / "busy.log"};
  REQUIRE(eventually([&] { return channel_state(node, "busy").value("live", false); }, 15s));
  REQUIRE(eventually([&] { return node.get("/hls/busy/index.m3u8").status == 200; }, 15s));
  for (auto* target :
       {"/hls/busy/index.m3u8?vid=a", "/hls/busy/index.m3u8?vid=b", "/hls/calm/index.m3u8?vid=c"})
    REQUIRE(node.get(target).status == 200);
  // busy: the two ids, and the id-less polls that waited for its playlist (one per address).
  REQUIRE_MESSAGE(
    eventually([&] { return viewer_count(node, "busy") == 3 && viewer_count(node, "calm") == 1; },
               5s),
    channel_state(node, "busy").dump() << channel_state(node, "calm").dump());

  auto names = [&](const std::string& target) {
    std::vector<std::string> out;
    auto page = json::parse(node.get(target).body, nullptr, false);
    for (auto& row : page.value("channels", json::array()))
      out.push_back(row.value("name", ""));
    return out;
  };
  using names_t = std::vector<std::string>;
  CHECK(eventually(
    [&] {
      return names("/api/v1/channels?live=true&sort=viewers") == names_t{"busy", "calm"};
    },
    5s));
  CHECK(names("/api/v1/channels?sort=recent") == names_t{"busy", "calm"});  // busy started last
  CHECK(names("/api/v1/channels?sort=viewers&limit=1&offset=1") == names_t{"calm"});
  CHECK(names("/api/v1/channels?category=RETRO%20GAMES") == names_t{"busy", "calm"});
  CHECK(names("/api/v1/channels?category=Music").empty());  // offline channels have no viewers
  CHECK(node.get("/api/v1/channels?sort=loudest").status == 400);
  CHECK(node.get("/api/v1/channels?live=false&sort=viewers").status == 400);

  // Featured (admin only) goes first in its sort, whatever the viewers.
  auto feature = [&](const std::string& token, const json& body) {
    return aethex::app::http_call(host, "PUT", "/api/v1/channels/calm/featured", body.dump(),
                                  token);
  };
  CHECK(feature("", {{"featured", true}}).status == 401);
  CHECK(feature(admin, {{"featured", "yes"}}).status == 400);
  auto featured = feature(admin, {{"featured", true}});
  REQUIRE(featured.status == 200);
  CHECK(json::parse(featured.body)["featured"] == true);
  CHECK(names("/api/v1/channels?sort=featured") == names_t{"calm", "busy"});
  CHECK(eventually(
    [&] {
      auto page = json::parse(node.get("/api/v1/channels?live=true").body, nullptr, false);
      for (auto& row : page.value("channels", json::array()))
        if (row.value("name", "") == "calm")
          return row.value("featured", false);
      return false;
    },
    5s));

  // Trending: both streams are younger than the growth window, so growth is from nothing
  // (busy 3 viewers: 100*3/10 = 30, calm 1: 10); chat in calm's room then lifts it above.
  auto trending = [&] {
    std::map<std::string, double> scores;
    auto page = json::parse(node.get("/api/v1/channels?sort=trending").body, nullptr, false);
    for (auto& row : page.value("channels", json::array()))
      scores[row.value("name", "")] = row.value("trending", -1.0);
    return scores;
  };
  CHECK(names("/api/v1/channels?sort=trending") == names_t{"busy", "calm"});
  CHECK(trending()["busy"] == doctest::Approx(30.0));
  CHECK(trending()["calm"] == doctest::Approx(10.0));
  auto room = admin_chat(node, "calm");
  for (int i = 0; i < 15; ++i) {
    room->send({{"type", "send"}, {"text", "hype " + std::to_string(i)}, {"ref", i}});
    REQUIRE(room->next("ok").value("ref", -1) == i);
  }
  // 15 messages in 5 minutes with 1 viewer: 100 * 3 / 11 = 27.3 more. The chat read model may
  // lag the messages (on a cluster it is another member's): wait for all of them to count.
  CHECK(eventually([&] { return trending()["calm"] == doctest::Approx(37.3); }, 5s));
  CHECK(names("/api/v1/channels?sort=trending") == names_t{"calm", "busy"});

  auto categories = json::parse(node.get("/api/v1/categories").body, nullptr, false);
  REQUIRE(categories["categories"].size() == 2);
  auto& retro = categories["categories"][0];  // most watched first
  CHECK(retro["name"] == "Retro Games");
  CHECK(retro["channels"] == 2);
  CHECK(retro["live_channels"] == 2);
  CHECK(retro["viewers"] == 4);
  CHECK(categories["categories"][1]["name"] == "Music");
  CHECK(categories["categories"][1]["live_channels"] == 0);
  CHECK(node.get("/api/v1/categories?limit=0").status == 400);
}
