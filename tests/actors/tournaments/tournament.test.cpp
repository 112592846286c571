// tournament/<id> over its routes, in-process (tests/actors/api_node.hpp) on a manual clock: the
// DESIGN routes' shapes, organizer results with edits recomputing downstream, both-sides reports
// agreeing or disputed, forfeits and withdrawals, check-in removal and reseeding before the
// start only, schedules with offsets stored UTC, iCal, reminders in the inbox 15 minutes before,
// streams, the prize pool paid through the ledger, the chat room's roles, limits and errors, and
// the state after a restart (a second registry replaying the store).
#include <doctest/doctest.h>

#include <thread>

#include "actors/core/icalendar.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/leaderboards/leaderboards.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/teams/teams.hpp"
#include "actors/tournaments/tournament_rules.hpp"
#include "actors/tournaments/tournaments.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto olga = runtime::principal::user("olga");  // organizes
const auto alice = runtime::principal::user("alice");
const auto bob = runtime::principal::user("bob");
const auto carol = runtime::principal::user("carol");
const auto dave = runtime::principal::user("dave");
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

struct tournaments_api {
  test::api_node node{{"tournaments", "notify", "ledger"}, {}};

  std::string create(json body, const runtime::principal& who = olga) {
    auto r = node.call(post, "tournaments", who, body);
    REQUIRE(r.status == 201);
    return r.body["id"].get<std::string>();
  }
  json fetch(const std::string& id) {
    auto r = node.call(http_method::get, "tournaments/" + id, nobody);
    REQUIRE(r.status == 200);
    return r.body;
  }
  test::api_answer on_match(const std::string& id, const std::string& match, const char* what,
                            const runtime::principal& who, json body) {
    return node.call(post, "tournaments/" + id + "/matches/" + match + "/" + what, who, body);
  }
  static json match(const json& t, const std::string& id) {
    for (auto& m : t["matches"])
      if (m["id"] == id)
        return m;
    FAIL("no match " << id);
    return nullptr;
  }
  std::string four(int best_of = 3, json extra = json::object()) {
    json body{{"name", "Winter Cup"},
              {"format", "single_elimination"},
              {"entrants", {"alice", "bob", "carol", "dave"}},
              {"best_of", best_of},
              {"start", true}};
    body.update(extra);
    return create(body);
  }
};

}  // namespace

TEST_CASE("the DESIGN routes: create and start at once, organizer results, the champion") {
  tournaments_api t;
  CHECK(t.node.call(post, "tournaments", nobody, {{"name", "x"}}).error == errc::unauthorized);
  auto id = t.four();
  CHECK(valid_tournament_id(id));
  auto got = t.fetch(id);
  CHECK(got["state"] == "running");
  CHECK(got["organizer"] == "olga");
  CHECK(got["chat_room"] == "tournament:" + id);
  REQUIRE(got["matches"].size() == 3);
  auto first = tournaments_api::match(got, "W1-1");
  CHECK(first["opponents"] == json{"alice", "dave"});  // 1 v 4
  CHECK(first["status"] == "ready");
  CHECK(tournaments_api::match(got, "W2-1")["status"] == "waiting");

  auto result = [&](const std::string& m, const char* winner, json score) {
    return t.on_match(id, m, "result", olga, {{"winner", winner}, {"score", score}});
  };
  CHECK(result("W1-1", "alice", {2, 2}).error == errc::invalid_argument);  // not a Bo3 finish
  CHECK(result("W1-1", "alice", {1, 2}).error == errc::invalid_argument);  // the loser won more
  CHECK(result("W1-1", "bob", {2, 0}).error == errc::invalid_argument);    // not an opponent
  CHECK(result("W9-9", "alice", {2, 0}).error == errc::not_found);
  CHECK(result("W2-1", "alice", {2, 0}).error == errc::conflict);  // no opponents yet
  CHECK(t.on_match(id, "W1-1", "result", bob, {{"winner", "bob"}, {"score", {2, 0}}}).error ==
        errc::forbidden);
  CHECK(result("W1-1", "alice", {2, 1}).status == 200);
  CHECK(result("W1-2", "carol", {0, 2}).status == 200);
  auto final_ready = tournaments_api::match(t.fetch(id), "W2-1");
  CHECK(final_ready["opponents"] == json{"alice", "carol"});
  CHECK(final_ready["status"] == "ready");
  auto done = result("W2-1", "carol", {1, 2});
  REQUIRE(done.status == 200);
  CHECK(done.body["state"] == "finished");
  CHECK(done.body["champion"] == "carol");

  // The list (read model) shows it finished.
  auto list = t.node.call(get, "tournaments?state=finished", nobody);
  REQUIRE(list.status == 200);
  REQUIRE(list.body["tournaments"].size() == 1);
  CHECK(list.body["tournaments"][0]["champion"] == "carol");
  CHECK(t.node.call(get, "tournaments?state=bogus", nobody).error == errc::invalid_argument);
  CHECK(t.node.call(get, "tournaments/nosuchtour", nobody).error == errc::not_found);
  CHECK(t.node.call(get, "tournaments/bad", nobody).error == errc::not_found);
}

