// VOD archive and clips end to end: a real ffmpeg publishes over RTMP, the node records the
// session, and the VOD comes out over HTTP as a playlist and a file that ffprobe measures and
// ffmpeg decodes from a seek point; clips of it (exact and on keyframes) and of the live stream
// measure what was asked; a node killed while recording finalises the VOD at its restart; a
// private VOD does not exist for others, while the owner's signed links play it.
#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// The test pattern without -re: 40 s of media arrive in a few seconds (the VOD's duration is
// media time), which keeps the suite short.
std::vector<std::string> publish_fast(const std::string& url, int seconds) {
  auto args = ffmpeg_publish_args(url, seconds);
  std::erase(args, std::string{"-re"});
  return args;
}

json channel_vods(const test_node& node, const std::string& channel,
                  const std::string& token = {}) {
  auto reply = api_call(node, "GET", "/api/v1/channels/" + channel + "/vods", nullptr, token);
  return reply.status == 200 ? reply.body.value("vods", json::array()) : json::array();
}

// The newest VOD of `channel` once it is in `state`.
json await_vod(const test_node& node, const std::string& channel, const std::string& state) {
  json found;
  eventually(
    [&] {
      auto vods = channel_vods(node, channel);
      if (!vods.empty() && vods[0].value("state", "") == state)
        found = vods[0];
      return !found.is_null();
    },
    30s);
  return found;
}

double probe_duration(const std::string& url) {
  auto probe = run(
    {"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url}, 30s);
  return std::atof(probe.output.c_str());
}

// "" when ffmpeg decodes `seconds` of `url` from `from_s` without an error.
std::string decode_errors(const std::string& url, double from_s, double seconds) {
  auto decode = run({"ffmpeg", "-hide_banner", "-v", "error", "-ss", std::to_string(from_s), "-i",
                     url, "-t", std::to_string(seconds), "-f", "null", "-"},
                    60s);
  return decode.status == 0 ? decode.output
                            : "exit " + std::to_string(decode.status) + decode.output;
}

// Segments a VOD playlist lists (byte ranges of one file: counted by their EXTINF).
std::size_t listed_segments(const std::string& playlist) {
  std::size_t count = 0;
  for (auto at = playlist.find("#EXTINF:"); at != std::string::npos;
       at = playlist.find("#EXTINF:", at + 1))
    ++count;
  return count;
}

// Creates a clip and waits until it is rendered; its JSON (null when it never was).
json make_clip(const test_node& node, const json& request) {
  auto token = admin_token(node.data_dir.string());
  auto created = api_call(node, "POST", "/api/v1/clips", request, token);
  REQUIRE_MESSAGE(created.status == 202, created.raw);
  auto id = created.body.value("id", "");
  json clip;
  eventually(
    [&] {
      auto reply = api_call(node, "GET", "/api/v1/clips/" + id);
      if (reply.status == 200 && reply.body.value("state", "") != "rendering")
        clip = reply.body;
      return !clip.is_null();
    },
    30s);
  return clip;
}

// True when the first video frame of `url` is a keyframe.
bool starts_with_keyframe(const std::string& url) {
  auto probe = run({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                    "frame=key_frame", "-read_intervals", "%+#1", "-of", "csv=p=0", url},
                   30s);
  return probe.output.rfind("1", 0) == 0;
}

}  // namespace

TEST_CASE("a 40 s publish becomes a VOD of 40 s that plays from a seek point") {
  REQUIRE_MESSAGE((on_path("ffmpeg") && on_path("ffprobe")),
                  "ffmpeg/ffprobe are required (scripts/setup installs them)");
  test_node node{"vod_archive"};
  auto key = node.create_channel("alice");
  auto published = run(publish_fast(node.rtmp_url(key), 40), 60s);
  REQUIRE(published.status == 0);
  auto vod = await_vod(node, "alice", "ready");
  REQUIRE_MESSAGE(vod.is_object(), node.log());
  auto id = vod.value("id", "");
  CHECK(vod.value("channel", "") == "alice");
  CHECK(vod.value("duration_s", 0.0) == doctest::Approx(40).epsilon(0.025));
  CHECK(vod.value("hls", "") == "/vod/" + id + "/index.m3u8");

  auto base = node.http_base();
  CHECK(probe_duration(base + "/vod/" + id + "/media.mp4") == doctest::Approx(40).epsilon(0.025));
  auto playlist = node.get("/vod/" + id + "/index.m3u8");
  REQUIRE(playlist.status == 200);
  CHECK(playlist.body.find("#EXT-X-PLAYLIST-TYPE:VOD") != std::string::npos);
  CHECK(playlist.body.find("#EXT-X-ENDLIST") != std::string::npos);
  CHECK(decode_errors(base + "/vod/" + id + "/index.m3u8", 25, 3) == "");
  CHECK(eventually([&] { return node.get("/vod/" + id + "/poster.jpg").status == 200; }, 10s));
  // The thumbnail strip: a tile every 10 s, named by WebVTT cues.
  REQUIRE(eventually([&] { return node.get("/vod/" + id + "/thumbs.vtt").status == 200; }, 20s));
  auto vtt = node.get("/vod/" + id + "/thumbs.vtt").body;
  CHECK(vtt.find("00:00:30.000 --> ") != std::string::npos);
  CHECK(vtt.find("strip-0.jpg#xywh=") != std::string::npos);
  CHECK(node.get("/vod/" + id + "/strip-0.jpg").status == 200);
  CHECK(node.get("/vod/" + id + "/media.mp4?download=1").status == 200);
  // Names that are not a VOD's files never reach the disk.
  CHECK(node.get("/vod/" + id + "/meta.json").status == 404);
  CHECK(node.get("/vod/../admin.token").status == 404);
  CHECK(node.get("/vod/000000000000/index.m3u8").status == 404);

  // A 10 s clip of the VOD: exact trimming measures 10 s; the keyframe cut starts on one.
  auto exact = make_clip(
    node,
    {{"vod", id}, {"start_s", 12.5}, {"duration_s", 10}, {"exact", true}, {"title", "exact"}});
  REQUIRE(exact.value("state", "") == "ready");
  CHECK(probe_duration(base + exact.value("url", "")) == doctest::Approx(10).epsilon(0.05));
  CHECK(decode_errors(base + exact.value("url", ""), 0, 10) == "");
  auto cut = make_clip(node, {{"vod", id}, {"start_s", 12.5}, {"duration_s", 10}});
  REQUIRE(cut.value("state", "") == "ready");
  CHECK(cut.value("keyframe_start", false));
  CHECK(cut.value("start_s", 0.0) <= 12.5);
  CHECK(starts_with_keyframe(base + cut.value("url", "")));
  auto embed = node.get("/embed/clip/" + cut.value("id", ""));
  CHECK(embed.status == 200);
  CHECK(embed.body.find("og:video") != std::string::npos);
  CHECK(embed.body.find("twitter:card") != std::string::npos);
}

TEST_CASE("a node killed while recording finalises the VOD up to the kill at its restart") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  auto node = std::make_unique<test_node>("vod_crash");
  auto key = node->create_channel("bob");
  child_process ffmpeg{ffmpeg_publish_args(node->rtmp_url(key), 60), node->out_dir / "ffmpeg.log"};
  auto recording = await_vod(*node, "bob", "recording");
  REQUIRE(recording.is_object());
  auto id = recording.value("id", "");
  // Two 4 s segments on disk: the kill comes after at least 8 s of media.
  REQUIRE(eventually(
    [&] { return listed_segments(node->get("/vod/" + id + "/index.m3u8").body) >= 2; }, 30s));
  // A live clip takes the last 30 s: wait until more than that is recorded.
  REQUIRE(eventually(
    [&] { return listed_segments(node->get("/vod/" + id + "/index.m3u8").body) >= 9; }, 60s));
  auto live = make_clip(*node, {{"channel", "bob"}});
  REQUIRE(live.value("state", "") == "ready");
  CHECK(live.value("live", false));
  CHECK(live.value("duration_s", 0.0) == doctest::Approx(30).epsilon(0.04));
  CHECK(live.value("start_s", 0.0) >= 4.0);
  CHECK(probe_duration(node->http_base() + live.value("url", "")) ==
        doctest::Approx(30).epsilon(0.04));

  auto data = node->data_dir;
  node->kill();
  ffmpeg.wait(10s);

  test_node restarted{"vod_crash_restart", {}, data};
  CHECK(restarted.log().find("vod: finalised 1 recording") != std::string::npos);
  auto vod = await_vod(restarted, "bob", "ready");
  REQUIRE(vod.is_object());
  CHECK(vod.value("id", "") == id);
  CHECK(vod.value("duration_s", 0.0) >= 8.0);
  auto base = restarted.http_base();
  CHECK(decode_errors(base + "/vod/" + id + "/index.m3u8", 2, 4) == "");
  CHECK(probe_duration(base + "/vod/" + id + "/media.mp4") ==
        doctest::Approx(vod.value("duration_s", 0.0)).epsilon(0.05));
}

