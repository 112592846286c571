// team/<slug> over a real registry and store with a manual clock: the profile limits (code
// points), the captain's rights, invites (≤ 20 open, roster ≤ 20, only the invited user answers),
// kicks and leaves, the hand-over rule and disbanding, roster locks by tournaments (idempotent,
// joining/leaving/kicking refused while locked, invites still sent), and the same state after a
// restart (replay, and snapshot + tail on RocksDB). The read model of a user's teams is checked
// against the events the entity wrote.
#include "actors/teams/team.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/teams/teams.hpp"
#include "actors/teams/teams_projection.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

struct team_fixture {
  test::entity_fixture f;

  explicit team_fixture(test::entity_fixture_options opts = {.manual_clock = true}) : f(opts) {}

  static caf::expected<json> parsed(caf::expected<std::string> text) {
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  caf::expected<json> create(const std::string& slug, const std::string& by, json body) {
    return parsed(f.ask<std::string>("team", slug, team_create_atom::value, by, body.dump()));
  }
  caf::expected<json> make(const std::string& slug = "liquid", const std::string& by = "alice") {
    return create(slug, by, json{{"name", "Team Liquid"}, {"tag", "TL"}});
  }
  caf::expected<json> get(const std::string& slug = "liquid") {
    return parsed(f.ask<std::string>("team", slug, team_get_atom::value));
  }
  template <class Atom, class... Ts>
  caf::expected<json> send(Atom atom, Ts... xs) {
    return parsed(f.ask<std::string>("team", "liquid", atom, std::string{xs}...));
  }
  caf::expected<json> invite(const std::string& by, const std::string& user) {
    return send(team_invite_atom::value, by, user);
  }
  caf::expected<json> accept(const std::string& user) {
    return send(team_accept_atom::value, user);
  }
  caf::expected<json> remove(const std::string& by, const std::string& user) {
    return send(team_remove_atom::value, by, user);
  }
  // Invites and accepts, so `user` is a member.
  void join(const std::string& user) {
    REQUIRE(invite("alice", user));
    REQUIRE(accept(user));
  }
};

errc code(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return code_of(answer.error());
}

std::string reason(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return reason_of(answer.error());
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

std::vector<std::string> member_names(const json& team) {
  std::vector<std::string> names;
  for (auto& m : team["members"])
    names.push_back(m["user"]);
  return names;
}

}  // namespace

TEST_CASE("a team's slug and profile keep their limits, counted in code points") {
  CHECK(valid_team_slug("abc"));
  CHECK(valid_team_slug(std::string(25, 'a')));
  CHECK(valid_team_slug("team_42"));
  CHECK_FALSE(valid_team_slug("ab"));
  CHECK_FALSE(valid_team_slug(std::string(26, 'a')));
  CHECK_FALSE(valid_team_slug("Team"));
  CHECK_FALSE(valid_team_slug("a-b-c"));

  auto ok = parse_team_create(json{{"slug", "liquid"},
                                   {"name", "  " + repeat("ü", 40) + " "},
                                   {"tag", "ÜÜÜÜÜÜ"},
                                   {"bio", repeat("é", 500)}},
                              "liquid");
  REQUIRE(ok);
  CHECK(*ok->name == repeat("ü", 40));
  CHECK(*ok->tag == "ÜÜÜÜÜÜ");
  auto refused = [](const json& body) {
    auto r = parse_team_create(body, "liquid");
    REQUIRE_FALSE(r);
    return code_of(r.error());
  };
  CHECK(refused(json{{"name", repeat("ü", 41)}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "   "}}) == errc::invalid_argument);
  CHECK(refused(json::object()) == errc::invalid_argument);  // name required
  CHECK(refused(json{{"name", 5}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "a\x01"}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "x"}, {"tag", ""}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "x"}, {"tag", "SEVENXX"}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "x"}, {"tag", "A B"}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "x"}, {"bio", repeat("é", 501)}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "x"}, {"slug", "other"}}) == errc::invalid_argument);
  CHECK(refused(json{{"name", "x"}, {"color", "red"}}) == errc::invalid_argument);
  CHECK(parse_team_create(json{{"name", "x"}, {"bio", "line one\nline two"}}, "liquid"));

  auto cleared = parse_team_patch(json{{"tag", ""}});
  REQUIRE(cleared);
  CHECK(*cleared->tag == "");
  CHECK_FALSE(cleared->name);
  CHECK_FALSE(parse_team_patch(json{{"name", ""}}));
  CHECK_FALSE(parse_team_patch(json{{"captain", "bob"}}));
}

