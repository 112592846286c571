// Walking skeleton end to end: a real ffmpeg publishes over RTMP to a real node; HLS comes out
// over HTTP and contains H.264 + AAC; keys are enforced; republish works.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE("RTMP publish becomes HLS with H.264 and AAC, then goes offline") {
  REQUIRE_MESSAGE((on_path("ffmpeg") && on_path("ffprobe")),
                  "ffmpeg/ffprobe are required (scripts/setup installs them)");
  test_node node{"rtmp_hls"};
  auto key = node.create_channel("alice");
  REQUIRE(key.rfind("live_alice_", 0) == 0);
  CHECK_FALSE(channel_live(node, "alice"));
  CHECK(node.get("/hls/alice/index.m3u8").status == 404);

  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 10), node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return channel_live(node, "alice"); }, 10s));

  std::vector<std::string> segments;
  REQUIRE(eventually(
    [&] {
      auto res = node.get("/hls/alice/index.m3u8");
      segments = res.status == 200 ? hls_segments(res.body) : std::vector<std::string>{};
      return segments.size() >= 3;
    },
    15s));
  auto playlist = node.get("/hls/alice/index.m3u8").body;
  CHECK(playlist.find("#EXT-X-TARGETDURATION:1") != std::string::npos);

  // Plain HLS carries fMP4: the init segment named by EXT-X-MAP, then the media segment.
  auto listed = node.get("/hls/alice/index.m3u8").body;
  auto map = hls_map_uri(listed);
  REQUIRE(map.starts_with("ll/"));  // ll/<session>/init.mp4
  REQUIRE(map.ends_with("/init.mp4"));
  auto init = node.get("/hls/alice/" + map);
  auto segment = node.get("/hls/alice/" + segments.front());
  REQUIRE(init.status == 200);
  REQUIRE(segment.status == 200);
  REQUIRE(segment.body.size() > 1000);
  auto segment_file = node.out_dir / "segment.mp4";
  std::ofstream(segment_file, std::ios::binary) << init.body << segment.body;
  auto codecs = probe_codecs(segment_file);
  CHECK(codecs.count("h264") == 1);
  CHECK(codecs.count("aac") == 1);

  auto status = ffmpeg.wait(30s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  CHECK(eventually([&] { return !channel_live(node, "alice"); }, 10s));
  CHECK(node.get("/hls/alice/index.m3u8").status == 404);
}

TEST_CASE("a wrong stream key is refused and never logged; a second publisher is refused") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  test_node node{"rtmp_keys"};
  auto key = node.create_channel("bob");
  auto wrong = "live_bob_" + std::string(32, 'f');
  auto refused = run(ffmpeg_publish_args(node.rtmp_url(wrong), 2), 20s);
  CHECK(refused.status != 0);
  CHECK_FALSE(channel_live(node, "bob"));
  auto log = node.log();
  CHECK(log.find("rejected") != std::string::npos);
  CHECK(log.find(wrong) == std::string::npos);
  CHECK(log.find(key) == std::string::npos);

  // First publisher holds the channel; a second one with the right key is turned away.
  child_process first{ffmpeg_publish_args(node.rtmp_url(key), 8), node.out_dir / "first.log"};
  REQUIRE(eventually([&] { return channel_live(node, "bob"); }, 10s));
  auto second = run(ffmpeg_publish_args(node.rtmp_url(key), 2), 20s);
  CHECK(second.status != 0);
  CHECK(first.running());
  CHECK(channel_live(node, "bob"));
  first.wait(30s);
  CHECK(eventually([&] { return !channel_live(node, "bob"); }, 10s));

  // Republish after the first session ended.
  child_process again{ffmpeg_publish_args(node.rtmp_url(key), 4), node.out_dir / "again.log"};
  CHECK(eventually([&] { return channel_live(node, "bob"); }, 10s));
  CHECK(eventually([&] { return node.get("/hls/bob/index.m3u8").status == 200; }, 10s));
  auto status = again.wait(30s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  CHECK(eventually([&] { return !channel_live(node, "bob"); }, 10s));
}

TEST_CASE("channels and keys survive a node restart") {
  auto data = fresh_temp_dir("aethex-restart");
  std::string key;
  {
    test_node node{"restart", {}, data};
    key = node.create_channel("carol");
    CHECK(node.stop() == 0);
  }
  test_node node{"restart", {}, data};
  auto res = node.get("/api/v1/channels/carol");
  REQUIRE(res.status == 200);
  CHECK(json::parse(res.body).value("title", "") == "carol");
  CHECK_THROWS(node.create_channel("carol"));  // already exists: the CLI fails
  if (on_path("ffmpeg")) {
    child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 3), node.out_dir / "ffmpeg.log"};
    CHECK(eventually([&] { return channel_live(node, "carol"); }, 10s));
    ffmpeg.wait(20s);
  }
  node.stop();
  std::filesystem::remove_all(data);
}
