// The installable app at 360×740 in headless Chromium (browser/mobile.mjs): the channel page with
// a live player and the chat below it, the chat in use and the creator dashboard, screenshotted
// (tests/out/browser_mobile/mobile-*.png) and without sideways scrolling; the manifest and its
// icons, Chromium's installability check, the service worker controlling the page, and the app
// shell rendering offline.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

TEST_CASE("the app on a 360 px phone: pages fit, manifest, service worker, offline shell") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "chromium is required");
  test_node node{"browser_mobile"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto signup = api_call(node, "POST", "/api/v1/auth/signup",
                         {{"username", "mia"}, {"password", "mia-password-1"}});
  REQUIRE(signup.status / 100 == 2);
  auto token = signup.body["token"].get<std::string>();
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "mia"}}, token);
  REQUIRE(channel.status / 100 == 2);
  child_process ffmpeg{
    ffmpeg_publish_args(node.rtmp_url(channel.body["stream_key"].get<std::string>()), 120),
    node.out_dir / "ffmpeg.log"};
  auto result = run({"node", browser_script("mobile.mjs"), "--url", node.http_base(), "--channel",
                     "mia", "--user", "mia", "--token", token, "--out", node.out_dir.string(),
                     "--timeout", "45"},
                    150s);
  INFO(result.output);
  CHECK(result.status == 0);
  auto report = last_json_line(result.output);
  CHECK(report.value("ok", false));
}