TEST_CASE("the creator is captain; a slug is taken once; the captain edits the profile") {
  team_fixture t;
  CHECK(code(t.get()) == errc::not_found);
  auto made = t.make();
  REQUIRE(made);
  CHECK((*made)["slug"] == "liquid");
  CHECK((*made)["name"] == "Team Liquid");
  CHECK((*made)["tag"] == "TL");
  CHECK((*made)["bio"] == "");
  CHECK((*made)["captain"] == "alice");
  REQUIRE((*made)["members"].size() == 1);
  CHECK((*made)["members"][0] ==
        json{{"user", "alice"}, {"role", "captain"}, {"joined_at_ms", t.f.clock.now_ms()}});
  CHECK((*made)["invites"] == json::array());
  CHECK((*made)["locked_by"] == json::array());

  CHECK(code(t.make("liquid", "bob")) == errc::conflict);
  CHECK(reason(t.make("liquid", "bob")) == "team_exists");
  CHECK(code(t.make("Bad-Slug")) == errc::invalid_argument);
  CHECK(code(t.create("other", "bob", json{{"tag", "X"}})) == errc::invalid_argument);
  CHECK(code(t.parsed(t.f.ask<std::string>("team", "other", team_create_atom::value,
                                           std::string{"alice"}, std::string{"[1]"}))) ==
        errc::invalid_json);
  CHECK(code(t.get("other")) == errc::not_found);  // refused creations leave nothing

  CHECK(code(t.send(team_patch_atom::value, "bob", json{{"name", "Mine"}}.dump())) ==
        errc::forbidden);
  auto patched = t.send(team_patch_atom::value, "alice", json{{"bio", "EU"}, {"tag", ""}}.dump());
  REQUIRE(patched);
  CHECK((*patched)["bio"] == "EU");
  CHECK((*patched)["tag"] == "");
  CHECK((*patched)["name"] == "Team Liquid");
  CHECK(code(t.send(team_patch_atom::value, "alice", json{{"name", ""}}.dump())) ==
        errc::invalid_argument);
  CHECK(code(t.parsed(t.f.ask<std::string>("team", "nosuch", team_patch_atom::value,
                                           std::string{"alice"}, std::string{"{}"}))) ==
        errc::not_found);
}

TEST_CASE("invites: the captain sends, only the invited user answers, limits hold") {
  team_fixture t;
  REQUIRE(t.make());
  CHECK(code(t.invite("bob", "carol")) == errc::forbidden);
  CHECK(code(t.invite("alice", "Not A Name")) == errc::invalid_argument);
  CHECK(reason(t.invite("alice", "alice")) == "already_member");
  auto invited = t.invite("alice", "bob");
  REQUIRE(invited);
  CHECK((*invited)["invites"] == json{"bob"});
  CHECK(reason(t.invite("alice", "bob")) == "already_invited");

  CHECK(code(t.accept("carol")) == errc::not_found);  // no invite for carol
  CHECK(code(t.send(team_decline_atom::value, "carol", "bob")) == errc::forbidden);
  auto joined = t.accept("bob");
  REQUIRE(joined);
  CHECK(member_names(*joined) == std::vector<std::string>{"alice", "bob"});
  CHECK((*joined)["members"][1]["role"] == "member");
  CHECK((*joined)["invites"] == json::array());
  CHECK(reason(t.invite("alice", "bob")) == "already_member");

  REQUIRE(t.invite("alice", "carol"));
  auto declined = t.send(team_decline_atom::value, "carol", "carol");
  REQUIRE(declined);
  CHECK((*declined)["invites"] == json::array());
  CHECK(code(t.accept("carol")) == errc::not_found);
  REQUIRE(t.invite("alice", "carol"));
  REQUIRE(t.send(team_decline_atom::value, "alice", "carol"));  // the captain withdraws
  CHECK(code(t.send(team_decline_atom::value, "alice", "carol")) == errc::not_found);

  // At most 20 open invites.
  for (int i = 0; i < 20; ++i)
    REQUIRE(t.invite("alice", "user" + std::to_string(i)));
  CHECK(reason(t.invite("alice", "dave")) == "invites_full");
  // Roster at most 20: 18 more join (2 + 18 = 20); the others' invites stay but cannot join.
  for (int i = 0; i < 18; ++i)
    REQUIRE(t.accept("user" + std::to_string(i)));
  auto full = t.get();
  REQUIRE(full);
  CHECK((*full)["members"].size() == team_limits::roster_max);
  CHECK(reason(t.accept("user18")) == "roster_full");
  CHECK(reason(t.invite("alice", "dave")) == "roster_full");
  REQUIRE(t.send(team_decline_atom::value, "user19", "user19"));
}

