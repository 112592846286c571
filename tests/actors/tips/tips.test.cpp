// tips/<channel> as payments drives it: fulfilments (repeated, as payments repeats them), the
// frames the chat room's viewers get, the channel's AutoMod hiding a tip's message, the TTS
// threshold, campaigns ending by goal and by date on the injected clock, reversal, and gift
// bundles crediting channel points through engagement/<channel>.
#include "actors/tips/tips.hpp"

#include <doctest/doctest.h>

#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/engagement/engagement.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct tips_fixture {
  test::entity_fixture f{{.manual_clock = true}};
  caf::scoped_actor viewer{f.sys};

  tips_fixture() {
    REQUIRE(f.ask<std::string>("channel", "alice", create_atom::value,
                               runtime::principal::user("alice"), std::string{"Alice"}));
    REQUIRE(test::ask_entity<std::string>(viewer, f.registry, "chat", "alice", chat_sub_atom::value,
                                          caf::actor{viewer}));
  }

  json ask(auto... xs) {
    auto text = f.ask<std::string>("tips", "alice", xs...);
    REQUIRE(text);
    return json::parse(*text);
  }
  json tip(const std::string& payment, std::int64_t amount, const std::string& message,
           bool anonymous = false) {
    json p{{"payment", payment},
           {"checkout", "cs_" + payment},
           {"provider", "sandbox"},
           {"product", "tip"},
           {"channel", "alice"},
           {"payer", "bob"},
           {"amount", amount},
           {"currency", "USD"},
           {"metadata", {{"message", message}, {"anonymous", anonymous}}}};
    return ask(payment_fulfil_atom::value, p.dump());
  }
  json gift(const std::string& payment, const std::string& item, json detail) {
    json p{{"payment", payment},
           {"product", "gift"},
           {"channel", "alice"},
           {"payer", "bob"},
           {"amount", 100},
           {"currency", "USD"},
           {"metadata", {{"item", item}, {"to", "carol"}, {"detail", detail}}}};
    return ask(payment_fulfil_atom::value, p.dump());
  }
  // The next frame of `type` the room's viewers get (null after 5 s without one).
  json next_frame(const std::string& type) {
    json frame;
    for (bool waiting = true; waiting && frame.is_null();)
      viewer->receive(
        [&](chat_deliver_atom, const std::string& text) {
          auto j = json::parse(text);
          if (j["type"] == type)
            frame = j;
        },
        caf::after(5s) >> [&] { waiting = false; });
    return frame;
  }
};

}  // namespace

TEST_CASE("a tip is recorded once per payment and alerts the room; TTS from the minimum on") {
  tips_fixture t;
  CHECK(t.tip("pay_1", 500, "great stream")["tip"] == "pay_1");
  auto frame = t.next_frame("tip");
  REQUIRE(frame.is_object());
  CHECK(frame["from"] == "bob");
  CHECK(frame["amount"] == 500);
  CHECK(frame["currency"] == "USD");
  CHECK(frame["message"] == "great stream");
  CHECK(frame["tts"] == true);  // 5.00 >= the default 3.00

  CHECK(t.tip("pay_1", 500, "great stream")["duplicate"] == true);  // payments repeats itself
  CHECK(t.ask(tips_list_atom::value, std::uint32_t{50})["tips"].size() == 1);

  CHECK(t.tip("pay_2", 200, "small one", true)["tip"] == "pay_2");
  frame = t.next_frame("tip");
  CHECK(frame["from"].is_null());  // anonymous on stream; the creator's list still names bob
  CHECK(frame["tts"] == false);    // below the TTS minimum
  auto list = t.ask(tips_list_atom::value, std::uint32_t{50})["tips"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["id"] == "pay_2");  // newest first
  CHECK(list[0]["from"] == "bob");
  CHECK(t.ask(tips_recent_atom::value)["tips"][0]["from"].is_null());

  // Settings: a higher TTS minimum, alerts off (no frame, the tip still counts).
  auto bad = t.f.ask<std::string>("tips", "alice", tips_configure_atom::value,
                                  std::string{R"({"tts_min": 5})"});
  REQUIRE_FALSE(bad);
  CHECK(code_of(bad.error()) == errc::invalid_argument);
  CHECK(t.ask(tips_configure_atom::value,
              std::string{R"({"tts_min": 1000, "min_amount": 300})"})["tts_min"] == 1000);
  t.tip("pay_3", 500, "no tts now");
  CHECK(t.next_frame("tip")["tts"] == false);
  auto low = t.f.ask<std::string>("tips", "alice", tips_prepare_atom::value, std::string{"bob"},
                                  std::string{R"({"amount": 200})"});
  REQUIRE_FALSE(low);  // under the channel's minimum
  auto request = t.ask(tips_prepare_atom::value, std::string{"bob"},
                       std::string{R"({"amount": 300, "message": "hi"})"});
  CHECK(request["product"] == "tip");
  CHECK(request["fulfil"] == json{{"kind", "tips"}, {"id", "alice"}});
  CHECK(request["metadata"]["message"] == "hi");
  t.f.restart();  // all of it comes back from the journal
  CHECK(t.ask(tips_list_atom::value, std::uint32_t{1})["tips"][0]["id"] == "pay_3");
  CHECK(t.ask(tips_settings_atom::value)["tts_min"] == 1000);
}

