// Monetization in the browser (tests/e2e/browser/monetization.mjs), no stream needed: an OBS
// overlay page shows /overlay/<c>/alerts while a signed-in viewer donates through the channel
// page's Donate button and the sandbox pay page (4242…, then a 3-D Secure card); the alert with
// the viewer's name, the amount and the message appears on the overlay, and the campaign's bar
// (channel page and /overlay/<c>/campaign) counts the tips. Afterwards the API confirms both
// tips in the creator's list and the campaign's total. Last a gift bundle of points bought over
// the API shows its banner in the viewer's chat, and the recipient has the points.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE("a viewer donates through the pay page and the overlay shows the alert") {
  require_browser_tools();
  test_node node{"browser_monetization"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  auto signup = [&](const std::string& name) {
    auto r = api_call(node, "POST", "/api/v1/auth/signup",
                      {{"username", name}, {"password", name + "-password-1"}});
    INFO("signup " << name << " -> " << r.status << " " << r.raw);
    REQUIRE(r.status == 201);
    return r.body.value("token", "");
  };
  const auto owner = signup("nova");
  const auto viewer = signup("vic");
  const auto friend_token = signup("pal");
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "nova"}}, owner);
  INFO("channel -> " << channel.status << " " << channel.raw);
  REQUIRE(channel.status == 201);

  auto campaign = api_call(node, "POST", "/api/v1/channels/nova/campaign",
                           {{"title", "New microphone"}, {"goal", 10000}}, owner);
  INFO("campaign -> " << campaign.status << " " << campaign.raw);
  REQUIRE(campaign.status == 201);

  auto measured = run_browser_script(
    "monetization.mjs",
    {"--url", node.http_base(), "--channel", "nova", "--viewer", "vic", "--viewer-token", viewer,
     "--gift-to", "pal", "--owner-token", owner, "--out", node.out_dir.string(), "--timeout", "20"},
    60s);
  MESSAGE("browser monetization: " << measured.dump());
  CHECK(std::filesystem::exists(node.out_dir / "overlay-alert.png"));
  CHECK(std::filesystem::exists(node.out_dir / "pay-result.png"));
  CHECK(std::filesystem::exists(node.out_dir / "overlay-campaign.png"));
  CHECK(std::filesystem::exists(node.out_dir / "chat-gift.png"));
  CHECK(std::filesystem::exists(node.out_dir / "dashboard-tips.png"));

  auto tips = api_call(node, "GET", "/api/v1/channels/nova/tips", nullptr, owner);
  INFO("tips -> " << tips.status << " " << tips.raw);
  REQUIRE(tips.status == 200);
  REQUIRE(tips.body["tips"].size() == 2);
  CHECK(tips.body["tips"][0]["amount"] == 300);
  CHECK(tips.body["tips"][1]["amount"] == 500);
  CHECK(tips.body["tips"][1]["from"] == "vic");
  auto raised = api_call(node, "GET", "/api/v1/channels/nova/campaign", nullptr, "");
  CHECK(raised.body["raised"] == 800);
  auto points = api_call(node, "GET", "/api/v1/channels/nova/points/me", nullptr, friend_token);
  CHECK(points.body["balance"] == 1000);
}