TEST_CASE("kicks, leaves, the captain's hand-over, and the last member disbanding the team") {
  team_fixture t;
  REQUIRE(t.make());
  t.join("bob");
  t.join("carol");
  CHECK(code(t.remove("bob", "carol")) == errc::forbidden);  // members do not kick
  CHECK(code(t.remove("alice", "dave")) == errc::not_found);
  auto kicked = t.remove("alice", "carol");
  REQUIRE(kicked);
  CHECK(member_names(*kicked) == std::vector<std::string>{"alice", "bob"});
  CHECK(reason(t.remove("alice", "alice")) == "captain_must_hand_over");

  CHECK(code(t.send(team_captain_atom::value, "bob", "bob")) == errc::forbidden);
  CHECK(code(t.send(team_captain_atom::value, "alice", "carol")) == errc::not_found);
  auto handed = t.send(team_captain_atom::value, "alice", "bob");
  REQUIRE(handed);
  CHECK((*handed)["captain"] == "bob");
  CHECK((*handed)["members"][0]["role"] == "member");
  CHECK((*handed)["members"][1]["role"] == "captain");
  CHECK(code(t.invite("alice", "dave")) == errc::forbidden);  // no longer captain

  auto left = t.remove("alice", "alice");
  REQUIRE(left);
  CHECK(member_names(*left) == std::vector<std::string>{"bob"});
  auto disbanded = t.remove("bob", "bob");
  REQUIRE(disbanded);
  CHECK(*disbanded == json{{"slug", "liquid"}, {"disbanded", true}});
  CHECK(code(t.get()) == errc::not_found);
  CHECK(code(t.invite("bob", "alice")) == errc::not_found);

  // The slug is free again; the new team starts afresh.
  auto again = t.make("liquid", "carol");
  REQUIRE(again);
  CHECK((*again)["captain"] == "carol");
  CHECK(member_names(*again) == std::vector<std::string>{"carol"});
}

TEST_CASE("a tournament's lock freezes the roster; unlocking is per tournament") {
  team_fixture t;
  CHECK(code(t.send(team_lock_atom::value, "t1")) == errc::not_found);
  auto nothing = t.send(team_unlock_atom::value, "t1");
  REQUIRE(nothing);
  CHECK(*nothing == json{{"locked_by", json::array()}});
  REQUIRE(t.make());
  t.join("bob");
  REQUIRE(t.invite("alice", "carol"));

  auto roster = t.send(team_lock_atom::value, "t1");
  REQUIRE(roster);
  CHECK(*roster == json{{"slug", "liquid"}, {"captain", "alice"}, {"members", {"alice", "bob"}}});
  auto again = t.send(team_lock_atom::value, "t1");  // idempotent
  REQUIRE(again);
  CHECK(*again == *roster);
  REQUIRE(t.send(team_lock_atom::value, "t2"));
  CHECK((*t.get())["locked_by"] == json{"t1", "t2"});
  CHECK(code(t.send(team_lock_atom::value, "")) == errc::invalid_argument);

  CHECK(reason(t.accept("carol")) == "roster_locked");
  CHECK(reason(t.remove("alice", "bob")) == "roster_locked");
  CHECK(reason(t.remove("bob", "bob")) == "roster_locked");
  REQUIRE(t.invite("alice", "dave"));  // invites are still sent
  REQUIRE(t.send(team_patch_atom::value, "alice", json{{"bio", "in a cup"}}.dump()));

  auto one_left = t.send(team_unlock_atom::value, "t1");
  REQUIRE(one_left);
  CHECK(*one_left == json{{"locked_by", {"t2"}}});
  CHECK(reason(t.accept("carol")) == "roster_locked");
  REQUIRE(t.send(team_unlock_atom::value, "t2"));
  REQUIRE(t.send(team_unlock_atom::value, "t2"));  // idempotent
  REQUIRE(t.accept("carol"));
  REQUIRE(t.remove("bob", "bob"));
  CHECK(member_names(*t.get()) == std::vector<std::string>{"alice", "carol"});
}

