// engagement/<channel> over a real registry and store with a manual clock: the points protocol
// the polls use, watch-time earning and the bonus, the first-follow bonus, a prediction's window
// lock and payout, cancel refunds, the hype train through the entity, concurrent redemptions that
// never overdraw, and the ledger invariant under random interleavings, across restarts.
#include "actors/engagement/engagement.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct engagement_fixture {
  test::entity_fixture f{{.manual_clock = true}};
  std::string channel = "ava";

  template <class... Ts>
  caf::expected<json> ask(Ts... xs) {
    auto text = f.ask<std::string>("engagement", channel, xs...);
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  template <class... Ts>
  void tell(Ts... xs) {
    f.self->send(f.registry, route_atom::value, std::string{"engagement"}, channel,
                 caf::make_message(xs...));
  }
  json me(const std::string& user) { return *ask(points_me_atom::value, user); }
  std::int64_t balance(const std::string& user) { return me(user)["balance"].get<std::int64_t>(); }
  caf::expected<std::int64_t> spend(const std::string& user, std::int64_t points) {
    return f.ask<std::int64_t>("engagement", channel, points_spend_atom::value, user, points,
                               std::string{"poll"});
  }
  void follow(const std::string& user) { tell(points_follow_atom::value, user); }
  void raid(const std::string& user, const std::string& id) {
    tell(points_raid_atom::value, user, id);
  }
  json tick() { return *ask(engagement_tick_atom::value); }
  // Every balance ≥ 0 and nothing created or lost: sum(balances) + held == minted − burned.
  void check_ledger() {
    auto s = tick();
    REQUIRE(s["lowest_balance"].get<std::int64_t>() >= 0);
    REQUIRE(s["balances"].get<std::int64_t>() + s["held"].get<std::int64_t>() ==
            s["minted"].get<std::int64_t>() - s["burned"].get<std::int64_t>());
  }
  caf::expected<json> create_prediction(std::vector<std::string> outcomes, int window_s = 60) {
    return ask(prediction_create_atom::value,
               json{{"title", "Who wins?"}, {"outcomes", outcomes}, {"window_s", window_s}}.dump());
  }
  caf::expected<json> stake(const std::string& user, std::int64_t outcome, std::int64_t points) {
    return ask(prediction_stake_atom::value, user, outcome, points);
  }
};

}  // namespace

TEST_CASE("the polls' points protocol: spend refuses an overdraw, refund gives back exactly") {
  engagement_fixture e;
  auto none = e.spend("bo", 1);
  REQUIRE_FALSE(none);
  CHECK(code_of(none.error()) == errc::conflict);
  CHECK(message_of(none.error()) == "not enough channel points");
  e.follow("bo");
  CHECK(e.balance("bo") == 300);
  CHECK(*e.spend("bo", 120) == 180);
  CHECK(code_of(e.spend("bo", 181).error()) == errc::conflict);
  CHECK(code_of(e.spend("bo", 0).error()) == errc::invalid_argument);
  CHECK(*e.f.ask<std::int64_t>("engagement", "ava", points_refund_atom::value, std::string{"bo"},
                               std::int64_t{120}, std::string{"poll"}) == 300);
  e.follow("bo");  // the first follow pays once ever
  CHECK(e.balance("bo") == 300);
  e.raid("bo", "cid@1");
  e.raid("bo", "cid@1");
  CHECK(e.balance("bo") == 550);
  e.check_ledger();
}

TEST_CASE("watch time earns 10 points per 5 minutes of real time between beats; the bonus") {
  engagement_fixture e;
  // A beat is told, as the watch route tells it; the answer to the next ask means it was taken
  // (before the test moves the clock again).
  auto beat = [&] {
    e.tell(points_watch_atom::value, std::string{"vi"}, std::int64_t{45});
    e.me("vi");
  };
  beat();  // the first beat starts the clock: nothing yet

  for (int i = 0; i < 10; ++i) {
    e.f.clock.advance(30s);
    beat();
  }
  CHECK(e.me("vi") == json{{"balance", 10}, {"claim_available", false}, {"watch_s", 300}});
  // Beats faster than real time credit only the real time between them.
  for (int i = 0; i < 50; ++i)
    beat();
  CHECK(e.me("vi")["watch_s"] == 300);
  // A silence longer than one beat's gap credits nothing.
  e.f.clock.advance(10min);
  beat();
  CHECK(e.me("vi")["watch_s"] == 300);
  for (int i = 0; i < 20; ++i) {
    e.f.clock.advance(30s);
    beat();
  }
  CHECK(e.me("vi") == json{{"balance", 30}, {"claim_available", true}, {"watch_s", 900}});
  auto claimed = e.ask(points_claim_atom::value, std::string{"vi"});
  REQUIRE(claimed);
  CHECK((*claimed)["balance"] == 80);
  CHECK((*claimed)["claim_available"] == false);
  auto again = e.ask(points_claim_atom::value, std::string{"vi"});
  REQUIRE_FALSE(again);
  CHECK(code_of(again.error()) == errc::conflict);
  e.f.restart();
  CHECK(e.me("vi") == json{{"balance", 80}, {"claim_available", false}, {"watch_s", 900}});
}

