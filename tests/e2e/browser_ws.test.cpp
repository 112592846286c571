// The WebSocket path in a real browser: headless Chromium opens /c/<channel> while ffmpeg
// publishes; the player picks WebSocket/MSE, video advances and the page shows its latency.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

namespace {

// Publishes 720p to `channel` on `node` and plays its page in Chromium (play_ws.mjs); returns
// what the page measured.
nlohmann::json play_over_ws(test_node& node, const std::string& channel) {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "chromium is required");
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto key = node.create_channel(channel);
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 25, "1280x720"),
                       node.out_dir / "ffmpeg.log"};
  auto play = run({"node", browser_script("play_ws.mjs"), "--url",
                   node.http_base() + "/c/" + channel, "--out", node.out_dir.string(), "--timeout",
                   "30"},
                  60s);
  INFO(play.output);
  CHECK(play.status == 0);
  auto measured = last_json_line(play.output);
  REQUIRE(measured.is_object());
  return measured;
}

}  // namespace

TEST_CASE("a browser plays the live channel over WebSocket and shows its latency") {
  test_node node{"browser_ws"};
  auto measured = play_over_ws(node, "frank");
  MESSAGE("browser over WebSocket: " << measured.dump());
  CHECK(measured.value("mode", "") == "ws");
  CHECK(measured.value("advance_s", 0.0) > 1.0);
  CHECK(measured.value("first_frame_after_ms", 1e9) < 15000);
  // Glass-to-glass target of the WebSocket path; generous for a loaded 2-core test box.
  CHECK(measured.value("latency_s", 99.0) < 2.0);
}

TEST_CASE("a browser keeps playing smoothly when a large audience gets its media in long batches") {
  // One viewer counts as a very large audience here: ~500 ms batches, as 1,000 viewers get.
  test_node node{"browser_ws_batches", {"--ws-batch-from", "1", "--ws-long-batch-from", "1"}};
  auto measured = play_over_ws(node, "grace");
  MESSAGE("browser over WebSocket, 500 ms batches: " << measured.dump());
  CHECK(measured.value("mode", "") == "ws");
  // The player sized its buffer from the batches' gaps: 4 s of sampling played through
  // without a stall, and the latency grew by about a batch, not more.
  CHECK(measured.value("stalls", 99) == 0);
  CHECK(measured.value("advance_s", 0.0) > 3.0);
  CHECK(measured.value("latency_s", 99.0) < 2.0);
}
