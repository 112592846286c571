// The poll routes over a node without front ends (tests/actors/api_node.hpp): who may start and
// end polls (the broadcaster, the admin, editors, moderators; not viewers or VIPs), who may vote
// (accounts), 404 for unknown channels, 400 and 409 bodies, my_votes with a bearer token, the
// archive's limit, and the console's get and tick.
#include <doctest/doctest.h>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/polls/polls.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto alice = runtime::principal::user("alice");  // owns channel alice
const auto mia = runtime::principal::user("mia");      // moderates it
const auto eve = runtime::principal::user("eve");      // its editor
const auto vic = runtime::principal::user("vic");      // a VIP: no manager
const auto bob = runtime::principal::user("bob");
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

struct polls_api {
  test::api_node node{{"polls", "channel", "chat"}, {}};

  polls_api() {
    REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                  std::string{"Alice"}));
    REQUIRE(node.ask<std::string>("channel", "carol", create_atom::value,
                                  runtime::principal::user("carol"), std::string{"Carol"}));
    for (auto [action, user] : {std::pair{"mod", "mia"}, {"editor", "eve"}, {"vip", "vic"}})
      REQUIRE(node.ask<chat_ack>("chat", "alice", chat_mod_atom::value, alice,
                                 chat_command{action, user, 0}));
  }
  test::api_answer start(const runtime::principal& who, json body = nullptr,
                         const std::string& channel = "alice") {
    if (body.is_null())
      body = json{
        {"title", "Next game?"}, {"choices", {"Chess", "Go", "Shogi"}}, {"duration_s", 120}};
    return node.call(post, "channels/" + channel + "/polls", who, body);
  }
  test::api_answer vote(const runtime::principal& who, json body) {
    return node.call(post, "channels/alice/polls/current/vote", who, body);
  }
};

}  // namespace

TEST_CASE("managers start and end polls; viewers vote once; everyone reads them") {
  polls_api t;
  CHECK(t.start(nobody).error == errc::unauthorized);
  CHECK(t.start(bob).error == errc::forbidden);
  CHECK(t.start(vic).error == errc::forbidden);
  CHECK(t.start(alice, nullptr, "nosuch").error == errc::not_found);
  CHECK(t.start(alice, json{{"title", ""}, {"choices", {"a", "b"}}, {"duration_s", 60}}).error ==
        errc::invalid_argument);
  auto none = t.node.call(get, "channels/alice/polls/current", nobody);
  CHECK(none.status == 200);
  CHECK(none.body.is_null());  // no poll yet: null, not an error
  CHECK(t.node.call(get, "channels/nosuch/polls/current", nobody).error == errc::not_found);

  auto started = t.start(alice);
  REQUIRE(started.status == 201);
  CHECK(started.body["title"] == "Next game?");
  CHECK(started.body["choices"].size() == 3);
  CHECK(started.body["points_per_vote"] == 0);
  CHECK(t.start(mia).error == errc::conflict);

  CHECK(t.vote(nobody, {{"choice", 0}}).error == errc::unauthorized);
  CHECK(t.vote(admin, {{"choice", 0}}).error == errc::forbidden);  // nobody's account
  CHECK(t.vote(bob, {{"choice", "Go"}}).error == errc::invalid_argument);
  CHECK(t.vote(bob, {{"choice", 1}, {"weight", 2}}).error == errc::invalid_argument);
  CHECK(t.vote(bob, {{"choice", 3}}).error == errc::invalid_argument);
  CHECK(t.node.call(post, "channels/nosuch/polls/current/vote", bob, {{"choice", 0}}).error ==
        errc::not_found);
  auto voted = t.vote(bob, {{"choice", 1}});
  REQUIRE(voted.status == 200);
  CHECK(voted.body["my_votes"] == json{{"choice", 1}, {"votes", 1}});
  CHECK(t.vote(bob, {{"choice", 1}}).error == errc::conflict);
  CHECK(t.vote(mia, {{"choice", 0}, {"votes", 3}}).error == errc::conflict);  // no paid votes
  REQUIRE(t.vote(alice, {{"choice", 2}}).status == 200);

  auto seen = t.node.call(get, "channels/alice/polls/current", bob);
  REQUIRE(seen.status == 200);
  CHECK(seen.body["total_votes"] == 2);
  CHECK(seen.body["my_votes"]["choice"] == 1);
  auto anonymous = t.node.call(get, "channels/alice/polls/current", nobody);
  REQUIRE(anonymous.status == 200);
  CHECK_FALSE(anonymous.body.contains("my_votes"));

  CHECK(t.node.call(post, "channels/alice/polls/current/end", bob).error == errc::forbidden);
  CHECK(t.node.call(post, "channels/nosuch/polls/current/end", admin).error == errc::not_found);
  auto ended = t.node.call(post, "channels/alice/polls/current/end", mia);
  REQUIRE(ended.status == 200);
  CHECK(ended.body["state"] == "ended");
  CHECK(ended.body["choices"][1]["votes"] == 1);
  CHECK(t.vote(mia, {{"choice", 0}}).error == errc::conflict);
  CHECK(t.node.call(post, "channels/alice/polls/current/end", alice).error == errc::conflict);
  REQUIRE(t.start(eve).status == 201);  // editors run polls too
  REQUIRE(t.node.call(post, "channels/alice/polls/current/end", eve).status == 200);

  // The admin runs polls on any channel, and the next poll may start once one ended.
  REQUIRE(t.start(admin, json{{"title", "Again?"},
                              {"choices", {"yes", "no"}},
                              {"duration_s", 15},
                              {"points_per_vote", 10}})
            .status == 201);
  CHECK(t.node.call(get, "channels/alice/polls/current", nobody).body["title"] == "Again?");
}

