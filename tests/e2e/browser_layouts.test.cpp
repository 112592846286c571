// Streams with one track play everywhere: an audio-only RTMP publish (radio, DJ sets,
// podcasts) and a video-only SRT publish (a screen capture without a microphone) produce HLS
// at once and play on the WebSocket, LL-HLS and HLS paths in headless Chromium; the audio-only
// one shows the page's audio-only layout.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> publish_args(const std::string& input, const std::string& codec,
                                      const std::string& format, const std::string& url) {
  std::vector<std::string> args{"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f",
                                "lavfi",  "-i",           input,       "-t",    "60"};
  for (auto& a : std::vector<std::string>{codec == "aac" ? "-c:a" : "-c:v", codec})
    args.push_back(a);
  if (codec == "libx264")
    for (auto a :
         {"-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "30"})
      args.emplace_back(a);
  args.insert(args.end(), {"-f", format, url});
  return args;
}

nlohmann::json play(test_node& node, const std::string& channel, const std::string& expect) {
  auto result = run({"node", browser_script("play_layouts.mjs"), "--url",
                     node.http_base() + "/c/" + channel, "--expect", expect, "--out",
                     node.out_dir.string(), "--timeout", "30"},
                    150s);
  INFO(result.output);
  CHECK(result.status == 0);
  return last_json_line(result.output);
}

}  // namespace

TEST_CASE("audio-only and video-only streams play on every path, audio-only with its layout") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "chromium is required");
  test_node node{"browser_layouts"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto radio_key = node.create_channel("radio");
  auto screen_key = node.create_channel("screen");
  child_process radio{
    publish_args("sine=frequency=440:sample_rate=48000", "aac", "flv", node.rtmp_url(radio_key)),
    node.out_dir / "radio.log"};
  child_process screen{
    publish_args("testsrc=size=640x360:rate=30", "libx264", "mpegts", node.srt_url(screen_key)),
    node.out_dir / "screen.log"};
  // Both are listed in the plain HLS playlist within a few segments, not never.
  for (auto channel : {"radio", "screen"})
    CHECK(eventually(
      [&] {
        auto res = node.get(std::string{"/hls/"} + channel + "/index.m3u8");
        return res.status == 200 && hls_segments(res.body).size() >= 2;
      },
      10s));

  auto audio = play(node, "radio", "audio");
  CHECK(audio.value("ok", false));
  MESSAGE("audio-only: " << audio.dump());
  auto video = play(node, "screen", "video");
  CHECK(video.value("ok", false));
  MESSAGE("video-only: " << video.dump());
}
