// subscriptions/<channel> over a real registry and store, with a fake payment provider (kind
// "payments") and a manual clock: subscribe, fulfil once per payment, renew, fail into grace and
// end, cancel and resume, gifts to named and random users, reversals; and the chat room's use
// of it: badges, subscribers-only chat and sub emotes, remembered across a restart.
#include "actors/subscriptions/subscriptions.hpp"

#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/emotes/emotes.hpp"
#include "actors/payments/checkout.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/api_node.hpp"
#include "tests/actors/emotes/emote_images.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr std::int64_t day_ms = 24LL * 3600 * 1000;

// What the fake provider was asked, and how its charges answer.
struct fake_provider {
  std::mutex mutex;
  std::vector<json> checkouts;
  std::vector<json> charges;
  bool decline = false;
  int next = 0;
};

caf::behavior fake_payments(caf::event_based_actor* self, caf::actor registry,
                            std::shared_ptr<fake_provider> fake) {
  (void)self;
  return {
    [fake](checkout_create_atom, const std::string& text) -> std::string {
      std::lock_guard lock{fake->mutex};
      auto req = json::parse(text);
      fake->checkouts.push_back(req);
      auto cs = "cs_" + std::to_string(fake->checkouts.size());
      return json{{"checkout", cs}, {"url", "/pay/" + cs}, {"status", "open"}}.dump();
    },
    // Like payments: a successful charge is booked, then the seller is told.
    [fake, registry](payment_charge_atom, const std::string& text) -> std::string {
      std::lock_guard lock{fake->mutex};
      auto req = json::parse(text);
      fake->charges.push_back(req);
      if (fake->decline)
        return json{{"payment", nullptr}, {"status", "failed"}, {"code", "card_declined"}}.dump();
      auto pay = "pay_charge_" + std::to_string(++fake->next);
      json payment{{"payment", pay},
                   {"checkout", nullptr},
                   {"payer", req["payer"]},
                   {"product", "sub"},
                   {"channel", req["channel"]},
                   {"amount", req["amount"]},
                   {"metadata", req["metadata"]},
                   {"payment_method", req["payment_method"]}};
      entity_ref<subscriptions_protocol>{registry, req["fulfil"]["id"].get<std::string>()}.tell(
        payment_fulfil_atom::value, payment.dump());
      return json{{"payment", pay}, {"status", "succeeded"}}.dump();
    },
  };
}

class subs_fixture {
 public:
  subs_fixture() { start(); }
  ~subs_fixture() { stop(); }

  void restart() {
    stop();
    start();
  }

  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& kind, const std::string& id, Ts... xs) {
    return test::ask_entity<T>(self, registry, kind, id, std::move(xs)...);
  }
  json ask_json(const std::string& id, auto... xs) {
    auto text = ask<std::string>("subscriptions", id, xs...);
    REQUIRE_MESSAGE(text, (text ? "" : message_of(text.error())));
    return json::parse(*text);
  }
  caf::expected<json> checkout(json req) {
    auto text = ask<std::string>("subscriptions", "alice", sub_checkout_atom::value, req.dump());
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  json subscribe(const std::string& user, int tier) {
    auto answer = checkout({{"buyer", user}, {"owner", "alice"}, {"tier", tier}});
    REQUIRE(answer);
    return *answer;
  }
  // Pays the last checkout the way payments tells the seller.
  std::string pay_last(const std::string& payment) {
    json req;
    {
      std::lock_guard lock{fake->mutex};
      req = fake->checkouts.back();
    }
    json p{{"payment", payment},
           {"checkout", "cs_x"},
           {"payer", req["payer"]},
           {"product", req["product"]},
           {"channel", req["channel"]},
           {"amount", req["amount"]},
           {"metadata", req["metadata"]},
           {"payment_method", req["save_method"] == true ? json("pm_" + payment) : json(nullptr)}};
    auto answer = ask<std::string>("subscriptions", "alice", payment_fulfil_atom::value, p.dump());
    REQUIRE(answer);
    return *answer;
  }
  json status(const std::string& user) { return ask_json("alice", sub_status_atom::value, user); }
  // A tick, then a status read: the charge answer and the fulfilment the fake sends are in the
  // entity's mailbox before the read only after the round trips, so read until `done` holds.
  json tick_until(const std::string& user, const std::function<bool(const json&)>& done) {
    caf::anon_send(registry, route_atom::value, std::string{"subscriptions"}, std::string{"alice"},
                   caf::make_message(sub_tick_atom::value));
    json s;
    for (int i = 0; i < 200; ++i)
      if (done(s = status(user)))
        break;
    return s;
  }
  std::vector<json> charges() {
    std::lock_guard lock{fake->mutex};
    return fake->charges;
  }

  runtime::manual_clock clock{runtime::system_clock().now_ms()};
  std::shared_ptr<fake_provider> fake = std::make_shared<fake_provider>();
  std::unique_ptr<storage::event_store> store = storage::event_store::in_memory();
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;

 private:
  void start() {
    runtime::entity_kinds kinds;
    actors::node_env env;
    env.store = store.get();
    env.config = &config_;
    env.clock = &clock;
    for (auto& module : actors::all_modules())
      module->add_kinds(kinds, env);
    auto fake_state = fake;
    // The registry hands factories itself; the fake needs it to tell sellers.
    kinds.factories["payments"] = [fake_state](caf::actor_system& s, const caf::actor& reg,
                                               const std::string&) {
      return s.spawn(fake_payments, reg, fake_state);
    };
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
  }
  void stop() {
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
    registry = nullptr;
  }
  runtime::node_config config_;
};

}  // namespace