TEST_CASE("the archive lists ended polls newest first; unknown channels are 404") {
  polls_api t;
  CHECK(t.node.call(get, "channels/nosuch/polls", nobody).error == errc::not_found);
  auto empty = t.node.call(get, "channels/carol/polls", nobody);
  REQUIRE(empty.status == 200);
  CHECK(empty.body["polls"].empty());
  for (auto title : {"First", "Second", "Third"}) {
    REQUIRE(
      t.start(alice, json{{"title", title}, {"choices", {"a", "b"}}, {"duration_s", 15}}).status ==
      201);
    REQUIRE(t.node.call(post, "channels/alice/polls/current/end", alice).status == 200);
  }
  auto two = t.node.call(get, "channels/alice/polls?limit=2", nobody);
  REQUIRE(two.status == 200);
  REQUIRE(two.body["polls"].size() == 2);
  CHECK(two.body["polls"][0]["title"] == "Third");
  CHECK(two.body["polls"][1]["title"] == "Second");
  CHECK(t.node.call(get, "channels/alice/polls", nobody).body["polls"].size() == 3);
  CHECK(t.node.call(get, "channels/alice/polls?limit=0", nobody).error == errc::invalid_argument);
  CHECK(t.node.call(get, "channels/alice/polls?limit=51", nobody).error == errc::invalid_argument);
}

TEST_CASE("the console shows a channel's poll and ends it with tick when its time is up") {
  polls_api t;
  REQUIRE(
    t.start(alice, json{{"title", "Quick"}, {"choices", {"a", "b"}}, {"duration_s", 15}}).status ==
    201);
  auto shown = t.node.console("poll", "alice", "get");
  REQUIRE(shown);
  CHECK((*shown)["poll"]["state"] == "active");
  t.node.clock.advance(15s);
  auto ticked = t.node.console("poll", "alice", "tick");
  REQUIRE(ticked);
  CHECK((*ticked)["poll"]["state"] == "ended");
  CHECK((*ticked)["archived"] == 1);
}
