// The creator dashboard in the browser (tests/e2e/browser/dashboard.mjs): ffmpeg publishes to a
// signed-up creator's channel; in Chromium the creator's stream manager shows the stream LIVE,
// the node's real RTMP and SRT ingest URLs and health graphs drawn by uPlot; a viewer opens the
// channel with ?src=search and its player sends watch beats; the Analytics tab then lists search
// among the traffic sources and draws its charts (the sources CSV downloads), /admin shows the
// node's load with the admin token, and End stream (resetting the key) takes the channel
// offline. Afterwards the API confirms the beats' view and the new key.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE(
  "the creator dashboard shows the live stream, its health and the analytics of a viewer's beats") {
  require_browser_tools();
  test_node node{"browser_dashboard"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  auto signup = api_call(node, "POST", "/api/v1/auth/signup",
                         {{"username", "dana"}, {"password", "dana-password-1"}});
  INFO("signup -> " << signup.status << " " << signup.raw);
  REQUIRE(signup.status == 201);
  auto token = signup.body.value("token", "");
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "dana"}}, token);
  INFO("channel -> " << channel.status << " " << channel.raw);
  REQUIRE(channel.status == 201);

  // Long enough for the page's checks: health samples, two beats 15 s apart, the analytics.
  child_process ffmpeg{
    ffmpeg_publish_args(node.rtmp_url(channel.body.value("stream_key", "")), 170),
    node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return channel_live(node, "dana"); }, 20s));

  const auto started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() -
                          60'000;
  // The page's analytics list a minute once it is written, at the minute's end; flushing the
  // minute counted so far every 3 s (partial minutes add up) spares the page that wait.
  std::mutex flush_mutex;
  std::condition_variable_any flush_wake;
  std::jthread flusher{[&](std::stop_token stop) {
    std::unique_lock lock{flush_mutex};
    while (!flush_wake.wait_for(lock, stop, 3s, [&] { return stop.stop_requested(); }))
      console_command(node, "send analytics/dana flush");
  }};
  auto measured = run_browser_script(
    "dashboard.mjs",
    {"--url", node.http_base(), "--channel", "dana", "--user", "dana", "--token", token,
     "--rtmp-port", std::to_string(node.rtmp_port), "--srt-port", std::to_string(node.srt_port),
     "--admin-token", admin_token(node.data_dir.string()), "--out", node.out_dir.string(),
     "--timeout", "60"},
    240s);
  flusher.request_stop();  // wakes it: the stop token is part of the wait
  flusher.join();
  MESSAGE("browser dashboard: " << measured.dump());
  CHECK(measured.value("rtmp_url", "").find(":" + std::to_string(node.rtmp_port) + "/live") !=
        std::string::npos);
  CHECK(measured["beats"].value("source", "") == "search");
  CHECK(std::filesystem::exists(node.out_dir / "dashboard-stream.png"));
  CHECK(std::filesystem::exists(node.out_dir / "dashboard-analytics.png"));

  // The page ended the stream and reset the key: the channel is offline, the old key is gone.
  const auto old_key = channel.body.value("stream_key", "");
  CHECK_FALSE(channel_live(node, "dana"));
  auto key = api_call(node, "GET", "/api/v1/channels/dana/stream-key", nullptr, token);
  REQUIRE(key.status == 200);
  CHECK(key.body.value("stream_key", "") == measured.value("new_key", ""));
  CHECK(key.body.value("stream_key", "") != old_key);

  // The viewer's beats, as the API counts them: a view from search.
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  auto analytics = api_call(node, "GET",
                            "/api/v1/channels/dana/analytics?from=" + std::to_string(started_ms) +
                              "&to=" + std::to_string(now_ms) + "&bucket=minute",
                            nullptr, token);
  INFO("analytics -> " << analytics.status << " " << analytics.raw);
  REQUIRE(analytics.status == 200);
  CHECK(analytics.body["totals"].value("views", 0) >= 1);
  bool search = false;
  for (const auto& s : analytics.body.value("sources", json::array()))
    search = search || (s.value("source", "") == "search" && s.value("views", 0) >= 1);
  CHECK(search);
  // Analytics are the owner's: another account is refused.
  auto other = api_call(node, "POST", "/api/v1/auth/signup",
                        {{"username", "eve"}, {"password", "eve-password-1"}});
  REQUIRE(other.status == 201);
  auto refused = api_call(node, "GET", "/api/v1/channels/dana/analytics", nullptr,
                          other.body.value("token", ""));
  CHECK(refused.status == 403);
}
