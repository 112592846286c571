// A viewer follows a channel in a real browser and hears it go live (tests/e2e/browser/
// notifications.mjs): sign up, Follow on the channel page, then the top bar's bell counts the
// go-live notification pushed over the page's one WebSocket, lists it, and leads to the channel.
// The script says when its page is subscribed; only then does ffmpeg start publishing, so the
// push cannot come before the page listens. While nova is live the script also finds it on
// Browse (with its loaded thumbnail), under its category on Categories, and through the top
// bar's search. Afterwards the API confirms the follow and inbox.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

json call(const test_node& node, const std::string& method, const std::string& target,
          const json& body = nullptr, const std::string& token = {}) {
  auto res = api_call(node, method, target, body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.raw);
  REQUIRE(res.status == 200);
  return res.body;
}

}  // namespace

TEST_CASE("a follower's bell lights up when the channel goes live") {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "chromium is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string{AETHEX_SOURCE_DIR} +
                                          "/net/web/node_modules/playwright-core"),
                  "net/web dependencies are required (scripts/setup runs npm ci)");
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"browser_notifications"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto key = node.create_channel("nova");
  const std::string password = "ada-password-1";
  // A category for the Categories page to count nova's live channel under.
  call(node, "PATCH", "/api/v1/channels/nova", json{{"category", "Space"}},
       admin_token(node.data_dir.string()));

  child_process script{{"node", browser_script("notifications.mjs"), "--url", node.http_base(),
                        "--channel", "nova", "--category", "Space", "--user", "ada", "--password",
                        password, "--out", node.out_dir.string(), "--timeout", "30"},
                       node.out_dir / "notifications_script.log"};
  auto said_ready = [&] { return script.log().find(R"({"ready":true})") != std::string::npos; };
  bool ready = eventually([&] { return said_ready() || !script.running(); }, 90s);
  REQUIRE_MESSAGE(ready, script.log());
  REQUIRE_MESSAGE(script.running(), script.log());

  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 60), node.out_dir / "ffmpeg.log"};
  auto status = script.wait(120s);
  auto output = script.log();
  INFO(output);
  CHECK(status == 0);
  auto result = last_json_line(output);
  REQUIRE(result.is_object());
  CHECK(result.value("ok", false));
  CHECK(result.value("channel", "") == "nova");
  CHECK(result.value("search_landed", "") == "/c/nova");
  CHECK(result.value("category_live_channels", -1) == 1);
  MESSAGE("browser notifications: " << result.dump());

  // What the browser did, as the API sees it.
  json credentials{{"username", "ada"}, {"password", password}};
  auto token = call(node, "POST", "/api/v1/auth/login", credentials)["token"].get<std::string>();
  auto following = call(node, "GET", "/api/v1/me/following", nullptr, token)["following"];
  REQUIRE(following.size() == 1);
  CHECK(following[0]["channel"] == "nova");
  CHECK(following[0]["notify"] == true);
  CHECK(following[0]["email"] == true);
  // Opening the bell marked it read (the page does not wait for that answer: allow a moment).
  CHECK(eventually(
    [&] { return call(node, "GET", "/api/v1/me/notifications", nullptr, token)["unread"] == 0; },
    5s));
  auto inbox = call(node, "GET", "/api/v1/me/notifications", nullptr, token);
  REQUIRE(inbox["notifications"].size() == 1);
  CHECK(inbox["notifications"][0]["channel"] == "nova");
  CHECK(inbox["notifications"][0]["read"] == true);
  CHECK(call(node, "GET", "/api/v1/channels/nova/followers")["followers"] == 1);
}
