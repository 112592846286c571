// The team routes over a node without front ends (tests/actors/api_node.hpp): every route with
// its 401 (anonymous), 403 (the admin token is nobody's account, members acting as captain), 404
// (unknown teams, users that do not exist, no invite), 409 (taken slug, roster_locked,
// captain_must_hand_over) and 400 bodies; invites shown to the captain only; GET /me/teams from
// the read model; the console's get.
#include <doctest/doctest.h>

#include "actors/identity/user.hpp"
#include "actors/teams/teams.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto alice = runtime::principal::user("alice");
const auto bob = runtime::principal::user("bob");
const auto carol = runtime::principal::user("carol");
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

struct teams_api {
  test::api_node node{{"teams", "identity"}, {}, [](runtime::node_config& config, auto&) {
                        config.limits.minimum_password_cost = true;  // accounts made quickly
                      }};

  teams_api() {
    for (const char* name : {"alice", "bob", "carol", "dave"})
      REQUIRE(node.ask<user_view>("user", name, create_atom::value,
                                  std::string{name} + "@example.com",
                                  std::string{"correct horse battery"}));
  }
  test::api_answer create(const runtime::principal& who, json body) {
    return node.call(post, "teams", who, body);
  }
  test::api_answer invite(const runtime::principal& who, const std::string& user,
                          const std::string& team = "liquid") {
    return node.call(post, "teams/" + team + "/invites", who, json{{"user", user}});
  }
  test::api_answer answer(const runtime::principal& who, const std::string& what,
                          const std::string& team = "liquid") {
    return node.call(post, "teams/" + team + "/invites/" + what, who, json::object());
  }
  test::api_answer remove(const runtime::principal& who, const std::string& user) {
    return node.call(del, "teams/liquid/members/" + user, who);
  }
  test::api_answer show(const runtime::principal& who, const std::string& team = "liquid") {
    return node.call(http_method::get, "teams/" + team, who);
  }
  std::string reason_of_conflict(const std::string& team, const std::string& user) {
    auto r = node.ask<std::string>("team", team, team_remove_atom::value, user, user);
    REQUIRE_FALSE(r);
    return aethex::reason_of(r.error());
  }
};

}  // namespace

TEST_CASE("users create teams; the slug is taken once; bodies are checked") {
  teams_api t;
  json body{{"slug", "liquid"}, {"name", "Team Liquid"}, {"tag", "TL"}, {"bio", "NA"}};
  CHECK(t.create(nobody, body).error == errc::unauthorized);
  CHECK(t.create(admin, body).error == errc::forbidden);
  CHECK(t.create(alice, json{{"name", "x"}}).error == errc::invalid_argument);  // no slug
  CHECK(t.create(alice, json{{"slug", "No"}, {"name", "x"}}).error == errc::invalid_argument);
  CHECK(t.create(alice, json{{"slug", "liquid"}, {"name", std::string(41, 'x')}}).error ==
        errc::invalid_argument);
  CHECK(t.create(alice, json{{"slug", "liquid"}, {"name", "x"}, {"tag", "TOOLONG"}}).error ==
        errc::invalid_argument);
  CHECK(t.node.call(post, "teams", alice, json::array()).error == errc::invalid_json);

  auto made = t.create(alice, body);
  REQUIRE(made.status == 201);
  CHECK(made.body["captain"] == "alice");
  CHECK(made.body["members"][0]["role"] == "captain");
  CHECK(t.create(bob, body).error == errc::conflict);

  CHECK(t.show(nobody, "nosuch").error == errc::not_found);
  CHECK(t.show(nobody, "BAD!").error == errc::not_found);
  auto seen = t.show(nobody);
  REQUIRE(seen.status == 200);
  CHECK(seen.body["name"] == "Team Liquid");
  CHECK(seen.body["locked_by"] == json::array());

  CHECK(t.node.call(patch, "teams/liquid", nobody, json{{"bio", "x"}}).error == errc::unauthorized);
  CHECK(t.node.call(patch, "teams/liquid", bob, json{{"bio", "x"}}).error == errc::forbidden);
  CHECK(t.node.call(patch, "teams/nosuch", alice, json{{"bio", "x"}}).error == errc::not_found);
  CHECK(t.node.call(patch, "teams/liquid", alice, json{{"bio", std::string(501, 'x')}}).error ==
        errc::invalid_argument);
  CHECK(t.node.call(patch, "teams/liquid", alice, json{{"slug", "new"}}).error ==
        errc::invalid_argument);
  auto patched = t.node.call(patch, "teams/liquid", alice, json{{"name", "Liquid"}});
  REQUIRE(patched.status == 200);
  CHECK(patched.body["name"] == "Liquid");
  CHECK(patched.body["tag"] == "TL");
}

