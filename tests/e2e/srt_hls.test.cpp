// SRT ingest end to end: a real ffmpeg publishes MPEG-TS over SRT to a real node; HLS comes out
// over HTTP with H.264 + AAC; both streamid forms work; wrong or malformed streamids and a wrong
// passphrase are refused, and keys never reach the log.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// The shared publisher (testsrc + sine, H.264 + AAC, 1 s GOP), muxed as MPEG-TS for SRT.
std::vector<std::string> srt_publish_args(const std::string& url, int seconds) {
  auto args = ffmpeg_publish_args(url, seconds, "320x240");
  auto format = std::find(args.end() - 3, args.end(), "flv");
  REQUIRE(format != args.end());
  *format = "mpegts";
  return args;
}

std::string access_control(const std::string& key) { return "#!::r=live/" + key + ",m=publish"; }

// A missing tool fails the suite: scripts/setup installs both.
bool have_tools() {
  REQUIRE_MESSAGE((on_path("ffmpeg") && on_path("ffprobe")),
                  "ffmpeg/ffprobe are required (scripts/setup installs them)");
  return true;
}

}  // namespace

TEST_CASE("SRT publish becomes HLS with H.264 and AAC, then goes offline") {
  if (!have_tools())
    return;
  test_node node{"srt_hls"};
  auto key = node.create_channel("sierra");
  child_process ffmpeg{srt_publish_args(node.srt_url(access_control(key)), 5),
                       node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return channel_live(node, "sierra"); }, 10s));

  std::vector<std::string> segments;
  REQUIRE(eventually(
    [&] {
      auto res = node.get("/hls/sierra/index.m3u8");
      segments = res.status == 200 ? hls_segments(res.body) : std::vector<std::string>{};
      return segments.size() >= 2;
    },
    15s));
  // Plain HLS carries fMP4: the init segment named by EXT-X-MAP, then the media segment.
  auto listed = node.get("/hls/sierra/index.m3u8").body;
  auto map = hls_map_uri(listed);
  REQUIRE(map.starts_with("ll/"));  // ll/<session>/init.mp4
  REQUIRE(map.ends_with("/init.mp4"));
  auto init = node.get("/hls/sierra/" + map);
  auto segment = node.get("/hls/sierra/" + segments.front());
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
  CHECK(eventually([&] { return !channel_live(node, "sierra"); }, 10s));
  auto log = node.log();
  CHECK(log.find("ready: srt 127.0.0.1:" + std::to_string(node.srt_port)) != std::string::npos);
  CHECK(log.find("srt: publishing from 127.0.0.1:") != std::string::npos);
  CHECK(log.find(key) == std::string::npos);
  // A clean, prompt exit: two libsrt builds in one process (ours and libavformat's) used to hang
  // at exit once a media session had loaded GStreamer's libav plugin.
  CHECK(node.stop() == 0);
}

TEST_CASE("plain streamid publishes; wrong and malformed streamids are refused and never logged") {
  if (!have_tools())
    return;
  test_node node{"srt_keys"};
  auto key = node.create_channel("tango");

  auto wrong = "live_tango_" + std::string(32, 'f');
  CHECK(run(srt_publish_args(node.srt_url(wrong), 3), 20s).status != 0);
  CHECK(run(srt_publish_args(node.srt_url("#!::r=live/" + key + ",m=request"), 2), 20s).status !=
        0);
  CHECK(
    run(srt_publish_args(node.srt_url("#!::r=live/" + key + ",m=publish,r=x"), 2), 20s).status !=
    0);
  CHECK_FALSE(channel_live(node, "tango"));

  child_process ffmpeg{srt_publish_args(node.srt_url(key), 3), node.out_dir / "ffmpeg.log"};
  CHECK(eventually([&] { return channel_live(node, "tango"); }, 10s));
  CHECK(eventually([&] { return node.get("/hls/tango/index.m3u8").status == 200; }, 10s));
  auto status = ffmpeg.wait(30s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  CHECK(eventually([&] { return !channel_live(node, "tango"); }, 10s));

  auto log = node.log();
  INFO(log);
  CHECK(log.find("srt: publish rejected from 127.0.0.1:") != std::string::npos);
  CHECK(log.find("playback over SRT is not supported") != std::string::npos);
  CHECK(log.find("duplicate 'r' field") != std::string::npos);
  CHECK(log.find("srt: publishing from 127.0.0.1:") != std::string::npos);
  CHECK(log.find(wrong) == std::string::npos);
  CHECK(log.find(key) == std::string::npos);
}

TEST_CASE("a node with an SRT passphrase refuses publishers without it") {
  if (!have_tools())
    return;
  const std::string passphrase = "s3cret-passphrase";
  test_node node{"srt_passphrase", {"--srt-passphrase", passphrase}};
  auto key = node.create_channel("uniform");
  CHECK(run(srt_publish_args(node.srt_url(key), 2), 20s).status != 0);
  CHECK(run(srt_publish_args(node.srt_url(key, "&passphrase=wrong-passphrase"), 2), 20s).status !=
        0);
  CHECK_FALSE(channel_live(node, "uniform"));

  child_process ffmpeg{srt_publish_args(node.srt_url(key, "&passphrase=" + passphrase), 3),
                       node.out_dir / "ffmpeg.log"};
  CHECK(eventually([&] { return channel_live(node, "uniform"); }, 10s));
  auto status = ffmpeg.wait(30s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  auto log = node.log();
  std::size_t requests = 0;  // refused in the handshake: the two bad callers never got this far
  for (auto at = log.find("srt: publish request"); at != std::string::npos;
       at = log.find("srt: publish request", at + 1))
    ++requests;
  CHECK(requests == 1);
  CHECK(log.find(passphrase) == std::string::npos);
  CHECK(log.find(key) == std::string::npos);
}