TEST_CASE("subscribe: a checkout of the tier, fulfilled once, active for 30 days") {
  subs_fixture f;
  auto tiers = f.ask_json("alice", sub_tiers_atom::value);
  CHECK(tiers["currency"] == "USD");
  CHECK(tiers["tiers"][0]["price"] == 499);
  CHECK(tiers["tiers"][2]["price"] == 2499);
  CHECK(tiers["tiers"][1]["id"] == "premium");

  auto answer = f.subscribe("bob", 2);
  CHECK(answer["checkout"] == "cs_1");
  CHECK(answer["url"] == "/pay/cs_1");
  auto req = f.fake->checkouts.back();
  CHECK(req["product"] == "sub");
  CHECK(req["amount"] == 999);
  CHECK(req["payer"] == "bob");
  CHECK(req["save_method"] == true);
  CHECK(req["fulfil"] == json{{"kind", "subscriptions"}, {"id", "alice"}});
  CHECK(req["metadata"]["tier"] == 2);
  CHECK(req["metadata"]["kind"] == "subscribe");
  CHECK(f.subscribe("bob", 2)["checkout"] == "cs_2");
  CHECK(f.fake->checkouts[1]["key"] == req["key"]);  // the same purchase: the same key

  CHECK(f.status("bob")["subscribed"] == false);
  CHECK(f.pay_last("pay_1") == "fulfilled");
  CHECK(f.pay_last("pay_1") == "already");  // payments repeats until answered
  auto s = f.status("bob");
  CHECK(s["subscribed"] == true);
  CHECK(s["tier"] == 2);
  CHECK(s["months"] == 1);
  CHECK(s["status"] == "active");
  CHECK(s["renews_at_ms"] == f.clock.now_ms() + 30 * day_ms);

  auto again = f.checkout({{"buyer", "bob"}, {"tier", 2}});
  REQUIRE_FALSE(again);
  CHECK(code_of(again.error()) == errc::conflict);
  auto lower = f.checkout({{"buyer", "bob"}, {"tier", 1}});
  REQUIRE_FALSE(lower);
  CHECK(code_of(lower.error()) == errc::conflict);

  // An upgrade: the higher tier's price, a new period from now, one more month.
  f.clock.advance(std::chrono::milliseconds(10 * day_ms));
  f.subscribe("bob", 3);
  CHECK(f.fake->checkouts.back()["amount"] == 2499);
  CHECK(f.fake->checkouts.back()["metadata"]["kind"] == "upgrade");
  CHECK(f.pay_last("pay_up") == "fulfilled");
  s = f.status("bob");
  CHECK(s["tier"] == 3);
  CHECK(s["months"] == 2);
  CHECK(s["renews_at_ms"] == f.clock.now_ms() + 30 * day_ms);

  // The owner reprices and disables; a disabled tier is not sold.
  auto set = f.ask_json("alice", sub_tiers_set_atom::value,
                        std::string{R"({"tiers":[{"tier":"vip","price":1999,"enabled":false}]})"},
                        std::string{"alice"});
  CHECK(set["tiers"][2]["price"] == 1999);
  CHECK(set["tiers"][2]["enabled"] == false);
  auto refused = f.checkout({{"buyer", "carol"}, {"tier", 3}});
  REQUIRE_FALSE(refused);
  CHECK(code_of(refused.error()) == errc::invalid_argument);
  CHECK_FALSE(f.ask<std::string>("subscriptions", "alice", sub_tiers_set_atom::value,
                                 std::string{R"({"tiers":[{"tier":1,"price":5}]})"},
                                 std::string{"alice"}));
  f.restart();
  CHECK(f.status("bob")["months"] == 2);
  CHECK(f.ask_json("alice", sub_tiers_atom::value)["tiers"][2]["price"] == 1999);
}