TEST_CASE("a private VOD is not found by others; the owner's signed links play it") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  test_node node{"vod_privacy"};
  auto key = node.create_channel("carol");
  REQUIRE(run(publish_fast(node.rtmp_url(key), 6), 60s).status == 0);
  auto vod = await_vod(node, "carol", "ready");
  REQUIRE(vod.is_object());
  auto id = vod.value("id", "");
  auto owner = admin_token(node.data_dir.string());
  auto patched = api_call(node, "PATCH", "/api/v1/vods/" + id, json{{"privacy", "private"}}, owner);
  REQUIRE(patched.status == 200);

  CHECK(api_call(node, "GET", "/api/v1/vods/" + id).status == 404);
  // The list reads the read model, which follows the change a moment later.
  CHECK(eventually([&] { return channel_vods(node, "carol").empty(); }, 10s));
  CHECK(node.get("/vod/" + id + "/index.m3u8").status == 404);
  CHECK(node.get("/vod/" + id + "/media.mp4").status == 404);

  auto mine = api_call(node, "GET", "/api/v1/vods/" + id, nullptr, owner);
  REQUIRE(mine.status == 200);
  auto hls = mine.body.value("hls", "");
  CHECK(hls.find("sig=") != std::string::npos);
  CHECK(decode_errors(node.http_base() + hls, 1, 2) == "");
  // A signature is for one VOD only.
  auto forged = hls;
  forged.replace(forged.find(id), id.size(), "0123456789ab");
  CHECK(node.get(forged).status == 404);
}
