// Clips in the viewer's browser (tests/e2e/browser/clip_editor.mjs): ffmpeg publishes 20 s to a
// signed-up creator's channel, which records it as a VOD; in Chromium the creator opens the VOD,
// drags and then sets the clip editor's range to 4–14 s, names it and creates it, waits on the
// clip's page while it renders, plays it (10 ± 1 s) and likes it. Likes take an account, so the
// script signs in as the creator rather than with the admin token. Afterwards the API confirms
// the clip as the page showed it, with its view and like, in the channel's clips.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE("a clip made in the browser's clip editor renders, plays and takes a like") {
  require_browser_tools();
  test_node node{"browser_clips"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  // The creator's account and channel; channels record their streams unless told otherwise.
  auto signup = api_call(node, "POST", "/api/v1/auth/signup",
                         {{"username", "cleo"}, {"password", "cleo-password-1"}});
  INFO("signup -> " << signup.status << " " << signup.raw);
  REQUIRE(signup.status == 201);
  auto token = signup.body.value("token", "");
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "cleo"}}, token);
  INFO("channel -> " << channel.status << " " << channel.raw);
  REQUIRE(channel.status == 201);

  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(channel.body.value("stream_key", "")), 20),
                       node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return channel_live(node, "cleo"); }, 20s));
  CHECK(ffmpeg.wait(40s) == 0);
  auto vod = await_ready_vod(node, "cleo", 60s);
  REQUIRE_MESSAGE(vod.is_object(), node.log());
  auto vod_id = vod.value("id", "");

  auto measured = run_browser_script("clip_editor.mjs",
                                     {"--url", node.http_base(), "--vod", vod_id, "--user", "cleo",
                                      "--token", token, "--start", "4", "--end", "14", "--title",
                                      "my clip", "--out", node.out_dir.string(), "--timeout", "60"},
                                     180s);
  MESSAGE("browser clip: " << measured.dump());
  CHECK(std::filesystem::exists(node.out_dir / "clip-editor.png"));
  CHECK(std::filesystem::exists(node.out_dir / "clip.png"));

  // The clip as the API has it: the asked range (a keyframe cut may start up to a GOP earlier),
  // the page's like and its view.
  auto id = measured.value("clip", "");
  REQUIRE(!id.empty());
  auto clip = api_call(node, "GET", "/api/v1/clips/" + id);
  INFO("clip -> " << clip.status << " " << clip.raw);
  REQUIRE(clip.status == 200);
  CHECK(clip.body.value("state", "") == "ready");
  CHECK(clip.body.value("title", "") == "my clip");
  CHECK(clip.body.value("vod", "") == vod_id);
  CHECK(clip.body.value("channel", "") == "cleo");
  CHECK(clip.body.value("creator", "") == "cleo");
  CHECK(clip.body.value("start_s", -1.0) <= 4.0);
  CHECK(clip.body.value("start_s", -1.0) >= 2.9);
  CHECK(clip.body.value("duration_s", 0.0) == doctest::Approx(10).epsilon(0.1));
  CHECK(clip.body.value("likes", 0) == 1);
  CHECK(clip.body.value("views", 0) >= 1);
  auto listed = api_call(node, "GET", "/api/v1/channels/cleo/clips?sort=top");
  INFO("channel clips -> " << listed.status << " " << listed.raw);
  REQUIRE(listed.status == 200);
  auto clips = listed.body.value("clips", json::array());
  REQUIRE(clips.size() == 1);
  CHECK(clips[0].value("id", "") == id);
}