TEST_CASE(
  "invites go to users that exist; only the invited user answers; only the captain sees "
  "them") {
  teams_api t;
  REQUIRE(t.create(alice, json{{"slug", "liquid"}, {"name", "Liquid"}}).status == 201);
  CHECK(t.invite(nobody, "bob").error == errc::unauthorized);
  CHECK(t.invite(bob, "carol").error == errc::forbidden);
  CHECK(t.invite(alice, "ghost").error == errc::not_found);  // no such account
  CHECK(t.invite(alice, "Not Valid").error == errc::invalid_argument);
  CHECK(t.invite(alice, "bob", "nosuch").error == errc::not_found);
  CHECK(t.node.call(post, "teams/liquid/invites", alice, json{{"who", "bob"}}).error ==
        errc::invalid_argument);
  auto invited = t.invite(alice, "bob");
  REQUIRE(invited.status == 201);
  CHECK(invited.body["invites"] == json{"bob"});
  CHECK(t.invite(alice, "bob").error == errc::conflict);
  REQUIRE(t.invite(alice, "carol").status == 201);

  CHECK(t.show(alice).body["invites"] == json{"bob", "carol"});
  CHECK(t.show(admin).body["invites"] == json{"bob", "carol"});
  CHECK_FALSE(t.show(bob).body.contains("invites"));
  CHECK_FALSE(t.show(nobody).body.contains("invites"));

  CHECK(t.answer(nobody, "accept").error == errc::unauthorized);
  CHECK(t.answer(runtime::principal::user("dave"), "accept").error == errc::not_found);
  CHECK(t.answer(bob, "accept", "nosuch").error == errc::not_found);
  auto joined = t.answer(bob, "accept");
  REQUIRE(joined.status == 200);
  CHECK(joined.body["members"].size() == 2);
  CHECK(t.answer(bob, "accept").error == errc::not_found);  // the invite is used
  REQUIRE(t.answer(carol, "decline").status == 200);
  CHECK(t.answer(carol, "decline").error == errc::not_found);

  // The captain withdraws an invite; others may not.
  REQUIRE(t.invite(alice, "dave").status == 201);
  CHECK(t.node.call(del, "teams/liquid/invites/dave", bob).error == errc::forbidden);
  CHECK(t.node.call(del, "teams/liquid/invites/nosuch_user", alice).error == errc::not_found);
  REQUIRE(t.node.call(del, "teams/liquid/invites/dave", alice).status == 200);
  CHECK(t.show(alice).body["invites"] == json::array());
}