TEST_CASE("renewal: charged once per period with the saved card; failures give 3 days of grace") {
  subs_fixture f;
  f.subscribe("bob", 1);
  f.pay_last("pay_1");
  f.clock.advance(std::chrono::milliseconds(29 * day_ms));
  f.tick_until("bob", [](const json&) { return true; });
  CHECK(f.charges().empty());  // not due yet

  f.clock.advance(std::chrono::milliseconds(day_ms));
  auto s = f.tick_until("bob", [](const json& s) { return s["months"] == 2; });
  CHECK(s["months"] == 2);
  CHECK(s["status"] == "active");
  CHECK(s["renews_at_ms"] == f.clock.now_ms() + 30 * day_ms);
  REQUIRE(f.charges().size() == 1);
  CHECK(f.charges()[0]["key"] == "renew:alice:bob:2");
  CHECK(f.charges()[0]["payment_method"] == "pm_pay_1");
  CHECK(f.charges()[0]["amount"] == 499);

  // The next period's charge is declined: past due, still subscribed, retried a day later.
  f.fake->decline = true;
  f.clock.advance(std::chrono::milliseconds(30 * day_ms));
  s = f.tick_until("bob", [](const json& s) { return s["status"] == "past_due"; });
  CHECK(s["status"] == "past_due");
  CHECK(s["subscribed"] == true);
  CHECK(s["ends_at_ms"] == f.clock.now_ms() + 3 * day_ms);
  f.tick_until("bob", [](const json&) { return true; });
  CHECK(f.charges().size() == 2);  // no retry before a day has passed
  f.clock.advance(std::chrono::milliseconds(day_ms));
  f.tick_until("bob", [&](const json&) { return f.charges().size() == 3; });
  REQUIRE(f.charges().size() == 3);
  CHECK(f.charges()[2]["key"] == "renew:alice:bob:3:1");
  f.clock.advance(std::chrono::milliseconds(2 * day_ms));
  s = f.tick_until("bob", [](const json& s) { return s["status"] == "ended"; });
  CHECK(s["status"] == "ended");
  CHECK(s["subscribed"] == false);
  CHECK(s["end_reason"] == "payment_failed");
}

TEST_CASE("a retried renewal after a decline that then succeeds keeps the subscription") {
  subs_fixture f;
  f.subscribe("bob", 1);
  f.pay_last("pay_1");
  f.fake->decline = true;
  f.clock.advance(std::chrono::milliseconds(30 * day_ms));
  f.tick_until("bob", [](const json& s) { return s["status"] == "past_due"; });
  f.fake->decline = false;
  f.clock.advance(std::chrono::milliseconds(day_ms));
  auto s = f.tick_until("bob", [](const json& s) { return s["months"] == 2; });
  CHECK(s["status"] == "active");
  CHECK(s["months"] == 2);
}