TEST_CASE("a message the channel's AutoMod would hold is not shown; the amount and name are") {
  tips_fixture t;
  chat_settings_patch strict;
  strict.automod_level = 4;
  REQUIRE(t.f.ask<chat_ack>("chat", "alice", chat_set_atom::value,
                            runtime::principal::user("alice"), strict));
  t.tip("pay_1", 1000, "what the fuck");
  auto frame = t.next_frame("tip");
  CHECK(frame["from"] == "bob");
  CHECK(frame["amount"] == 1000);
  CHECK(frame["message"].is_null());
  CHECK(frame["tts"] == false);  // nothing to speak
  auto mine = t.ask(tips_list_atom::value, std::uint32_t{50})["tips"][0];
  CHECK(mine["message"] == "what the fuck");  // the creator still reads it
  CHECK(mine["message_shown"] == false);
  t.tip("pay_2", 1000, "love this");
  CHECK(t.next_frame("tip")["message"] == "love this");
}

TEST_CASE("a campaign counts tips, ends at its goal or its date, and gives back refunds") {
  tips_fixture t;
  auto start = [&](std::int64_t goal, std::int64_t ends) {
    json body{{"title", "New camera"}, {"goal", goal}};
    if (ends)
      body["ends_at_ms"] = ends;
    return t.f.ask<std::string>("tips", "alice", tips_campaign_start_atom::value, body.dump());
  };
  REQUIRE(start(1000, 0));
  CHECK(t.next_frame("campaign")["status"] == "active");
  auto twice = start(500, 0);
  REQUIRE_FALSE(twice);
  CHECK(code_of(twice.error()) == errc::conflict);

  t.tip("pay_1", 600, "");
  CHECK(t.next_frame("campaign")["raised"] == 600);
  CHECK(t.ask(payment_reversed_atom::value,
              json{{"payment", "pay_1"}, {"reason", "refund"}}.dump())["reversed"] == "pay_1");
  CHECK(t.next_frame("campaign")["raised"] == 0);
  CHECK(t.ask(tips_list_atom::value, std::uint32_t{1})["tips"][0]["status"] == "refunded");
  t.tip("pay_2", 1000, "");
  auto reached = t.next_frame("campaign");
  CHECK(reached["raised"] == 1000);
  CHECK(reached["status"] == "reached");

  // By date, on the injected clock.
  REQUIRE(start(100000, t.f.clock.now_ms() + 3'600'000));
  t.tip("pay_3", 500, "");
  t.f.clock.advance(2h);
  auto ended = t.ask(tips_tick_atom::value);
  CHECK(ended["status"] == "ended");
  CHECK(ended["raised"] == 500);
  t.tip("pay_4", 500, "");  // after the end: not counted
  CHECK(t.ask(tips_campaign_atom::value)["raised"] == 500);
  t.f.restart();
  CHECK(t.ask(tips_campaign_atom::value)["raised"] == 500);
}

TEST_CASE("gift bundles: points are credited once through engagement, cosmetics are listed") {
  tips_fixture t;
  CHECK(t.gift("pay_g1", "points", {{"points", 1000}})["gift"] == "pay_g1");
  auto frame = t.next_frame("gift");
  CHECK(frame["from"] == "bob");
  CHECK(frame["to"] == json::array({"carol"}));
  CHECK(frame["item"] == "points");
  CHECK(t.gift("pay_g1", "points", {{"points", 1000}})["duplicate"] == true);
  auto me = t.f.ask<std::string>("engagement", "alice", points_me_atom::value,
                                 std::string{"carol"});
  REQUIRE(me);
  CHECK(json::parse(*me)["balance"] == 1000);

  t.gift("pay_g2", "badge", {{"badge", "heart"}});
  auto gifts = t.ask(tips_gifts_of_atom::value, std::string{"carol"})["gifts"];
  REQUIRE(gifts.size() == 1);  // points are a balance, not a cosmetic
  CHECK(gifts[0]["detail"]["badge"] == "heart");
  t.ask(payment_reversed_atom::value, json{{"payment", "pay_g2"}}.dump());
  CHECK(t.ask(tips_gifts_of_atom::value, std::string{"carol"})["gifts"].empty());

  auto bad = t.f.ask<std::string>("tips", "alice", tips_gift_prepare_atom::value,
                                  std::string{"bob"},
                                  std::string{R"({"item": "points", "to": "carol", "points": 7})"});
  REQUIRE_FALSE(bad);
  auto ok = t.ask(tips_gift_prepare_atom::value, std::string{"bob"},
                  std::string{R"({"item": "points", "to": "carol", "points": 5000})"});
  CHECK(ok["amount"] == 500);
  CHECK(ok["product"] == "gift");
}
