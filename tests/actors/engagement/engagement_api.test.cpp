// The engagement routes over a node without front ends (tests/actors/api_node.hpp): who may
// manage what (the chat room's roles), 404 for unknown channels, every limit with its status,
// the redemption queue, a prediction from creation to payout, the hype train, the console.
#include <doctest/doctest.h>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/engagement/engagement.hpp"
#include "tests/actors/api_node.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace engagement_api_suite {

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto alice = runtime::principal::user("alice");  // owns channel alice
const auto bob = runtime::principal::user("bob");      // a viewer
const auto mo = runtime::principal::user("mo");        // alice's moderator
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

struct engagement_api {
  test::api_node node{{"engagement", "channel", "chat"}, {}};

  engagement_api() {
    REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                  std::string{"Alice"}));
    REQUIRE(node.ask<chat_ack>("chat", "alice", chat_mod_atom::value, alice,
                               chat_command{"mod", "mo", 0, {}}));
    give("bob", 300);
  }
  // Points the way a first follow gives them (300), then spent down to `points`.
  void give(const std::string& user, std::int64_t points) {
    node.self->send(node.registry, route_atom::value, std::string{"engagement"},
                    std::string{"alice"}, caf::make_message(points_follow_atom::value, user));
    REQUIRE(node.ask<std::string>("engagement", "alice", points_me_atom::value, user));
    if (points < 300)
      REQUIRE(node.ask<std::int64_t>("engagement", "alice", points_spend_atom::value, user,
                                     std::int64_t{300 - points}, std::string{"test"}));
  }
  std::int64_t balance(const std::string& user) {
    auto me = call(get, "points/me", runtime::principal::user(user));
    REQUIRE(me.status == 200);
    return me.body["balance"].get<std::int64_t>();
  }
  test::api_answer call(http_method m, const std::string& path, const runtime::principal& who,
                        const json& body = nullptr) {
    return node.call(m, "channels/alice/" + path, who, body);
  }
};

json reward(const std::string& title, std::int64_t cost) {
  return json{{"title", title}, {"cost", cost}};
}

}  // namespace

TEST_CASE("points: a viewer's balance and bonus; 401 without an account, 404 for no channel") {
  engagement_api api;
  auto me = api.call(get, "points/me", bob);
  CHECK(me.status == 200);
  CHECK(me.body == json{{"balance", 300}, {"claim_available", false}, {"watch_s", 0}});
  CHECK(api.call(get, "points/me", nobody).error == errc::unauthorized);
  CHECK(api.node.call(get, "channels/nope/points/me", bob).error == errc::not_found);
  CHECK(api.call(post, "points/claim", bob).error == errc::conflict);
  CHECK(api.call(post, "points/claim", bob, json{{"x", 1}}).error == errc::invalid_argument);
}

