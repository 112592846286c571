// Subscriptions end to end on one node with the sandbox provider and a test clock: a viewer
// subscribes over REST and pays the checkout with the sandbox's good card; in subscribers-only
// chat their message carries the subscriber badge while a viewer who is not subscribed is
// refused; a gift goes to a random follower who is not subscribed (the room sees the gift
// frame); 30 days later the saved card renews it, a canceled one and the gift end.
#include <doctest/doctest.h>

#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace subscriptions_suite {

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr std::int64_t period_s = 30LL * 24 * 3600;

std::string sign_up(const test_node& node, const std::string& user) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", user}, {"password", user + "-pass-1"}})["token"]
    .get<std::string>();
}

// The viewer's subscription once `done` holds (fulfilment and renewals arrive on their own: the
// payment's booking, then the renewer's tick every 2 s); the last answer after 10 s otherwise.
json await_sub(const test_node& node, const std::string& token,
               const std::function<bool(const json&)>& done) {
  json s;
  for (auto until = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(100ms))
    if (done(s = api_ok(node, "GET", "channels/lobby/subscriptions/me", token)))
      break;
  return s;
}

// The answer to a chat frame sent with a ref: "ok" or a "notice" refusal.
json chat_command(chat_client& c, json frame) {
  frame["ref"] = "cmd";
  c.send(frame);
  for (auto reply = c.next_any(); !reply.is_null(); reply = c.next_any())
    if (reply.value("ref", "") == "cmd")
      return reply;
  return nullptr;
}

std::unique_ptr<chat_client> user_chat(const test_node& node, const std::string& token) {
  auto c = std::make_unique<chat_client>(node.http_port);
  c->send({{"type", "auth"}, {"token", token}});
  REQUIRE(c->next("auth_ok").is_object());
  REQUIRE(c->join("lobby").is_object());
  return c;
}

}  // namespace

TEST_CASE("subscriptions: subscribe and pay, badge, subscribers-only chat, renew, cancel") {
  test_node node{"subscriptions", {"--test-clock"}};
  node.create_channel("lobby");
  auto admin = admin_token(node.data_dir.string());
  auto vera = sign_up(node, "vera");
  auto nate = sign_up(node, "nate");
  auto omar = sign_up(node, "omar");

  auto tiers = api_ok(node, "GET", "channels/lobby/subscription-tiers", "");
  CHECK(tiers["tiers"][1]["id"] == "premium");
  CHECK(tiers["tiers"][1]["price"] == 999);
  CHECK(api_step(node, "POST", "channels/lobby/subscriptions", "", {{"tier", "basic"}}).status ==
        401);
  CHECK(api_step(node, "POST", "channels/lobby/subscriptions", vera, {{"tier", "gold"}}).status ==
        400);
  CHECK(api_step(node, "GET", "channels/lobby/subscriptions", vera).status == 403);

  // Two viewers subscribe and pay with the sandbox's good card; one cancels at once.
  auto pay = [&](const std::string& token, const std::string& tier) {
    auto checkout = api_ok(node, "POST", "channels/lobby/subscriptions", token, {{"tier", tier}});
    auto cs = checkout["checkout"].get<std::string>();
    CHECK(checkout["url"] == "/pay/" + cs);
    api_ok(
      node, "POST", "payments/checkouts/" + cs + "/pay", token,
      {{"card_number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2040}, {"cvc", "123"}});
    return await_sub(node, token, [](const json& s) { return s["subscribed"] == true; });
  };
  auto s = pay(vera, "premium");
  REQUIRE(s["subscribed"] == true);
  CHECK(s["tier"] == 2);
  CHECK(s["months"] == 1);
  auto renews_at = s["renews_at_ms"].get<std::int64_t>();
  CHECK(
    api_step(node, "POST", "channels/lobby/subscriptions", vera, {{"tier", "premium"}}).status ==
    409);
  REQUIRE(pay(nate, "basic")["subscribed"] == true);
  auto canceled = api_ok(node, "POST", "channels/lobby/subscriptions/cancel", nate);
  CHECK(canceled["cancel_at_period_end"] == true);
  CHECK(canceled["subscribed"] == true);

  // Subscribers-only chat: the badge on a subscriber's line, a refusal for the other viewer.
  auto broadcaster = admin_chat(node, "lobby");
  REQUIRE(chat_command(*broadcaster, {{"type", "settings"}, {"subscribers_only", true}})["type"] ==
          "ok");
  auto vera_chat = user_chat(node, vera);
  auto nate_chat = user_chat(node, nate);
  auto omar_chat = user_chat(node, omar);
  CHECK(chat_command(*omar_chat, {{"type", "send"}, {"text", "let me in"}})["code"] ==
        "subscribers_only");
  REQUIRE(chat_command(*vera_chat, {{"type", "send"}, {"text", "hello subs"}})["type"] == "ok");
  auto line = broadcaster->next("msg");
  REQUIRE(line.is_object());
  CHECK(line["user"] == "vera");
  CHECK(line["badges"] == json{"subscriber/2/1"});

  // A gift to a random follower who is not subscribed: omar, the only one; the room sees it.
  api_ok(node, "POST", "channels/lobby/follow", omar);
  api_ok(node, "POST", "channels/lobby/follow", vera);  // subscribed: never drawn
  json gift;
  for (auto until = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(50ms)) {  // the follows read model catches up
    auto r = api_step(node, "POST", "channels/lobby/subscriptions/gift", vera,
                      {{"tier", "basic"}, {"count", 1}});
    if (r.status == 201) {
      gift = r.body;
      break;
    }
  }
  REQUIRE(gift.is_object());
  api_ok(
    node, "POST", "payments/checkouts/" + gift["checkout"].get<std::string>() + "/pay", vera,
    {{"card_number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2040}, {"cvc", "123"}});
  auto gifted = broadcaster->next("gift", 10s);
  REQUIRE(gifted.is_object());
  CHECK(gifted["from"] == "vera");
  CHECK(gifted["to"] == json{"omar"});
  CHECK(gifted["item"] == "sub");
  CHECK(await_sub(node, omar, [](const json& s) { return s["subscribed"] == true; })["gifted_by"] ==
        "vera");

  // 30 days on (the node's test clock): the saved card renews vera; nate's canceled one ends.
  // Sessions expire on that clock too, so the operator's list is read from here on.
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", period_s + 60}});
  json list;
  auto by_user = [&](const std::string& user) {
    for (auto& row : list["subscribers"])
      if (row["user"] == user)
        return row;
    return json{};
  };
  for (auto until = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(100ms)) {
    list = api_ok(node, "GET", "channels/lobby/subscriptions", admin);
    if (by_user("vera")["months"] == 2 && by_user("nate")["status"] == "ended" &&
        by_user("omar")["status"] == "ended")
      break;
  }
  CHECK(by_user("vera")["months"] == 2);
  CHECK(by_user("vera")["status"] == "active");
  CHECK(by_user("vera")["renews_at_ms"] == renews_at + period_s * 1000);
  CHECK(by_user("nate")["status"] == "ended");
  CHECK(by_user("nate")["end_reason"] == "canceled");
  CHECK(by_user("omar")["end_reason"] == "gift_ended");  // gifts do not renew
  CHECK(list["active"] == 1);
  CHECK(chat_command(*nate_chat, {{"type", "send"}, {"text", "still here?"}})["code"] ==
        "subscribers_only");
  CHECK(chat_command(*vera_chat, {{"type", "send"}, {"text", "renewed"}})["type"] == "ok");
}

}  // namespace subscriptions_suite