TEST_CASE("kicks, leaves, the hand-over and roster locks over REST") {
  teams_api t;
  REQUIRE(t.create(alice, json{{"slug", "liquid"}, {"name", "Liquid"}}).status == 201);
  for (const auto& who : {bob, carol}) {
    REQUIRE(t.invite(alice, who.name).status == 201);
    REQUIRE(t.answer(who, "accept").status == 200);
  }
  CHECK(t.remove(nobody, "bob").error == errc::unauthorized);
  CHECK(t.remove(bob, "carol").error == errc::forbidden);
  CHECK(t.remove(alice, "dave").error == errc::not_found);
  CHECK(t.remove(alice, "alice").error == errc::conflict);  // captain_must_hand_over
  CHECK(t.reason_of_conflict("liquid", "alice") == "captain_must_hand_over");

  // A tournament locks the roster: no joining, leaving or kicking.
  REQUIRE(t.node.ask<std::string>("team", "liquid", team_lock_atom::value, std::string{"cup1"}));
  CHECK(t.show(nobody).body["locked_by"] == json{"cup1"});
  CHECK(t.remove(alice, "bob").error == errc::conflict);
  CHECK(t.remove(carol, "carol").error == errc::conflict);
  CHECK(t.reason_of_conflict("liquid", "carol") == "roster_locked");
  REQUIRE(t.invite(alice, "dave").status == 201);  // invites are still sent
  CHECK(t.answer(runtime::principal::user("dave"), "accept").error == errc::conflict);
  REQUIRE(t.node.ask<std::string>("team", "liquid", team_unlock_atom::value, std::string{"cup1"}));
  REQUIRE(t.answer(runtime::principal::user("dave"), "accept").status == 200);

  auto kicked = t.remove(alice, "bob");
  REQUIRE(kicked.status == 200);
  CHECK(kicked.body["members"].size() == 3);
  REQUIRE(t.remove(carol, "carol").status == 200);

  CHECK(t.node.call(post, "teams/liquid/captain", nobody, json{{"user", "dave"}}).error ==
        errc::unauthorized);
  CHECK(t.node.call(post, "teams/liquid/captain", carol, json{{"user", "carol"}}).error ==
        errc::forbidden);
  CHECK(t.node.call(post, "teams/liquid/captain", alice, json{{"user", "bob"}}).error ==
        errc::not_found);  // not a member any more
  CHECK(t.node.call(post, "teams/liquid/captain", alice, json::object()).error ==
        errc::invalid_argument);
  CHECK(t.node.call(post, "teams/nosuch/captain", alice, json{{"user", "dave"}}).error ==
        errc::not_found);
  auto handed = t.node.call(post, "teams/liquid/captain", alice, json{{"user", "dave"}});
  REQUIRE(handed.status == 200);
  CHECK(handed.body["captain"] == "dave");
  REQUIRE(t.remove(alice, "alice").status == 200);
  auto disbanded = t.node.call(del, "teams/liquid/members/dave", runtime::principal::user("dave"));
  REQUIRE(disbanded.status == 200);
  CHECK(disbanded.body["disbanded"] == true);
  CHECK(t.show(nobody).error == errc::not_found);
}

TEST_CASE("GET /me/teams lists the caller's teams and open invites; the console shows a team") {
  teams_api t;
  CHECK(t.node.call(get, "me/teams", nobody).error == errc::unauthorized);
  CHECK(t.node.call(get, "me/teams", admin).error == errc::forbidden);
  auto empty = t.node.call(get, "me/teams", bob);
  REQUIRE(empty.status == 200);
  CHECK(empty.body == json{{"teams", json::array()}, {"invites", json::array()}});

  REQUIRE(t.create(alice, json{{"slug", "liquid"}, {"name", "Liquid"}, {"tag", "TL"}}).status ==
          201);
  REQUIRE(t.create(bob, json{{"slug", "navi"}, {"name", "Natus Vincere"}}).status == 201);
  REQUIRE(t.invite(alice, "bob").status == 201);
  REQUIRE(t.invite(bob, "alice", "navi").status == 201);
  REQUIRE(t.answer(alice, "accept", "navi").status == 200);

  auto mine = t.node.call(get, "me/teams", bob);
  REQUIRE(mine.status == 200);
  REQUIRE(mine.body["teams"].size() == 1);
  CHECK(mine.body["teams"][0]["team"] == "navi");
  CHECK(mine.body["teams"][0]["role"] == "captain");
  REQUIRE(mine.body["invites"].size() == 1);
  CHECK(mine.body["invites"][0]["team"] == "liquid");
  CHECK(mine.body["invites"][0]["tag"] == "TL");
  CHECK(mine.body["invites"][0]["by"] == "alice");
  auto hers = t.node.call(get, "me/teams", alice);
  REQUIRE(hers.body["teams"].size() == 2);
  CHECK(hers.body["invites"] == json::array());

  auto shown = t.node.console("team", "liquid", "get");
  REQUIRE(shown);
  CHECK((*shown)["captain"] == "alice");
  CHECK((*shown)["invites"] == json{"bob"});
  auto roster = t.node.console("team", "navi", "roster");
  REQUIRE(roster);
  CHECK(*roster == json{{"slug", "navi"}, {"captain", "bob"}, {"members", {"bob", "alice"}}});
  CHECK_FALSE(t.node.console("team", "nosuch", "get"));
}