TEST_CASE("cancel ends at the period's end without a charge; resume keeps renewing") {
  subs_fixture f;
  f.subscribe("bob", 1);
  f.pay_last("pay_1");
  f.subscribe("carol", 1);
  f.pay_last("pay_2");
  auto canceled = f.ask_json("alice", sub_cancel_atom::value, std::string{"bob"}, true);
  CHECK(canceled["cancel_at_period_end"] == true);
  CHECK(canceled["renews_at_ms"].is_null());
  CHECK(canceled["ends_at_ms"] == f.clock.now_ms() + 30 * day_ms);
  f.ask_json("alice", sub_cancel_atom::value, std::string{"carol"}, true);
  auto resumed = f.ask_json("alice", sub_cancel_atom::value, std::string{"carol"}, false);
  CHECK(resumed["cancel_at_period_end"] == false);
  CHECK_FALSE(f.ask<std::string>("subscriptions", "alice", sub_cancel_atom::value,
                                 std::string{"dave"}, true));
  f.clock.advance(std::chrono::milliseconds(30 * day_ms));
  auto s = f.tick_until("carol", [](const json& s) { return s["months"] == 2; });
  CHECK(s["months"] == 2);
  auto bob = f.status("bob");
  CHECK(bob["status"] == "ended");
  CHECK(bob["end_reason"] == "canceled");
  REQUIRE(f.charges().size() == 1);
  CHECK(f.charges()[0]["payer"] == "carol");
}

TEST_CASE("gifts: named recipients or random followers who are not subscribed; no renewal") {
  subs_fixture f;
  REQUIRE(f.ask<std::string>("channel", "alice", create_atom::value,
                             runtime::principal::user("alice"), std::string{"Alice"}));
  caf::scoped_actor viewer{f.sys};
  REQUIRE(test::ask_entity<std::string>(viewer, f.registry, "chat", "alice", chat_sub_atom::value,
                                        caf::actor{viewer}));
  auto named = f.checkout({{"buyer", "bob"},
                           {"owner", "alice"},
                           {"tier", 1},
                           {"kind", "gift"},
                           {"recipients", {"carol", "dave"}}});
  REQUIRE(named);
  CHECK(f.fake->checkouts.back()["amount"] == 2 * 499);
  CHECK(f.fake->checkouts.back()["save_method"] == false);
  CHECK_FALSE(
    f.checkout({{"buyer", "bob"}, {"tier", 1}, {"kind", "gift"}, {"recipients", {"bob"}}}));
  f.pay_last("pay_g1");
  json frame;
  for (bool waiting = true; waiting && frame.is_null();)
    viewer->receive(
      [&](chat_deliver_atom, const std::string& text) {
        if (auto j = json::parse(text); j["type"] == "gift")
          frame = j;
      },
      caf::after(5s) >> [&] { waiting = false; });
  CHECK(frame["from"] == "bob");
  CHECK(frame["to"] == json{"carol", "dave"});
  CHECK(frame["item"] == "sub");
  CHECK(frame["detail"]["tier"] == 1);
  auto carol = f.status("carol");
  CHECK(carol["subscribed"] == true);
  CHECK(carol["gifted_by"] == "bob");

  // Random: among the followers read at checkout, those subscribed (carol) never drawn first.
  f.subscribe("erin", 1);
  f.pay_last("pay_e");
  auto random = f.checkout({{"buyer", "bob"},
                            {"tier", 2},
                            {"kind", "gift"},
                            {"count", 2},
                            {"candidates", {"carol", "frank", "bob", "gina", "erin"}}});
  REQUIRE(random);
  CHECK(f.fake->checkouts.back()["metadata"]["candidates"] == json{"frank", "gina"});
  CHECK_FALSE(f.checkout(
    {{"buyer", "bob"}, {"tier", 2}, {"kind", "gift"}, {"count", 3}, {"candidates", {"frank"}}}));
  f.pay_last("pay_g2");
  CHECK(f.status("frank")["tier"] == 2);
  CHECK(f.status("gina")["subscribed"] == true);

  // Gifts end with their period; the paid subscription renews.
  f.clock.advance(std::chrono::milliseconds(30 * day_ms));
  auto erin = f.tick_until("erin", [](const json& s) { return s["months"] == 2; });
  CHECK(erin["months"] == 2);
  CHECK(f.status("carol")["end_reason"] == "gift_ended");
  CHECK(f.status("frank")["status"] == "ended");
  CHECK(f.charges().size() == 1);
}

