// OBS overlays in the browser (tests/e2e/browser/overlays.mjs), no stream needed: the owner's
// dashboard lists every overlay URL and "Copy to OBS" puts one on the clipboard; every overlay
// (chat, alerts, polls, predictions, hype_train, now_playing, goals) renders with the channel's
// token, transparent, at its OBS size (a screenshot each); a wrong token is refused; a chat message
// sent over the WebSocket, a poll started over the API, "now playing" and a follower goal set in
// the dashboard appear live; after "Rotate token" the old URL is refused. Afterwards the API
// confirms the rotation and the now-playing line.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE("every OBS overlay renders with the channel's token and follows the channel live") {
  require_browser_tools();
  test_node node{"browser_overlays"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  auto signup = api_call(node, "POST", "/api/v1/auth/signup",
                         {{"username", "nova"}, {"password", "nova-password-1"}});
  INFO("signup -> " << signup.status << " " << signup.raw);
  REQUIRE(signup.status == 201);
  const auto owner = signup.body.value("token", "");
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "nova"}}, owner);
  INFO("channel -> " << channel.status << " " << channel.raw);
  REQUIRE(channel.status == 201);
  // The goals overlay shows the tip campaign.
  auto campaign = api_call(node, "POST", "/api/v1/channels/nova/campaign",
                           {{"title", "New microphone"}, {"goal", 10000}}, owner);
  REQUIRE(campaign.status == 201);

  auto before = api_call(node, "GET", "/api/v1/channels/nova/overlays", nullptr, owner);
  INFO("overlays -> " << before.status << " " << before.raw);
  REQUIRE(before.status == 200);
  REQUIRE(before.body["overlays"].size() == 7);
  const auto old_token = before.body.value("token", "");

  auto measured = run_browser_script("overlays.mjs",
                                     {"--url", node.http_base(), "--channel", "nova",
                                      "--owner-token", owner, "--out", node.out_dir.string(),
                                      "--timeout", "20"},
                                     60s);
  MESSAGE("browser overlays: " << measured.dump());
  for (const char* kind :
       {"chat", "alerts", "polls", "predictions", "hype_train", "now_playing", "goals"})
    CHECK(std::filesystem::exists(node.out_dir / ("overlay-" + std::string{kind} + ".png")));
  CHECK(std::filesystem::exists(node.out_dir / "overlay-refused.png"));
  CHECK(std::filesystem::exists(node.out_dir / "dashboard-obs.png"));

  auto after = api_call(node, "GET", "/api/v1/channels/nova/overlays", nullptr, owner);
  REQUIRE(after.status == 200);
  CHECK(after.body["token"] != old_token);
  CHECK(after.body["now_playing"]["title"] == "Midnight City");
  auto goals = api_call(node, "GET", "/api/v1/channels/nova/overlays/goals", nullptr, owner);
  CHECK(goals.body["followers"] == 10);
  auto refused = api_call(node, "GET", "/api/v1/overlays/nova/chat?token=" + old_token, nullptr,
                          "");
  CHECK(refused.status == 403);
  CHECK(refused.body["error"]["code"] == "overlay_token");
}