TEST_CASE("a prediction locks when its window ends on the clock; resolve pays the pool out") {
  engagement_fixture e;
  for (auto user : {"an", "bo", "cy", "di"})
    e.follow(user);  // 300 each
  auto p = e.create_prediction({"red", "blue"}, 30);
  REQUIRE(p);
  CHECK((*p)["state"] == "active");
  CHECK(code_of(e.create_prediction({"a", "b"}).error()) == errc::conflict);
  REQUIRE(e.stake("an", 0, 100));
  REQUIRE(e.stake("bo", 0, 200));
  REQUIRE(e.stake("cy", 1, 100));
  REQUIRE(e.stake("an", 0, 1));  // more on the same outcome adds up
  CHECK(code_of(e.stake("an", 1, 1).error()) == errc::conflict);
  CHECK(code_of(e.stake("di", 1, 301).error()) == errc::conflict);  // not enough points
  e.check_ledger();
  e.f.clock.advance(29s);
  CHECK(e.tick()["prediction"]["state"] == "active");
  e.f.clock.advance(1s);
  CHECK(e.tick()["prediction"]["state"] == "locked");
  CHECK(code_of(e.stake("di", 1, 10).error()) == errc::conflict);
  auto resolved = e.ask(prediction_resolve_atom::value, std::int64_t{0});
  REQUIRE(resolved);
  CHECK((*resolved)["state"] == "resolved");
  // Winners 101 + 200, losers 100: an 101·100/301 = 33, bo 200·100/301 = 66; 1 left → bo.
  CHECK(e.balance("an") == 300 - 101 + 101 + 33);
  CHECK(e.balance("bo") == 300 - 200 + 200 + 66 + 1);
  CHECK(e.balance("cy") == 200);
  auto mine = e.ask(prediction_get_atom::value, std::string{"bo"});
  REQUIRE(mine);
  CHECK((*mine)["my_stake"] == json{{"outcome", 0}, {"points", 200}, {"won", 267}});
  e.check_ledger();
  // Still shown for 5 minutes, then gone.
  e.f.clock.advance(5min);
  CHECK(code_of(e.ask(prediction_get_atom::value, std::string{}).error()) == errc::not_found);
  e.f.restart();
  CHECK(e.balance("bo") == 367);
  e.check_ledger();
}

TEST_CASE("canceling a prediction refunds every stake; a winner nobody backed burns the pool") {
  engagement_fixture e;
  e.follow("an");
  e.follow("bo");
  REQUIRE(e.create_prediction({"a", "b", "c"}));
  REQUIRE(e.stake("an", 0, 250));
  REQUIRE(e.stake("bo", 1, 10));
  REQUIRE(e.ask(prediction_lock_atom::value));
  CHECK(code_of(e.ask(prediction_lock_atom::value).error()) == errc::conflict);
  auto canceled = e.ask(prediction_cancel_atom::value);
  REQUIRE(canceled);
  CHECK((*canceled)["state"] == "canceled");
  CHECK(e.balance("an") == 300);
  CHECK(e.balance("bo") == 300);
  CHECK(code_of(e.ask(prediction_cancel_atom::value).error()) == errc::not_found);

  REQUIRE(e.create_prediction({"a", "b", "c"}));
  REQUIRE(e.stake("an", 0, 50));
  REQUIRE(e.stake("bo", 1, 20));
  CHECK(code_of(e.ask(prediction_resolve_atom::value, std::int64_t{3}).error()) ==
        errc::invalid_argument);
  REQUIRE(e.ask(prediction_resolve_atom::value, std::int64_t{2}));
  CHECK(e.balance("an") == 250);
  CHECK(e.balance("bo") == 280);
  CHECK(e.tick()["burned"] == 70);
  e.check_ledger();
}