TEST_CASE("a refund or lost dispute ends what the payment paid for at once") {
  subs_fixture f;
  f.subscribe("bob", 1);
  f.pay_last("pay_1");
  f.checkout({{"buyer", "bob"}, {"tier", 1}, {"kind", "gift"}, {"recipients", {"carol"}}});
  f.pay_last("pay_2");
  CHECK(f.ask<std::string>("subscriptions", "alice", payment_reversed_atom::value,
                           json{{"payment", "pay_2"}, {"reason", "dispute_lost"}}.dump()));
  CHECK(f.status("carol")["end_reason"] == "dispute_lost");
  CHECK(f.status("bob")["subscribed"] == true);
  CHECK(f.ask<std::string>("subscriptions", "alice", payment_reversed_atom::value,
                           json{{"payment", "pay_1"}, {"reason", "refund"}}.dump()));
  CHECK(f.status("bob")["status"] == "ended");
  auto list = f.ask_json("alice", sub_list_atom::value);
  CHECK(list["subscribers"].size() == 2);
  CHECK(list["active"] == 0);
}

TEST_CASE("chat: the badge, subscribers-only chat and sub emotes follow the subscription") {
  subs_fixture f;
  REQUIRE(f.ask<std::string>("channel", "alice", create_atom::value,
                             runtime::principal::user("alice"), std::string{"Alice"}));
  auto send = [&](const std::string& user, const std::string& text) {
    return f.ask<chat_ack>("chat", "alice", chat_send_atom::value, runtime::principal::user(user),
                           text);
  };
  chat_settings_patch subs_only;
  subs_only.subscribers_only = 1;
  REQUIRE(f.ask<chat_ack>("chat", "alice", chat_set_atom::value, runtime::principal::user("alice"),
                          subs_only));
  auto refused = send("bob", "hello");
  REQUIRE_FALSE(refused);
  CHECK(reason_of(refused.error()) == "subscribers_only");
  CHECK(code_of(refused.error()) == errc::forbidden);
  CHECK(send("alice", "the broadcaster may"));

  f.subscribe("bob", 2);
  f.pay_last("pay_1");
  caf::expected<chat_ack> sent = caf::error{};
  for (int i = 0; i < 100 && !sent; ++i)  // the room hears it asynchronously
    sent = send("bob", "hello");
  REQUIRE(sent);
  auto history = json::parse(*f.ask<std::string>("chat", "alice", chat_hist_atom::value));
  CHECK(history["messages"].back()["badges"] == json{"subscriber/2/1"});

  // A tier-3 emote is locked for bob's tier 2; a tier-2 one is not.
  REQUIRE(f.ask<std::string>("emotes", "alice", emote_add_atom::value, std::string{"aethexVip"},
                             test::png(56, 56), std::string{"alice"}));
  REQUIRE(f.ask<std::string>("emotes", "alice", emote_add_atom::value, std::string{"aethexTwo"},
                             test::png(28, 28), std::string{"alice"}));
  auto tiered = f.ask<std::string>("emotes", "alice", emote_tier_atom::value,
                                   std::string{"aethexVip"}, std::int32_t{3}, std::string{"alice"});
  REQUIRE(tiered);
  CHECK(json::parse(*tiered)["tier"] == 3);
  REQUIRE(f.ask<std::string>("emotes", "alice", emote_tier_atom::value, std::string{"aethexTwo"},
                             std::int32_t{2}, std::string{"alice"}));
  caf::expected<chat_ack> locked = chat_ack{};
  for (int i = 0; i < 100 && locked; ++i)
    locked = send("bob", "look :aethexVip:");
  REQUIRE_FALSE(locked);
  CHECK(reason_of(locked.error()) == "emote_locked");
  CHECK(message_of(locked.error()).find(":aethexVip:") != std::string::npos);
  CHECK(send("bob", ":aethexTwo:"));
  CHECK(send("alice", ":aethexVip:"));

  f.restart();  // the room keeps what it was told
  CHECK(send("bob", "still here :aethexTwo:"));
  CHECK_FALSE(send("carol", "hi"));
  CHECK_FALSE(send("bob", ":aethexVip:"));

  // A refund ends the subscription: the room hears tier 0.
  f.ask<std::string>("subscriptions", "alice", payment_reversed_atom::value,
                     json{{"payment", "pay_1"}, {"reason", "refund"}}.dump());
  caf::expected<chat_ack> after = chat_ack{};
  for (int i = 0; i < 100 && after; ++i)
    after = send("bob", "gone?");
  REQUIRE_FALSE(after);
  CHECK(reason_of(after.error()) == "subscribers_only");
}