TEST_CASE("an edit upstream recomputes downstream; both-sides reports agree or dispute") {
  tournaments_api t;
  auto id = t.four();
  // Both sides of W1-1 agree: settled without the organizer.
  CHECK(t.on_match(id, "W1-1", "report", carol, {{"winner", "alice"}, {"score", {2, 0}}}).error ==
        errc::forbidden);  // not a side of W1-1
  auto one = t.on_match(id, "W1-1", "report", alice, {{"winner", "alice"}, {"score", {2, 0}}});
  REQUIRE(one.status == 200);
  CHECK(tournaments_api::match(one.body, "W1-1")["status"] == "ready");
  CHECK(tournaments_api::match(one.body, "W1-1")["reports"].contains("alice"));
  auto two = t.on_match(id, "W1-1", "report", dave, {{"winner", "alice"}, {"score", {2, 0}}});
  REQUIRE(two.status == 200);
  CHECK(tournaments_api::match(two.body, "W1-1")["status"] == "done");
  CHECK(tournaments_api::match(two.body, "W1-1")["winner"] == "alice");
  CHECK(t.on_match(id, "W1-1", "report", dave, {{"winner", "dave"}, {"score", {0, 2}}}).error ==
        errc::conflict);  // settled: only the organizer edits now

  // W1-2: the sides differ → disputed until the organizer decides.
  t.on_match(id, "W1-2", "report", bob, {{"winner", "bob"}, {"score", {2, 1}}});
  auto differ = t.on_match(id, "W1-2", "report", carol, {{"winner", "carol"}, {"score", {1, 2}}});
  REQUIRE(differ.status == 200);
  CHECK(tournaments_api::match(differ.body, "W1-2")["status"] == "disputed");
  auto resolved = t.on_match(id, "W1-2", "result", olga, {{"winner", "bob"}, {"score", {2, 1}}});
  CHECK(tournaments_api::match(resolved.body, "W1-2")["status"] == "done");
  CHECK(tournaments_api::match(resolved.body, "W2-1")["opponents"] == json{"alice", "bob"});
  auto final_done = t.on_match(id, "W2-1", "result", olga,
                               {{"winner", "alice"}, {"score", {2, 0}}});
  CHECK(final_done.body["champion"] == "alice");

  // The organizer edits W1-2: carol, not bob, goes on; the final's result no longer applies.
  auto edited = t.on_match(id, "W1-2", "result", olga, {{"winner", "carol"}, {"score", {0, 2}}});
  REQUIRE(edited.status == 200);
  auto fin = tournaments_api::match(edited.body, "W2-1");
  CHECK(fin["opponents"] == json{"alice", "carol"});
  CHECK(fin["status"] == "ready");
  CHECK(edited.body["state"] == "running");
  CHECK(edited.body["champion"].is_null());
  CHECK(edited.body["dropped"] == json{"W2-1"});
}

