// Live engagement and moderation in the browser (tests/e2e/browser/engagement.mjs), no stream
// needed: the owner of `nova` starts a poll from the dashboard's Engagement tab, a signed-in
// viewer votes on the channel page and sees the results, an OBS overlay page shows the poll
// live on a transparent page, the viewer stakes the points of a follow on a prediction and
// redeems a reward the owner fulfils, and a moderator approves, in the mod view, a chat message of
// the viewer's that AutoMod held (a link, held from level 2), which the viewer then sees arrive.
// Last the owner uploads a custom emote on the dashboard, and the viewer sends it with the emote
// picker: both chats show its image. Afterwards the API confirms the vote, the ended poll, the
// stake, the balance, the fulfilled redemption, the approval in the log, the empty queue and the
// emote.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string sign_up(test_node& node, const std::string& name) {
  auto r = api_call(node, "POST", "/api/v1/auth/signup",
                    {{"username", name}, {"password", name + "-password-1"}});
  INFO("signup " << name << " -> " << r.status << " " << r.raw);
  REQUIRE(r.status == 201);
  return r.body.value("token", "");
}

}  // namespace

TEST_CASE(
  "a viewer votes in a live poll, an overlay shows it, a moderator approves a held message") {
  require_browser_tools();
  test_node node{"browser_engagement"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  const auto owner = sign_up(node, "nova");
  const auto viewer = sign_up(node, "vic");
  const auto mod = sign_up(node, "mia");
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", "nova"}}, owner);
  INFO("channel -> " << channel.status << " " << channel.raw);
  REQUIRE(channel.status == 201);

  // The broadcaster appoints the moderator through the roles API.
  auto role = api_call(node, "PUT", "/api/v1/channels/nova/roles/mia", {{"role", "moderator"}},
                       owner);
  INFO("role -> " << role.status << " " << role.raw);
  REQUIRE(role.status / 100 == 2);

  // AutoMod at level 2 holds viewers' links for review.
  {
    auto admin = admin_chat(node, "nova");
    admin->send({{"type", "settings"}, {"automod_level", 2}, {"ref", "automod"}});
    json reply;
    for (auto f = admin->next_any(); !f.is_null(); f = admin->next_any())
      if (f.value("ref", "") == "automod") {
        reply = f;
        break;
      }
    INFO("automod setting -> " << reply.dump());
    REQUIRE(reply.value("type", "") == "ok");
  }

  // Points, a reward and a prediction for the viewer: the first follow earns 300 points.
  auto follow = api_call(node, "POST", "/api/v1/channels/nova/follow", nullptr, viewer);
  INFO("follow -> " << follow.status << " " << follow.raw);
  REQUIRE(follow.status / 100 == 2);
  auto reward = api_call(node, "POST", "/api/v1/channels/nova/rewards",
                         {{"title", "Hydrate"},
                          {"cost", 50},
                          {"user_input", false},
                          {"cooldown_s", 0},
                          {"max_per_stream", 0},
                          {"max_per_user_per_stream", 0},
                          {"enabled", true}},
                         owner);
  INFO("reward -> " << reward.status << " " << reward.raw);
  REQUIRE(reward.status == 201);
  auto prediction = api_call(node, "POST", "/api/v1/channels/nova/predictions",
                             {{"title", "Win?"}, {"outcomes", {"Yes", "No"}}, {"window_s", 120}},
                             owner);
  INFO("prediction -> " << prediction.status << " " << prediction.raw);
  REQUIRE(prediction.status == 201);

  const std::string held_text = "my clip is at https://example.com/clip/42";
  auto measured = run_browser_script("engagement.mjs", {"--url",          node.http_base(),
                                                        "--channel",      "nova",
                                                        "--owner-token",  owner,
                                                        "--viewer",       "vic",
                                                        "--viewer-token", viewer,
                                                        "--mod",          "mia",
                                                        "--mod-token",    mod,
                                                        "--held-text",    held_text,
                                                        "--out",          node.out_dir.string(),
                                                        "--timeout",      "20"},
                                     90s);
  MESSAGE("browser engagement: " << measured.dump());
  CHECK(std::filesystem::exists(node.out_dir / "channel-poll.png"));
  CHECK(std::filesystem::exists(node.out_dir / "overlay-poll.png"));
  CHECK(std::filesystem::exists(node.out_dir / "mod-dashboard.png"));
  CHECK(std::filesystem::exists(node.out_dir / "dashboard-emotes.png"));
  CHECK(std::filesystem::exists(node.out_dir / "chat-emote.png"));

  // The poll as the API keeps it: ended, one vote for the second choice, from the viewer.
  auto poll = api_call(node, "GET", "/api/v1/channels/nova/polls/current", nullptr, viewer);
  INFO("poll -> " << poll.status << " " << poll.raw);
  REQUIRE(poll.status == 200);
  CHECK(poll.body.value("state", "") == "ended");
  CHECK(poll.body.value("total_votes", 0) == 1);
  REQUIRE(poll.body["choices"].size() == 3);
  CHECK(poll.body["choices"][1].value("votes", 0) == 1);

  // The stake, the redemption (fulfilled) and what is left of the viewer's points.
  auto points = api_call(node, "GET", "/api/v1/channels/nova/points/me", nullptr, viewer);
  INFO("points -> " << points.raw);
  CHECK(points.body.value("balance", -1) == 150);
  auto current = api_call(node, "GET", "/api/v1/channels/nova/predictions/current", nullptr,
                          viewer);
  INFO("prediction -> " << current.raw);
  CHECK(current.body["my_stake"].value("points", 0) == 100);
  auto fulfilled = api_call(node, "GET", "/api/v1/channels/nova/redemptions?status=fulfilled",
                            nullptr, owner);
  INFO("redemptions -> " << fulfilled.raw);
  REQUIRE(fulfilled.status == 200);
  REQUIRE(fulfilled.body.value("redemptions", json::array()).size() == 1);
  CHECK(fulfilled.body["redemptions"][0].value("user", "") == "vic");

  // The approval is in the moderation log, and nothing waits in the queue.
  auto log = api_call(node, "GET", "/api/v1/channels/nova/mod/log?limit=20", nullptr, mod);
  INFO("log -> " << log.status << " " << log.raw);
  REQUIRE(log.status == 200);
  bool approved = false;
  for (const auto& e : log.body.value("entries", json::array()))
    approved = approved || (e.value("action", "") == "automod_approve" &&
                            e.value("by", "") == "mia" && e.value("user", "") == "vic");
  CHECK(approved);
  auto queue = api_call(node, "GET", "/api/v1/channels/nova/mod/queue", nullptr, mod);
  REQUIRE(queue.status == 200);
  CHECK(queue.body.value("items", json::array()).empty());
  // The viewer is no moderator: the queue is refused.
  CHECK(api_call(node, "GET", "/api/v1/channels/nova/mod/queue", nullptr, viewer).status == 403);

  // The emote the dashboard uploaded: the 56x56 PNG, added by the owner.
  auto emotes = api_call(node, "GET", "/api/v1/channels/nova/emotes");
  INFO("emotes -> " << emotes.status << " " << emotes.raw);
  REQUIRE(emotes.status == 200);
  REQUIRE(emotes.body.value("emotes", json::array()).size() == 1);
  const auto& emote = emotes.body["emotes"][0];
  CHECK(emote.value("code", "") == "novaHype");
  CHECK(emote.value("format", "") == "png");
  CHECK(emote.value("width", 0) == 56);
  CHECK(emote.value("added_by", "") == "nova");
}
