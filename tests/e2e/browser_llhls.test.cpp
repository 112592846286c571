// The LL-HLS path in a real browser: headless Chromium opens /c/<channel>?player=llhls while
// ffmpeg publishes; hls.js runs in low-latency mode on ll.m3u8 (blocking reloads, partial
// segments), video advances and the page shows its latency.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("a browser plays the live channel over LL-HLS in low-latency mode") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "chromium is required");
  test_node node{"browser_llhls"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto key = node.create_channel("gina");
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 45, "1280x720"),
                       node.out_dir / "ffmpeg.log"};
  auto play = run({"node", browser_script("play_llhls.mjs"), "--url", node.http_base() + "/c/gina",
                   "--out", node.out_dir.string(), "--timeout", "40"},
                  90s);
  INFO(play.output);
  CHECK(play.status == 0);
  auto measured = last_json_line(play.output);
  REQUIRE(measured.is_object());
  CHECK(measured.value("mode", "") == "ll-hls");
  CHECK(measured.value("advance_s", 0.0) > 1.0);
  CHECK(measured["hls"].value("lowLatencyMode", false));
  CHECK(measured["requests_in_window"].value("parts", 0) >= 6);
  MESSAGE("browser over LL-HLS: " << measured.dump());
  // hls.js holds back PART-HOLD-BACK (0.9 s) plus a part or two; generous for a loaded box.
  CHECK(measured.value("latency_s", 99.0) < 4.0);
}