TEST_CASE("forfeits, no-shows and withdrawals after the start") {
  tournaments_api t;
  auto id = t.four();
  CHECK(t.on_match(id, "W1-1", "forfeit", bob, {{"entrant", "dave"}}).error == errc::forbidden);
  CHECK(t.on_match(id, "W1-1", "forfeit", olga, {{"entrant", "bob"}}).error ==
        errc::invalid_argument);
  auto noshow = t.on_match(id, "W1-1", "forfeit", olga, {{"entrant", "dave"}});  // a no-show
  REQUIRE(noshow.status == 200);
  auto m = tournaments_api::match(noshow.body, "W1-1");
  CHECK(m["winner"] == "alice");
  CHECK(m["forfeit"] == true);
  auto own = t.on_match(id, "W1-2", "forfeit", carol, {{"entrant", "carol"}});
  CHECK(tournaments_api::match(own.body, "W1-2")["winner"] == "bob");
  // bob withdraws from the tournament: he forfeits the final.
  auto gone = t.node.call(del, "tournaments/" + id + "/entrants/bob", bob);
  REQUIRE(gone.status == 200);
  CHECK(gone.body["champion"] == "alice");
  CHECK(t.node.call(del, "tournaments/" + id + "/entrants/alice", carol).error == errc::forbidden);
}

TEST_CASE("check-in: the window, no check-in removed and seeds compacted before the start only") {
  tournaments_api t;
  auto starts = t.node.clock.now_ms() + 60 * 60'000;
  auto id = t.create({{"name", "Check-in Cup"},
                      {"format", "single_elimination"},
                      {"starts_at", starts},
                      {"check_in_minutes", 30}});
  for (auto* who : {&alice, &bob, &carol})
    CHECK(t.node.call(post, "tournaments/" + id + "/entrants", *who, json::object()).status == 200);
  CHECK(t.node.call(post, "tournaments/" + id + "/entrants", alice, json::object()).error ==
        errc::conflict);
  CHECK(t.node.call(post, "tournaments/" + id + "/entrants", bob, {{"name", "dave"}}).error ==
        errc::forbidden);
  REQUIRE(t.node.call(post, "tournaments/" + id + "/entrants", olga, {{"name", "dave"}}).status ==
          200);
  CHECK(t.node.call(post, "tournaments/" + id + "/check-in", alice, json::object()).error ==
        errc::conflict);  // not open yet
  t.node.clock.advance(31min);
  for (auto* who : {&alice, &carol, &dave})
    CHECK(t.node.call(post, "tournaments/" + id + "/check-in", *who, json::object()).status == 200);
  CHECK(t.node.call(post, "tournaments/" + id + "/check-in", olga, json::object()).error ==
        errc::not_found);
  // bob never checks in: at starts_at the tick removes him and compacts the seeds.
  t.node.clock.advance(30min);
  REQUIRE(t.node.console("tournament", id, "tick"));
  auto after = t.fetch(id);
  CHECK(after["state"] == "registration");
  REQUIRE(after["entrants"].size() == 3);
  CHECK(after["entrants"][1]["name"] == "carol");
  CHECK(after["entrants"][1]["seed"] == 2);
  auto started = t.node.call(post, "tournaments/" + id + "/start", olga);
  REQUIRE(started.status == 200);
  CHECK(started.body["state"] == "running");
  CHECK(started.body["matches"].size() == 2);  // 3 entrants: alice has a bye
  CHECK(t.node.call(post, "tournaments/" + id + "/start", olga).error == errc::conflict);
  CHECK(t.node.call(post, "tournaments/" + id + "/entrants", bob, json::object()).error ==
        errc::conflict);
}