TEST_CASE("rewards: broadcaster and editors manage them; limits; redeem, queue, refund") {
  engagement_api api;
  CHECK(api.call(post, "rewards", bob, reward("Hydrate", 100)).error == errc::forbidden);
  CHECK(api.call(post, "rewards", mo, reward("Hydrate", 100)).error == errc::forbidden);
  CHECK(api.call(post, "rewards", nobody, reward("Hydrate", 100)).error == errc::unauthorized);
  CHECK(api.node.call(post, "channels/nope/rewards", admin, reward("x", 1)).error ==
        errc::not_found);
  CHECK(api.call(post, "rewards", alice, reward(std::string(46, 'x'), 1)).error ==
        errc::invalid_argument);
  CHECK(api.call(post, "rewards", alice, reward("x", 0)).error == errc::invalid_argument);
  CHECK(
    api.call(post, "rewards", alice, json{{"title", "x"}, {"cost", 1}, {"color", "red"}}).error ==
    errc::invalid_argument);
  auto made = api.call(
    post, "rewards", alice,
    json{{"title", "Song"}, {"cost", 100}, {"user_input", true}, {"max_per_user_per_stream", 2}});
  REQUIRE(made.status == 201);
  const auto id = made.body["id"].get<std::string>();
  CHECK(api.call(patch, "rewards/" + id, admin, json{{"cost", 120}}).body["cost"] == 120);
  CHECK(api.call(patch, "rewards/r999", admin, json{{"cost", 1}}).error == errc::not_found);
  auto listed = api.call(get, "rewards", nobody);
  CHECK(listed.status == 200);
  CHECK(listed.body["rewards"].size() == 1);

  CHECK(api.call(post, "rewards/" + id + "/redeem", bob).error == errc::invalid_argument);
  auto redeemed = api.call(post, "rewards/" + id + "/redeem", bob, json{{"input", "Toto"}});
  REQUIRE(redeemed.status == 201);
  CHECK(redeemed.body["status"] == "unfulfilled");
  CHECK(api.balance("bob") == 180);
  CHECK(api.call(post, "rewards/" + id + "/redeem", bob, json{{"input", "Toto"}}).status == 201);
  // Two per viewer per stream; and then not enough points anyway.
  CHECK(api.call(post, "rewards/" + id + "/redeem", bob, json{{"input", "x"}}).error ==
        errc::conflict);
  CHECK(api.call(post, "rewards/r999/redeem", bob).error == errc::not_found);

  CHECK(api.call(get, "redemptions", bob).error == errc::forbidden);
  auto queue = api.call(get, "redemptions", mo);
  REQUIRE(queue.status == 200);
  REQUIRE(queue.body["redemptions"].size() == 2);
  CHECK(queue.body["redemptions"][0]["input"] == "Toto");
  auto first = queue.body["redemptions"][0]["id"].get<std::string>();
  CHECK(api.call(get, "redemptions?status=lost", mo).error == errc::invalid_argument);
  CHECK(api.call(post, "redemptions/" + first, mo, json{{"status", "done"}}).error ==
        errc::invalid_argument);
  auto canceled = api.call(post, "redemptions/" + first, mo, json{{"status", "canceled"}});
  CHECK(canceled.status == 200);
  CHECK(api.balance("bob") == 180);  // 60 + the refunded 120
  CHECK(api.call(post, "redemptions/" + first, mo, json{{"status", "fulfilled"}}).error ==
        errc::not_found);
  CHECK(api.call(get, "redemptions?status=canceled", alice).body["redemptions"].size() == 1);

  CHECK(api.call(patch, "rewards/" + id, alice, json{{"enabled", false}}).status == 200);
  CHECK(api.call(post, "rewards/" + id + "/redeem", bob, json{{"input", "x"}}).error ==
        errc::conflict);
  CHECK(api.call(del, "rewards/" + id, alice).status == 200);
  CHECK(api.call(del, "rewards/" + id, alice).error == errc::not_found);
}

TEST_CASE("at most 50 rewards per channel") {
  engagement_api api;
  for (int i = 0; i < 50; ++i)
    REQUIRE(api.call(post, "rewards", alice, reward("r" + std::to_string(i), 1)).status == 201);
  CHECK(api.call(post, "rewards", alice, reward("one more", 1)).error == errc::conflict);
}

TEST_CASE("predictions over REST: managers run them, viewers stake, the winners are paid") {
  engagement_api api;
  api.give("cy", 300);
  auto body = json{{"title", "Boss down?"}, {"outcomes", {"yes", "no"}}, {"window_s", 60}};
  CHECK(api.call(post, "predictions", bob, body).error == errc::forbidden);
  auto none = api.call(get, "predictions/current", nobody);
  CHECK(none.status == 200);
  CHECK(none.body.is_null());  // none yet: null, not an error
  CHECK(
    api.call(post, "predictions", mo, json{{"title", "x"}, {"outcomes", {"a"}}, {"window_s", 60}})
      .error == errc::invalid_argument);
  CHECK(api
          .call(post, "predictions", mo,
                json{{"title", "x"}, {"outcomes", {"a", "b"}}, {"window_s", 10}})
          .error == errc::invalid_argument);
  auto made = api.call(post, "predictions", mo, body);
  REQUIRE(made.status == 201);
  CHECK(api.call(post, "predictions", alice, body).error == errc::conflict);
  CHECK(api.call(post, "predictions/current/stake", bob, json{{"outcome", 0}, {"points", 100}})
          .status == 200);
  CHECK(api
          .call(post, "predictions/current/stake", runtime::principal::user("cy"),
                json{{"outcome", 1}, {"points", 50}})
          .status == 200);
  CHECK(
    api.call(post, "predictions/current/stake", bob, json{{"outcome", 1}, {"points", 1}}).error ==
    errc::conflict);
  CHECK(api.call(post, "predictions/current/stake", bob, json{{"outcome", 0}, {"points", 250001}})
          .error == errc::invalid_argument);
  CHECK(api.call(post, "predictions/current/stake", bob, json{{"outcome", "yes"}, {"points", 1}})
          .error == errc::invalid_argument);
  auto mine = api.call(get, "predictions/current", bob);
  CHECK(mine.body["my_stake"] == json{{"outcome", 0}, {"points", 100}});
  CHECK(api.call(get, "predictions/current", nobody).body.contains("my_stake") == false);
  CHECK(api.call(post, "predictions/current/lock", bob).error == errc::forbidden);
  CHECK(api.call(post, "predictions/current/lock", mo).body["state"] == "locked");
  CHECK(api.call(post, "predictions/current/resolve", mo, json{{"outcome", 5}}).error ==
        errc::invalid_argument);
  auto resolved = api.call(post, "predictions/current/resolve", alice, json{{"outcome", 0}});
  CHECK(resolved.body["state"] == "resolved");
  CHECK(api.balance("bob") == 350);
  CHECK(api.balance("cy") == 250);
  CHECK(api.call(post, "predictions/current/cancel", mo).error == errc::not_found);
}