TEST_CASE("routes: who may subscribe, gift, edit tiers and read the list") {
  using enum http_method;
  test::api_node node{{"subscriptions", "channel", "chat"}, {}};
  auto alice = runtime::principal::user("alice");
  auto bob = runtime::principal::user("bob");
  auto eve = runtime::principal::user("eve");
  REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                std::string{"Alice"}));
  REQUIRE(node.ask<chat_ack>("chat", "alice", chat_mod_atom::value, alice,
                             chat_command{"editor", "eve", 0}));
  const std::string subs = "channels/alice/subscriptions";
  CHECK(node.call(get, "channels/alice/subscription-tiers", runtime::principal::anonymous())
          .body["tiers"]
          .size() == 3);
  CHECK(node.call(post, subs, runtime::principal::anonymous(), {{"tier", "basic"}}).error ==
        errc::unauthorized);
  CHECK(node.call(post, subs, alice, {{"tier", "basic"}}).error == errc::forbidden);
  CHECK(node.call(post, subs, bob, {{"tier", "gold"}}).error == errc::invalid_argument);
  CHECK(node.call(post, subs, bob, {{"tier", "basic"}, {"extra", 1}}).error ==
        errc::invalid_argument);
  CHECK(node.call(post, "channels/nosuch/subscriptions", bob, {{"tier", 1}}).error ==
        errc::not_found);
  CHECK(node.call(post, subs + "/gift", bob, {{"tier", 1}, {"recipients", {"ghost"}}}).error ==
        errc::invalid_argument);  // no such account
  CHECK(node.call(post, subs + "/gift", bob, {{"tier", 1}, {"count", 101}}).error ==
        errc::invalid_argument);
  CHECK(node.call(post, subs + "/gift", bob, {{"tier", 1}, {"count", 2}}).error ==
        errc::conflict);  // no followers to draw from
  CHECK(node.call(post, subs + "/cancel", bob).error == errc::not_found);
  CHECK(node.call(get, subs + "/me", bob).body["status"] == "none");

  json reprice{{"tiers", {{{"tier", "basic"}, {"price", 599}}}}};
  CHECK(node.call(put, "channels/alice/subscription-tiers", bob, reprice).error == errc::forbidden);
  CHECK(
    node.call(put, "channels/alice/subscription-tiers", eve, reprice).body["tiers"][0]["price"] ==
    599);
  CHECK(node.call(get, subs, bob).error == errc::forbidden);
  CHECK(node.call(get, subs, eve).body["subscribers"].empty());
  CHECK(node.call(get, subs, runtime::principal::admin()).status == 200);
}

TEST_CASE("a snapshot keeps subscribers, saved cards and applied payments across a restart") {
  subs_fixture f;
  f.subscribe("bob", 3);
  f.pay_last("pay_1");
  f.ask_json("alice", sub_tiers_set_atom::value,
             std::string{R"({"tiers":[{"tier":3,"price":1999}]})"}, std::string{"alice"});
  for (int i = 0; i < 300; ++i)  // past the snapshot interval
    f.ask_json("alice", sub_cancel_atom::value, std::string{"bob"}, i % 2 == 0);
  f.restart();
  CHECK(f.pay_last("pay_1") == "already");
  auto s = f.status("bob");
  CHECK(s["months"] == 1);
  CHECK(s["tier"] == 3);
  CHECK(s["cancel_at_period_end"] == false);
  f.clock.advance(std::chrono::milliseconds(30 * day_ms));
  s = f.tick_until("bob", [](const json& s) { return s["months"] == 2; });
  CHECK(s["months"] == 2);
  REQUIRE(f.charges().size() == 1);
  CHECK(f.charges()[0]["payment_method"] == "pm_pay_1");
  CHECK(f.charges()[0]["amount"] == 1999);
}