TEST_CASE("a team comes back the same after a restart, and the read model follows its events") {
  auto check_restart = [](test::entity_fixture_options opts, int extra_invites) {
    team_fixture t{opts};
    REQUIRE(t.make());
    t.join("bob");
    REQUIRE(t.send(team_lock_atom::value, "cup"));
    // Enough invite/decline rounds to pass the snapshot interval when asked to.
    for (int i = 0; i < extra_invites; ++i) {
      REQUIRE(t.invite("alice", "player_x"));
      REQUIRE(t.send(team_decline_atom::value, "player_x", "player_x"));
    }
    REQUIRE(t.invite("alice", "carol"));
    REQUIRE(t.send(team_patch_atom::value, "alice", json{{"name", "Liquid"}}.dump()));
    auto before = t.get();
    REQUIRE(before);
    t.f.restart();
    auto after = t.get();
    REQUIRE(after);
    CHECK(*after == *before);
    CHECK(reason(t.remove("alice", "bob")) == "roster_locked");
    REQUIRE(t.send(team_unlock_atom::value, "cup"));
    REQUIRE(t.accept("carol"));
    return t.get();
  };
  SUBCASE("replay from the in-memory store") { CHECK(check_restart({.manual_clock = true}, 0)); }
  SUBCASE("snapshot + tail on RocksDB") {
    CHECK(check_restart({.rocksdb = true, .manual_clock = true}, 140));
  }
}

TEST_CASE("the read model lists a user's teams and open invites") {
  team_fixture t;
  REQUIRE(t.make());
  t.join("bob");
  REQUIRE(t.invite("alice", "carol"));
  t.f.clock.advance(std::chrono::seconds(1));  // carol's invites are listed newest first
  REQUIRE(t.make("navi", "bob"));
  REQUIRE(t.parsed(t.f.ask<std::string>("team", "navi", team_invite_atom::value, std::string{"bob"},
                                        std::string{"carol"})));
  REQUIRE(t.parsed(t.f.ask<std::string>("team", "navi", team_patch_atom::value, std::string{"bob"},
                                        json{{"tag", "NAVI"}}.dump())));

  auto folder = std::filesystem::temp_directory_path() /
                ("aethex-teams-rm-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(folder);
  {
    storage::projection_runner runner{t.f.events(), folder};
    runner.add(std::make_unique<teams_projection>());
    runner.catch_up();
    auto all = [](std::string_view, std::string_view) { return true; };
    auto bob = teams_of_user(runner.db(), json{{"user", "bob"}}, all);
    REQUIRE(bob.size() == 2);
    CHECK(bob[0]["team"] == "liquid");
    CHECK(bob[0]["role"] == "member");
    CHECK(bob[1]["team"] == "navi");
    CHECK(bob[1]["tag"] == "NAVI");
    CHECK(bob[1]["role"] == "captain");
    auto carol = teams_of_user(runner.db(), json{{"user", "carol"}}, all);
    REQUIRE(carol.size() == 2);
    CHECK(carol[0].contains("invite"));
    CHECK(carol[0]["by"] == "bob");
    CHECK(carol[1]["invite"] == "liquid");
    // Only the member owning a team's partition answers for it.
    auto none = teams_of_user(runner.db(), json{{"user", "carol"}},
                              [](std::string_view, std::string_view id) { return id == "navi"; });
    CHECK(none.size() == 1);

    // Captaincy, leaving and disbanding reach the list.
    REQUIRE(t.send(team_captain_atom::value, "alice", "bob"));
    REQUIRE(t.accept("carol"));
    REQUIRE(t.remove("alice", "alice"));
    runner.catch_up();
    bob = teams_of_user(runner.db(), json{{"user", "bob"}}, all);
    CHECK(bob[0]["role"] == "captain");
    CHECK(teams_of_user(runner.db(), json{{"user", "alice"}}, all).empty());
    REQUIRE(t.remove("bob", "carol"));
    REQUIRE(t.remove("bob", "bob"));  // liquid is disbanded
    runner.catch_up();
    bob = teams_of_user(runner.db(), json{{"user", "bob"}}, all);
    REQUIRE(bob.size() == 1);
    CHECK(bob[0]["team"] == "navi");
    carol = teams_of_user(runner.db(), json{{"user", "carol"}}, all);
    REQUIRE(carol.size() == 1);
    CHECK(carol[0]["invite"] == "navi");
    CHECK(runner.rebuild("teams") > 0);
    CHECK(teams_of_user(runner.db(), json{{"user", "bob"}}, all).size() == 1);
  }
  std::filesystem::remove(folder);
}