TEST_CASE("schedule with offsets stored UTC, iCal, and a reminder 15 minutes before") {
  tournaments_api t;
  auto id = t.four();
  auto at = t.node.clock.now_ms() + 40 * 60'000;
  at -= at % 1000;
  CHECK(
    t.node.call(put, "tournaments/" + id + "/matches/W1-1/schedule", alice, {{"at", at}}).error ==
    errc::forbidden);
  CHECK(t.node
          .call(put, "tournaments/" + id + "/matches/W1-1/schedule", olga,
                {{"at", "2026-12-04 10:00"}})
          .error == errc::invalid_argument);  // no offset: ambiguous
  auto iso = t.node.call(put, "tournaments/" + id + "/matches/W1-2/schedule", olga,
                         {{"at", "2026-12-24T20:30:00+02:00"}});
  REQUIRE(iso.status == 200);
  CHECK(tournaments_api::match(iso.body, "W1-2")["scheduled_at_ms"] == 1'798'137'000'000);
  REQUIRE(
    t.node.call(put, "tournaments/" + id + "/matches/W1-1/schedule", olga, {{"at", at}}).status ==
    200);

  auto cal = t.node.call(get, "tournaments/" + id + "/calendar.ics", nobody);
  REQUIRE(cal.status == 200);
  CHECK(cal.content_type.starts_with("text/calendar"));
  CHECK(cal.text.starts_with("BEGIN:VCALENDAR\r\n"));
  CHECK(cal.text.find("DTSTART:20261224T183000Z\r\n") != std::string::npos);
  CHECK(cal.text.find("SUMMARY:Winter Cup: bob vs carol (W1-2)") != std::string::npos);
  CHECK(cal.text.find("END:VCALENDAR\r\n") != std::string::npos);

  auto inbox = [&](const runtime::principal& who) {
    auto r = t.node.call(get, "me/notifications", who);
    REQUIRE(r.status == 200);
    return r.body["notifications"];
  };
  REQUIRE(t.node.console("tournament", id, "tick"));
  CHECK(inbox(alice).empty());  // 40 minutes ahead: not yet
  t.node.clock.advance(26min);  // 14 minutes before
  auto due = t.node.query(std::string{"tournaments.due"}, json{{"now_ms", t.node.clock.now_ms()}});
  REQUIRE(due);
  REQUIRE(due->size() == 1);  // what the node's ticker would tick
  REQUIRE(t.node.console("tournament", id, "tick"));
  REQUIRE(t.node.console("tournament", id, "tick"));  // once only
  auto mine = inbox(alice);
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["kind"] == "match_reminder");
  CHECK(mine[0]["link"] == "/t/" + id);
  CHECK(mine[0]["read"] == false);
  CHECK(mine[0]["title"].get<std::string>().find("alice vs dave") != std::string::npos);
  CHECK(inbox(dave).size() == 1);
  CHECK(inbox(bob).empty());
}