TEST_CASE("the hype train and the console") {
  engagement_api api;
  auto train = api.call(get, "hype-train", nobody);
  CHECK(train.status == 200);
  CHECK(train.body["state"] == "idle");
  CHECK(api.node.call(get, "channels/nope/hype-train", nobody).error == errc::not_found);
  api.give("cy", 300);
  api.give("di", 300);  // bob, cy and di followed: 3 qualifying events
  CHECK(api.call(get, "hype-train", nobody).body["state"] == "active");
  auto shown = api.node.console("engagement", "alice", "get");
  REQUIRE(shown);
  CHECK((*shown)["viewers"] == 3);
  CHECK((*shown)["train"]["level"] == 1);
  api.node.clock.advance(5min);
  auto ticked = api.node.console("engagement", "alice", "tick");
  REQUIRE(ticked);
  CHECK((*ticked)["train"]["state"] == "cooldown");
}

TEST_CASE("a follow through the social route pays once; a signed-in viewer's live beats earn") {
  test::api_node node{{"engagement", "channel", "chat", "social", "analytics"}, {}};
  auto key = node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                   std::string{"Alice"});
  REQUIRE(key);
  const auto zed = runtime::principal::user("zed");
  auto me = [&] { return node.call(get, "channels/alice/points/me", zed).body; };
  REQUIRE(node.call(post, "channels/alice/follow", zed).status == 200);
  CHECK(me()["balance"] == 300);
  REQUIRE(node.call(del, "channels/alice/follow", zed).status == 200);
  REQUIRE(node.call(post, "channels/alice/follow", zed).status == 200);
  CHECK(me()["balance"] == 300);

  auto beat = [&] {
    REQUIRE(node
              .call(post, "channels/alice/watch", zed, json{{"viewer", "p1"}, {"source", "direct"}})
              .status == 202);
    return me();  // the beat reached engagement/alice before this answer
  };
  beat();
  node.clock.advance(30s);
  CHECK(beat()["watch_s"] == 0);  // offline: watching earns nothing
  REQUIRE(node.ask<channel_view>("channel", "alice", publish_begin_atom::value, *key,
                                 std::string{"s1"}, std::string{"n1"}));
  beat();
  for (int i = 0; i < 10; ++i) {
    node.clock.advance(30s);
    beat();
  }
  CHECK(me() == json{{"balance", 310}, {"claim_available", false}, {"watch_s", 300}});

  // A raid arrives (raid/alice tells engagement/alice); beats that say they came with it pay 250
  // once, and only within 5 minutes of the arrival.
  auto raid_beat = [&](const runtime::principal& who) {
    REQUIRE(node.call(post, "channels/alice/watch", who, json{{"viewer", "p2"}, {"source", "raid"}})
              .status == 202);
    return node.call(get, "channels/alice/points/me", who).body["balance"];
  };
  const auto yu = runtime::principal::user("yu");
  CHECK(raid_beat(yu) == 0);  // no raid arrived
  node.self->send(node.registry, route_atom::value, std::string{"engagement"}, std::string{"alice"},
                  caf::make_message(points_raided_atom::value, std::string{"bob"}));
  CHECK(raid_beat(yu) == 250);
  CHECK(raid_beat(yu) == 250);
  node.clock.advance(5min);
  CHECK(raid_beat(runtime::principal::user("xi")) == 0);
}

}  // namespace engagement_api_suite
