// DJ mode in the browser (tests/e2e/browser/music.mjs): a channel in DJ mode goes live with an
// audio stream (a 110 Hz tone with a beep every ~second, 192 kbit/s stereo AAC over RTMP); its
// page shows the DJ layout, and once unmuted the visualiser animates (two captures of its
// canvas differ); now playing set over the API reaches the open page's card and chat; the
// dashboard's Music tab imports a small CSV, showing the bad line. Afterwards the API has the
// imported tracks and the play.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("the DJ layout animates, follows now playing, and the dashboard imports a tracklist") {
  require_browser_tools();
  test_node node{"browser_music"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  auto signup = api_call(node, "POST", "/api/v1/auth/signup",
                         {{"username", "djnova"}, {"password", "djnova-password-1"}});
  INFO("signup -> " << signup.status << " " << signup.raw);
  REQUIRE(signup.status == 201);
  const auto owner = signup.body.value("token", "");
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "djnova"}}, owner);
  INFO("channel -> " << channel.status << " " << channel.raw);
  REQUIRE(channel.status == 201);
  const auto key = channel.body.value("stream_key", "");
  auto dj = api_call(node, "PUT", "/api/v1/channels/djnova/music/settings", {{"dj_mode", true}},
                     owner);
  INFO("settings -> " << dj.status << " " << dj.raw);
  REQUIRE(dj.status == 200);
  CHECK(dj.body["dj_mode"] == true);

  child_process publisher{{"ffmpeg",
                           "-hide_banner",
                           "-loglevel",
                           "error",
                           "-re",
                           "-f",
                           "lavfi",
                           "-i",
                           "sine=frequency=110:beep_factor=8:sample_rate=48000",
                           "-t",
                           "90",
                           "-c:a",
                           "aac",
                           "-ac",
                           "2",
                           "-b:a",
                           "192k",
                           "-f",
                           "flv",
                           node.rtmp_url(key)},
                          node.out_dir / "publisher.log"};
  REQUIRE(eventually(
    [&] {
      auto res = node.get("/hls/djnova/index.m3u8");
      return res.status == 200 && hls_segments(res.body).size() >= 2;
    },
    15s));

  auto measured = run_browser_script("music.mjs",
                                     {"--url", node.http_base(), "--channel", "djnova",
                                      "--owner-token", owner, "--out", node.out_dir.string(),
                                      "--timeout", "20"},
                                     90s);
  MESSAGE("browser music: " << measured.dump());
  // Muted, the visualiser switched to the node's audio frames and kept animating on them.
  CHECK(measured.value("server_frames", false));
  for (const char* shot : {"dj-layout", "dj-layout-phone", "dashboard-music"})
    CHECK(std::filesystem::exists(node.out_dir / (std::string{shot} + ".png")));

  auto tracks = api_call(node, "GET", "/api/v1/channels/djnova/music/tracks?q=midnight", nullptr,
                         owner);
  CHECK(tracks.status == 200);
  CHECK(tracks.body["total"] == 1);
  auto music = api_call(node, "GET", "/api/v1/channels/djnova/music", nullptr, "");
  CHECK(music.body["now_playing"]["track"]["artist"] == "Eric Prydz");
}