TEST_CASE("streams and the prize pool paid through the ledger") {
  tournaments_api t;
  auto id = t.four(1, {{"prize_pool",
                        {{"amount", 10'001}, {"currency", "USD"}, {"split_bp", {7000, 3000}}}}});
  auto streams = [&](json channels) {
    return t.node.call(put, "tournaments/" + id + "/matches/W2-1/streams", olga,
                       {{"channels", channels}});
  };
  CHECK(streams({"a1", "b22", "c33", "d44", "e55"}).error == errc::invalid_argument);
  CHECK(streams({"Not A Channel"}).error == errc::invalid_argument);
  auto linked = streams({"alice", "bob"});
  REQUIRE(linked.status == 200);
  CHECK(tournaments_api::match(linked.body, "W2-1")["channels"] == json{"alice", "bob"});

  CHECK(t.node.call(post, "tournaments/" + id + "/prizes/fund", olga, {{"amount", 10'001}}).error ==
        errc::unauthorized);
  REQUIRE(
    t.node.call(post, "tournaments/" + id + "/prizes/fund", admin, {{"amount", 10'001}}).status ==
    200);
  CHECK(t.node.call(post, "tournaments/" + id + "/prizes/pay", olga).error == errc::conflict);
  REQUIRE(t.on_match(id, "W1-1", "result", olga, {{"winner", "alice"}, {"score", {1, 0}}}).status ==
          200);
  REQUIRE(t.on_match(id, "W1-2", "result", olga, {{"winner", "bob"}, {"score", {1, 0}}}).status ==
          200);
  REQUIRE(t.on_match(id, "W2-1", "result", olga, {{"winner", "bob"}, {"score", {0, 1}}}).status ==
          200);
  auto paid = t.node.call(post, "tournaments/" + id + "/prizes/pay", olga);
  REQUIRE(paid.status == 200);
  auto payouts = paid.body["prize_pool"]["payouts"];
  REQUIRE(payouts.size() == 2);
  CHECK(payouts[0]["user"] == "bob");
  CHECK(payouts[0]["amount"] == 7001);  // floor(7000.7) + the remainder
  CHECK(payouts[1]["user"] == "alice");
  CHECK(payouts[1]["amount"] == 3000);
  auto balance = [&](const std::string& account) {
    auto text = t.node.ask<std::string>("ledger", std::string{main_ledger},
                                        ledger_account_atom::value, account);
    REQUIRE(text);
    auto j = json::parse(*text);
    return j["credits_posted"].get<std::int64_t>() - j["debits_posted"].get<std::int64_t>();
  };
  CHECK(balance("channel:bob:earnings") == 7001);
  CHECK(balance("channel:alice:earnings") == 3000);
  CHECK(balance("tournament:" + id + ":pool") == 0);
  // Paying again changes nothing.
  CHECK(t.node.call(post, "tournaments/" + id + "/prizes/pay", olga).status == 200);
  CHECK(balance("channel:bob:earnings") == 7001);
}

TEST_CASE("the chat room: the organizer is its broadcaster, co-organizers moderate") {
  tournaments_api t;
  auto id = t.four();
  auto role = [&](const runtime::principal& who) {
    auto info = t.node.ask<std::string>("chat", "tournament:" + id, chat_info_atom::value, who);
    REQUIRE(info);
    return json::parse(*info)["role"].get<std::string>();
  };
  CHECK(role(olga) == "broadcaster");
  CHECK(role(bob) == "viewer");
  REQUIRE(t.node.call(post, "tournaments/" + id + "/organizers", olga, {{"user", "mia"}}).status ==
          200);
  CHECK(role(runtime::principal::user("mia")) == "moderator");
  CHECK(!t.node.ask<std::string>("chat", "tournament:nosuchtour", chat_info_atom::value, bob));
  CHECK(valid_room_name("tournament:" + id));
  CHECK(!valid_room_name("tournament:"));
  CHECK(!valid_room_name("tournament:ABC"));
  CHECK(!valid_room_name("other:abc"));
}

TEST_CASE("limits and error codes") {
  tournaments_api t;
  auto bad = [&](json body) { return t.node.call(post, "tournaments", olga, body).error; };
  CHECK(bad({{"format", "single_elimination"}}) == errc::invalid_argument);
  CHECK(bad({{"name", std::string(81, 'x')}, {"format", "single_elimination"}}) ==
        errc::invalid_argument);
  CHECK(bad({{"name", "x"}, {"format", "ladder"}}) == errc::invalid_argument);
  CHECK(bad({{"name", "x"}, {"format", "single_elimination"}, {"best_of", 2}}) ==
        errc::invalid_argument);
  CHECK(bad({{"name", "x"}, {"format", "single_elimination"}, {"entrants", {"a1", "a1"}}}) ==
        errc::invalid_argument);
  CHECK(
    bad({{"name", "x"}, {"format", "single_elimination"}, {"entrants", {"a1"}}, {"start", true}}) ==
    errc::invalid_argument);
  CHECK(bad({{"name", "x"}, {"format", "single_elimination"}, {"starts_at", "tomorrow"}}) ==
        errc::invalid_argument);
  CHECK(bad({{"name", "x"},
             {"format", "single_elimination"},
             {"prize_pool", {{"amount", 100}, {"currency", "USD"}, {"split_bp", {5000}}}}}) ==
        errc::invalid_argument);
  CHECK(bad({{"name", "x"}, {"format", "single_elimination"}, {"colour", "red"}}) ==
        errc::invalid_argument);
  auto id = t.four();
  CHECK(t.node.call(patch, "tournaments/" + id, olga, {{"best_of", 5}}).error == errc::conflict);
  CHECK(t.node.call(patch, "tournaments/" + id, olga, {{"name", "Renamed"}}).body["name"] ==
        "Renamed");
  CHECK(t.node.call(patch, "tournaments/" + id, bob, {{"name", "Mine"}}).error == errc::forbidden);
  for (int i = 0; i < 10; ++i)
    REQUIRE(t.node
              .call(post, "tournaments/" + id + "/organizers", olga,
                    {{"user", "co" + std::to_string(i)}})
              .status == 200);
  CHECK(t.node.call(post, "tournaments/" + id + "/organizers", olga, {{"user", "co99"}}).error ==
        errc::conflict);
  // 20 open tournaments per organizer (this one included); the admin has no such limit.
  for (int i = 1; i < 20; ++i)
    t.create({{"name", "T" + std::to_string(i)}, {"format", "round_robin"}});
  CHECK(bad({{"name", "one too many"}, {"format", "swiss"}}) == errc::conflict);
  t.create({{"name", "by the admin"}, {"format", "swiss"}}, admin);
}

TEST_CASE("restart: a fresh activation replays the same tournament") {
  tournaments_api t;
  auto id = t.four();
  t.on_match(id, "W1-1", "result", olga, {{"winner", "dave"}, {"score", {1, 2}}});
  t.on_match(id, "W1-2", "report", bob, {{"winner", "bob"}, {"score", {2, 0}}});
  t.on_match(id, "W1-2", "report", carol, {{"winner", "carol"}, {"score", {0, 2}}});
  t.node.call(put, "tournaments/" + id + "/matches/W2-1/schedule", olga,
              {{"at", "2027-01-01T00:00:00Z"}});
  auto before = t.fetch(id);
  runtime::entity_kinds kinds;
  add_tournament_kind(kinds, *t.node.store, t.node.clock);
  auto second = runtime::spawn_entity_registry(t.node.sys, std::move(kinds));
  auto text = test::ask_entity<std::string>(t.node.self, second, "tournament", id,
                                            trn_get_atom::value);
  REQUIRE(text);
  auto after = json::parse(*text);
  CHECK(after["matches"] == before["matches"]);
  CHECK(tournaments_api::match(after, "W1-2")["status"] == "disputed");
  CHECK(after["entrants"] == before["entrants"]);
  t.node.self->send_exit(second, caf::exit_reason::user_shutdown);
}

TEST_CASE("rules: times, scores, splits, iCal folding") {
  using namespace aethex::actors::esports;
  CHECK(!parse_time(json("1970-01-01T00:00:00Z"), "at"));  // the epoch itself is refused
  CHECK(*parse_time(json("2026-12-04T09:30:00.250+01:00"), "at") == 1'796'373'000'250);
  CHECK(*parse_time(json("2026-12-04T08:30Z"), "at") == 1'796'373'000'000);
  CHECK(!parse_time(json("2026-13-04T08:30Z"), "at"));
  CHECK(aethex::actors::ical_utc(1'796'373'000'250) == "20261204T083000Z");
  CHECK(valid_score(1, {1, 0}, 0));
  CHECK(!valid_score(1, {2, 0}, 0));
  CHECK(valid_score(5, {3, 2}, 0));
  CHECK(valid_score(7, {1, 4}, 1));
  CHECK(!valid_score(7, {4, 4}, 1));
  CHECK(split_prize(100, {5000, 3000, 2000}) == std::vector<std::int64_t>{50, 30, 20});
  CHECK(split_prize(101, {3333, 3333, 3334}) == std::vector<std::int64_t>{35, 33, 33});
  CHECK(share_equally(10, 3) == std::vector<std::int64_t>{4, 3, 3});
  std::string accents;
  for (int i = 0; i < 100; ++i)
    accents += "\xc3\xa9";  // é: two octets that a fold must not split
  std::vector<aethex::actors::ical_event> events{
    {"u1", 0, 3'600'000, std::string(200, 'x') + ";,", accents, ""}};
  auto text = aethex::actors::ical_calendar({"Test", "Cal", {}}, events, 0);
  CHECK(text.find("\\;\\,") != std::string::npos);
  for (std::size_t pos = 0, next; (next = text.find("\r\n", pos)) != std::string::npos;
       pos = next + 2) {
    CHECK(next - pos <= 75);
    if (text[pos] == ' ')  // a continuation never begins inside a UTF-8 sequence
      CHECK((static_cast<unsigned char>(text[pos + 1]) & 0xC0) != 0x80);
  }
}

TEST_CASE("team entrants: captains register, check in and report; rosters lock at the start") {
  tournaments_api t;
  auto team = [&](const std::string& slug, const std::string& captain,
                  std::vector<std::string> members) {
    REQUIRE(t.node.ask<std::string>("team", slug, team_create_atom::value, captain,
                                    json{{"name", "Team " + slug}}.dump()));
    for (auto& m : members) {
      REQUIRE(t.node.ask<std::string>("team", slug, team_invite_atom::value, captain, m));
      REQUIRE(t.node.ask<std::string>("team", slug, team_accept_atom::value, m));
    }
  };
  team("reds", "alice", {"ann"});
  team("blues", "bob", {"ben", "bea"});
  auto id = t.create({{"name", "Team Cup"},
                      {"format", "single_elimination"},
                      {"entrant_type", "team"},
                      {"prize_pool",
                       {{"amount", 1000}, {"currency", "USD"}, {"split_bp", {10000}}}}});
  auto enter = [&](const runtime::principal& who, const char* slug) {
    return t.node.call(post, "tournaments/" + id + "/entrants", who, {{"team", slug}});
  };
  CHECK(enter(runtime::principal::user("ann"), "reds").error == errc::forbidden);  // not captain
  CHECK(enter(alice, "nosuch").error == errc::not_found);
  REQUIRE(enter(alice, "reds").status == 200);
  REQUIRE(enter(bob, "blues").status == 200);
  auto started = t.node.call(post, "tournaments/" + id + "/start", olga);
  REQUIRE(started.status == 200);
  CHECK(started.body["entrants"][1]["roster"]["members"].size() == 3);
  // The team's calendar lists its scheduled matches across tournaments.
  REQUIRE(t.node
            .call(put, "tournaments/" + id + "/matches/W1-1/schedule", olga,
                  {{"at", "2027-03-01T18:00:00-05:00"}})
            .status == 200);
  auto cal = t.node.call(get, "teams/blues/calendar.ics", nobody);
  REQUIRE(cal.status == 200);
  CHECK(cal.text.find("DTSTART:20270301T230000Z") != std::string::npos);
  CHECK(cal.text.find("SUMMARY:Team Cup: reds vs blues (W1-1)") != std::string::npos);
  CHECK(t.node.call(get, "teams/reds/calendar.ics", nobody).text.find("W1-1") != std::string::npos);
  CHECK(t.node.call(get, "teams/greens/calendar.ics", nobody).text.find("VEVENT") ==
        std::string::npos);
  // The roster is locked: nobody leaves blues while the tournament runs.
  CHECK(!t.node.ask<std::string>("team", "blues", team_remove_atom::value, std::string{"bea"},
                                 std::string{"bea"}));
  CHECK(t.on_match(id, "W1-1", "report", runtime::principal::user("ben"),
                   {{"winner", "blues"}, {"score", {0, 1}}})
          .error == errc::forbidden);  // captains report
  t.on_match(id, "W1-1", "report", alice, {{"winner", "blues"}, {"score", {0, 1}}});
  auto done = t.on_match(id, "W1-1", "report", bob, {{"winner", "blues"}, {"score", {0, 1}}});
  REQUIRE(done.status == 200);
  CHECK(done.body["champion"] == "blues");
  // A start that cannot lock a team leaves the new tournament in registration and says why.
  auto failed = t.node.call(post, "tournaments", olga,
                            {{"name", "Ghost Cup"},
                             {"format", "single_elimination"},
                             {"entrant_type", "team"},
                             {"entrants", {"reds", "ghosts"}},
                             {"start", true}});
  REQUIRE(failed.status == 201);
  CHECK(failed.body["state"] == "registration");
  CHECK(failed.body["start_error"].get<std::string>().find("ghosts") != std::string::npos);
  // Finished: the rosters are unlocked, and the prize is shared by the roster (captain first).
  CHECK(t.node.ask<std::string>("team", "blues", team_remove_atom::value, std::string{"bea"},
                                std::string{"bea"}));
  REQUIRE(
    t.node.call(post, "tournaments/" + id + "/prizes/fund", admin, {{"amount", 1000}}).status ==
    200);
  auto paid = t.node.call(post, "tournaments/" + id + "/prizes/pay", olga);
  REQUIRE(paid.status == 200);
  auto payouts = paid.body["prize_pool"]["payouts"];
  REQUIRE(payouts.size() == 3);
  CHECK(payouts[0]["user"] == "bob");
  CHECK(payouts[0]["amount"] == 334);
  CHECK(payouts[1]["amount"] == 333);
}

TEST_CASE("a tournament with a game feeds its leaderboard and the champion's achievement") {
  tournaments_api t;
  REQUIRE(t.node.ask<std::string>(
    "leaderboard", "chess_blitz", lb_create_atom::value, std::string{"olga"},
    json{{"game", "chess_blitz"}, {"name", "Chess blitz"}, {"mode", "rating"}}.dump()));
  auto id = t.create({{"name", "Blitz Open"},
                      {"format", "single_elimination"},
                      {"game", "chess_blitz"},
                      {"entrants", {"alice", "bob"}},
                      {"start", true}});
  REQUIRE(t.on_match(id, "W1-1", "result", olga, {{"winner", "bob"}, {"score", {0, 1}}}).status ==
          200);
  auto stats = [&](const std::string& player) {
    json j;
    for (int i = 0; i < 100; ++i) {
      auto text = t.node.ask<std::string>("leaderboard", "chess_blitz", lb_stats_atom::value,
                                          player);
      if (text && (j = json::parse(*text)).value("matches", 0) > 0 &&
          !j.value("achievements", json::array()).empty())
        return j;
      std::this_thread::sleep_for(20ms);  // the tells are asynchronous
    }
    return j;
  };
  auto bob_stats = stats("bob");
  CHECK(bob_stats["wins"] == 1);
  CHECK(bob_stats["achievements"].dump().find("tournament_winner") != std::string::npos);
}

TEST_CASE("a settled match with streams wants its VODs, and links them with the offset") {
  tournaments_api t;
  auto id = t.four(1);
  REQUIRE(t.node
            .call(put, "tournaments/" + id + "/matches/W1-1/streams", olga,
                  {{"channels", {"alice", "dave"}}})
            .status == 200);
  REQUIRE(t.on_match(id, "W1-1", "result", olga, {{"winner", "alice"}, {"score", {1, 0}}}).status ==
          200);
  auto tick = [&] {
    auto answer = t.node.console("tournament", id, "tick");
    REQUIRE(answer);
    return *answer;
  };
  CHECK(tick()["vods_wanted"].empty());  // the recording needs a moment to show up
  t.node.clock.advance(3min);
  auto wanted = tick()["vods_wanted"];
  REQUIRE(wanted.size() == 2);
  CHECK(wanted[0]["match"] == "W1-1");
  CHECK(wanted[0]["channel"] == "alice");
  CHECK(tick()["next_due_ms"].get<std::int64_t>() > t.node.clock.now_ms());  // the next lookup
  auto linked = t.node.ask<std::string>("tournament", id, trn_vod_atom::value, std::string{"W1-1"},
                                        std::string{"alice"}, std::string{"v123"},
                                        std::int64_t{754});
  REQUIRE(linked);
  auto vods = tournaments_api::match(json::parse(*linked), "W1-1")["vods"];
  CHECK(vods == json{{{"channel", "alice"}, {"vod", "v123"}, {"offset_s", 754}}});
  CHECK(tick()["vods_wanted"].size() == 1);  // dave's is still missing
  CHECK(!t.node.ask<std::string>("tournament", id, trn_vod_atom::value, std::string{"W1-1"},
                                 std::string{"bob"}, std::string{"v9"}, std::int64_t{0}));
  t.node.clock.advance(7h);
  CHECK(tick()["vods_wanted"].empty());  // given up after six hours
}