TEST_CASE("the hype train through the entity: follows and spends start it, the clock ends it") {
  engagement_fixture e;
  e.follow("an");
  e.follow("bo");
  CHECK(e.tick()["train"]["state"] == "idle");
  e.f.clock.advance(1min);
  e.follow("cy");
  auto train = *e.ask(hype_train_atom::value);
  CHECK(train["state"] == "active");
  CHECK(train["level"] == 1);
  CHECK(train["progress"] == 300);
  e.f.clock.advance(4min);
  REQUIRE(e.spend("an", 200));  // restarts the 5-minute timer
  train = *e.ask(hype_train_atom::value);
  CHECK(train["progress"] == 500);
  CHECK(train["ends_at_ms"] == e.f.clock.now_ms() + 300'000);
  CHECK(train["top"][0] == json{{"user", "an"}, {"amount", 300}});
  e.f.clock.advance(5min);
  CHECK(e.tick()["train"]["state"] == "cooldown");
  e.f.restart();
  CHECK((*e.ask(hype_train_atom::value))["state"] == "cooldown");
  e.f.clock.advance(1h);
  CHECK(e.tick()["train"]["state"] == "idle");
  // Each public moment of the train is journaled once for webhooks and bots; the cooldown's end
  // is none.
  std::vector<std::string> phases;
  for (const auto& event : e.f.events().read_stream("engagement/ava", 1, 1000))
    if (event.data.type == "hype_train.changed")
      phases.push_back(json::parse(event.data.payload)["phase"].get<std::string>());
  CHECK(phases == std::vector<std::string>{"begin", "progress", "end"});
}

TEST_CASE("many concurrent redemptions by one viewer never overdraw") {
  engagement_fixture e;
  e.follow("vi");  // 300 points: three redemptions of 100
  auto reward = e.ask(reward_put_atom::value, std::string{},
                      json{{"title", "Hydrate"}, {"cost", 100}}.dump());
  REQUIRE(reward);
  const auto id = (*reward)["id"].get<std::string>();
  constexpr int requests = 40;
  std::atomic<int> granted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> callers;
  callers.reserve(requests);
  for (int i = 0; i < requests; ++i)
    callers.emplace_back([&] {
      caf::scoped_actor self{e.f.sys};
      auto r = test::ask_entity<std::string>(self, e.f.registry, "engagement", "ava",
                                             reward_redeem_atom::value, std::string{"vi"}, id,
                                             std::string{}, std::string{"s1"});
      if (r)
        ++granted;
      else if (message_of(r.error()) == "not enough channel points")
        ++refused;
    });
  for (auto& t : callers)
    t.join();
  CHECK(granted == 3);
  CHECK(refused == requests - 3);
  CHECK(e.balance("vi") == 0);
  auto queue = *e.ask(redemption_list_atom::value, std::string{"unfulfilled"});
  CHECK(queue["redemptions"].size() == 3);
  // Canceling one refunds its cost.
  auto first = queue["redemptions"][0]["id"].get<std::string>();
  REQUIRE(e.ask(redemption_set_atom::value, first, std::string{"canceled"}));
  CHECK(e.balance("vi") == 100);
  CHECK(code_of(e.ask(redemption_set_atom::value, first, std::string{"fulfilled"}).error()) ==
        errc::not_found);
  e.check_ledger();
}

TEST_CASE(
  "property: random interleavings keep every balance >= 0 and the ledger balanced, "
  "across restarts") {
  engagement_fixture e;
  std::uint64_t seed = 20261203;
  auto next = [&seed](std::int64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((seed >> 33) % static_cast<std::uint64_t>(n));
  };
  std::vector<std::string> viewers;
  viewers.reserve(20);
  for (int i = 0; i < 20; ++i)
    viewers.push_back("v" + std::to_string(i));
  std::vector<std::string> rewards;
  for (auto cost : {50, 300, 1000}) {
    auto r = e.ask(reward_put_atom::value, std::string{},
                   json{{"title", "r" + std::to_string(cost)}, {"cost", cost}}.dump());
    REQUIRE(r);
    rewards.push_back((*r)["id"].get<std::string>());
  }
  std::vector<std::pair<std::string, std::int64_t>> spends;  // poll spends that may be refunded
  int raids = 0;
  for (int step = 0; step < 2000; ++step) {
    const auto& who = viewers[static_cast<std::size_t>(next(20))];
    switch (next(12)) {
      case 0: e.follow(who); break;
      case 1: e.raid(who, "raid" + std::to_string(raids++ % 50)); break;
      case 2:
        e.f.clock.advance(std::chrono::seconds(20 + next(30)));
        e.tell(points_watch_atom::value, who, std::int64_t{45});
        break;
      case 3:
        (void)e.ask(reward_redeem_atom::value, who, rewards[static_cast<std::size_t>(next(3))],
                    std::string{}, std::string{"s"} + std::to_string(step / 500));
        break;
      case 4: {
        auto queue = *e.ask(redemption_list_atom::value, std::string{"unfulfilled"});
        if (!queue["redemptions"].empty())
          (void)e.ask(redemption_set_atom::value, queue["redemptions"][0]["id"].get<std::string>(),
                      std::string{next(2) ? "canceled" : "fulfilled"});
        break;
      }
      case 5: {
        auto points = 1 + next(200);
        if (e.spend(who, points))
          spends.emplace_back(who, points);
        break;
      }
      case 6:
        if (!spends.empty()) {
          auto [user, points] = spends.back();
          spends.pop_back();
          REQUIRE(e.f.ask<std::int64_t>("engagement", "ava", points_refund_atom::value, user,
                                        points, std::string{"poll"}));
        }
        break;
      case 7: (void)e.create_prediction({"a", "b", "c"}, 30 + static_cast<int>(next(60))); break;
      case 8:
      case 9: (void)e.stake(who, next(3), 1 + next(400)); break;
      case 10: (void)e.ask(prediction_lock_atom::value); break;
      default:
        if (next(3) == 0)
          (void)e.ask(prediction_cancel_atom::value);
        else
          (void)e.ask(prediction_resolve_atom::value, next(3));
    }
    e.check_ledger();
    if (step % 250 == 249) {
      auto before = e.tick();
      e.f.restart();
      auto after = e.tick();
      CHECK(after == before);
      e.check_ledger();
    }
  }
  auto s = e.tick();
  CHECK(s["minted"].get<std::int64_t>() > 0);
  CHECK(s["burned"].get<std::int64_t>() > 0);
}

TEST_CASE(
  "frames reach the chat room: prediction (at most twice a second), hype train, "
  "redemption") {
  engagement_fixture e;
  REQUIRE(e.f.ask<std::string>("channel", "ava", create_atom::value,
                               runtime::principal::user("ava"), std::string{"Ava"}));
  caf::scoped_actor viewer{e.f.sys};
  REQUIRE(test::ask_entity<std::string>(viewer, e.f.registry, "chat", "ava", chat_sub_atom::value,
                                        caf::actor{viewer}));
  // Frames of `type` that arrive before `wait` passes without any.
  auto frames = [&](const std::string& type, std::chrono::milliseconds wait) {
    std::vector<json> out;
    bool quiet = false;
    while (!quiet)
      viewer->receive(
        [&](chat_deliver_atom, const std::string& text) {
          auto frame = json::parse(text);
          if (frame["type"] == type)
            out.push_back(frame);
        },
        caf::after(wait) >> [&] { quiet = true; });
    return out;
  };
  for (int i = 0; i < 10; ++i)
    e.follow("v" + std::to_string(i));
  e.tick();
  auto trains = frames("hype_train", 200ms);
  REQUIRE_FALSE(trains.empty());
  CHECK(trains.back()["train"]["state"] == "active");
  CHECK(trains.back()["train"]["level"] == 2);  // 10 follows: 1000 hype points, level 1 done

  REQUIRE(e.create_prediction({"a", "b"}));
  auto created = frames("prediction", 200ms);
  REQUIRE(created.size() == 1);
  CHECK(created[0]["prediction"]["state"] == "active");
  for (int i = 0; i < 10; ++i)
    REQUIRE(e.stake("v" + std::to_string(i), i % 2, 10));
  // Ten stakes within half a second: one frame, with all of them.
  auto staked = frames("prediction", 700ms);
  REQUIRE(staked.size() == 1);
  CHECK(staked[0]["prediction"]["total_points"] == 100);

  auto reward = e.ask(reward_put_atom::value, std::string{},
                      json{{"title", "Hydrate"}, {"cost", 10}, {"user_input", true}}.dump());
  REQUIRE(reward);
  REQUIRE(e.ask(reward_redeem_atom::value, std::string{"v1"}, (*reward)["id"].get<std::string>(),
                std::string{"water!"}, std::string{}));
  auto redeemed = frames("redemption", 200ms);
  REQUIRE(redeemed.size() == 1);
  CHECK(redeemed[0]["redemption"] ==
        json{{"user", "v1"}, {"reward", "Hydrate"}, {"input", "water!"}});
}
