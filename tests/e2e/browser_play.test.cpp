// The viewer's view: headless Chromium opens /c/<channel> while ffmpeg publishes, the video
// plays (currentTime advances); after the publisher stops, the page shows "offline".
#include <doctest/doctest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("a viewer's browser plays the live channel and then shows it offline") {
  require_browser_tools();
  test_node node{"browser_play"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto key = node.create_channel("dana");

  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 30, "1280x720"),
                       node.out_dir / "ffmpeg.log"};
  auto play = run({"node", browser_script("play_channel.mjs"), "--url",
                   node.http_base() + "/c/dana", "--out", node.out_dir.string(), "--timeout", "40"},
                  90s);
  INFO(play.output);
  CHECK(play.status == 0);
  auto measured = last_json_line(play.output);
  REQUIRE(measured.is_object());
  CHECK(measured.value("ok", false));
  CHECK(measured.value("advance_s", 0.0) > 1.0);
  MESSAGE("browser measurements: " << measured.dump());
  CHECK(std::filesystem::exists(node.out_dir / "channel.png"));

  ffmpeg.signal(SIGINT);
  ffmpeg.wait(20s);
  auto offline = run({"node", browser_script("offline_check.mjs"), "--url",
                      node.http_base() + "/c/dana", "--out", node.out_dir.string(),
                      "--expect-offline"},
                     60s);
  INFO(offline.output);
  CHECK(offline.status == 0);
}
