// Tips end to end on one node with the sandbox provider: a viewer tips over REST, pays the
// checkout with the sandbox's good card, a chat reader of the room gets the tip frame, the
// campaign counts it, the ledger holds the creator's share as pending earnings, and a refund
// takes it out of the campaign. Then a gift bundle of channel points for another viewer.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST_CASE("tips: checkout, pay, alert frame, campaign, pending earnings") {
  test_node node{"tips"};
  node.create_channel("lobby");
  auto admin = admin_token(node.data_dir.string());
  auto viewer = api_ok(node, "POST", "auth/signup", "",
                       {{"username", "tipper"}, {"password", "tipper-pass-1"}})["token"]
                  .get<std::string>();
  chat_client reader{node.http_port};
  reader.guest_join("watcher", "lobby");

  api_ok(node, "POST", "channels/lobby/campaign", admin, {{"title", "New mic"}, {"goal", 10000}});
  CHECK(reader.next("campaign")["status"] == "active");

  // Refusals: signed out, too small, too long a message, an unknown channel.
  CHECK(api_step(node, "POST", "channels/lobby/tips", "", {{"amount", 500}}).status == 401);
  CHECK(api_step(node, "POST", "channels/lobby/tips", viewer, {{"amount", 99}}).status == 400);
  CHECK(api_step(node, "POST", "channels/lobby/tips", viewer,
                 {{"amount", 500}, {"message", std::string(301, 'a')}})
          .status == 400);
  CHECK(api_step(node, "POST", "channels/nobody_here/tips", viewer, {{"amount", 500}}).status ==
        404);

  auto checkout = api_ok(node, "POST", "channels/lobby/tips", viewer,
                         {{"amount", 500}, {"message", "love the stream"}, {"anonymous", false}});
  auto cs = checkout["checkout"].get<std::string>();
  CHECK(checkout["url"] == "/pay/" + cs);
  api_ok(
    node, "POST", "payments/checkouts/" + cs + "/pay", viewer,
    {{"card_number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2040}, {"cvc", "123"}});

  auto tip = reader.next("tip", 10s);
  REQUIRE(tip.is_object());
  CHECK(tip["from"] == "tipper");
  CHECK(tip["amount"] == 500);
  CHECK(tip["message"] == "love the stream");
  CHECK(tip["tts"] == true);  // 5.00 reaches the default TTS minimum of 3.00
  CHECK(reader.next("campaign", 10s)["raised"] == 500);

  // The creator's list names the tipper; the public list too (not anonymous).
  auto list = api_ok(node, "GET", "channels/lobby/tips", admin);
  REQUIRE(list["tips"].size() == 1);
  CHECK(list["tips"][0]["status"] == "paid");
  CHECK(api_step(node, "GET", "channels/lobby/tips", viewer).status == 403);
  CHECK(api_ok(node, "GET", "channels/lobby/campaign", "")["raised"] == 500);

  // The money: the creator's share is held (pending) in the ledger.
  auto earnings = api_ok(node, "GET", "admin/ledger/accounts/channel:lobby:earnings", admin);
  CHECK(earnings["credits_pending"].get<std::int64_t>() > 0);
  CHECK(earnings["credits_pending"].get<std::int64_t>() <= 500);

  // Settings: the broadcaster's and editors' alone.
  CHECK(api_step(node, "PUT", "channels/lobby/tips/settings", viewer, {{"tts_min", 1000}}).status ==
        403);
  CHECK(api_ok(node, "PUT", "channels/lobby/tips/settings", admin,
               {{"tts_min", 1000}, {"alert_duration_s", 5}})["tts_min"] == 1000);
  CHECK(api_ok(node, "GET", "channels/lobby/tips/settings", "")["alert_duration_s"] == 5);

  // A refund takes the tip out of the campaign.
  api_ok(node, "POST", "admin/payments/" + tip["id"].get<std::string>() + "/refund", admin);
  CHECK(reader.next("campaign", 10s)["raised"] == 0);
  CHECK(api_ok(node, "GET", "channels/lobby/tips", admin)["tips"][0]["status"] == "refunded");

  // A gift bundle of 1000 channel points for another viewer, credited once paid.
  auto friend_token = api_ok(node, "POST", "auth/signup", "",
                             {{"username", "pal"}, {"password", "pal-pass-12"}})["token"]
                        .get<std::string>();
  CHECK(api_step(node, "POST", "channels/lobby/gifts", viewer,
                 {{"item", "emote"}, {"to", "pal"}, {"code", "lobbyNope"}})
          .status == 400);  // the channel has no such emote
  auto gift = api_ok(node, "POST", "channels/lobby/gifts", viewer,
                     {{"item", "points"}, {"to", "pal"}, {"points", 1000}});
  api_ok(
    node, "POST", "payments/checkouts/" + gift["checkout"].get<std::string>() + "/pay", viewer,
    {{"card_number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2040}, {"cvc", "123"}});
  auto frame = reader.next("gift", 10s);
  REQUIRE(frame.is_object());
  CHECK(frame["to"] == json::array({"pal"}));
  CHECK(frame["detail"]["points"] == 1000);
  CHECK(eventually(
    [&] {
      return api_ok(node, "GET", "channels/lobby/points/me", friend_token)["balance"] == 1000;
    },
    5s));
}
