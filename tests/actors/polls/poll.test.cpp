// poll/<channel> over a real registry and store with a manual clock: every limit of a poll and
// a vote with its error code, one free vote per viewer, the end at the poll's duration and by a
// manager, the archive, the throttled live-results frames seen by a chat fan-out, and 5,000
// viewers voting at once (exact counts, every vote answered, the same after a restart), and
// paid votes (spent through engagement/<channel>, refunded when the poll ended first).
#include "actors/polls/poll.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/polls/polls.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

json poll_body(std::string title = "Best map?", json choices = {"Dust", "Nuke"},
               std::int64_t duration_s = 60) {
  return json{
    {"title", std::move(title)}, {"choices", std::move(choices)}, {"duration_s", duration_s}};
}

errc refusal(const json& body) {
  auto spec = parse_poll_spec(body);
  REQUIRE_FALSE(spec);
  return code_of(spec.error());
}

struct poll_fixture {
  test::entity_fixture f{{.manual_clock = true}};

  caf::expected<json> ask_json(caf::expected<std::string> text) {
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  caf::expected<json> start(const json& body, const std::string& channel = "alice") {
    return ask_json(f.ask<std::string>("poll", channel, poll_start_atom::value, body.dump()));
  }
  caf::expected<json> vote(const std::string& user, std::int64_t choice, std::int64_t votes = 1) {
    return ask_json(f.ask<std::string>("poll", "alice", poll_vote_atom::value, user, choice,
                                       votes));
  }
  caf::expected<json> current(const std::string& user = "") {
    return ask_json(f.ask<std::string>("poll", "alice", poll_get_atom::value, user));
  }
  json tick() {
    auto t = ask_json(f.ask<std::string>("poll", "alice", poll_tick_atom::value));
    REQUIRE(t);
    return *t;
  }
  json archive(std::int64_t limit) {
    auto a = ask_json(f.ask<std::string>("poll", "alice", poll_archive_atom::value, limit));
    REQUIRE(a);
    return (*a)["polls"];
  }
};

}  // namespace

TEST_CASE("a poll's creation body keeps Twitch's limits") {
  auto ok = parse_poll_spec(poll_body("  Best map?  ", {"Dust", " Nuke "}, 15));
  REQUIRE(ok);
  CHECK(ok->title == "Best map?");
  CHECK(ok->choices == std::vector<std::string>{"Dust", "Nuke"});
  CHECK(ok->points_per_vote == 0);
  CHECK(parse_poll_spec(poll_body(std::string(60, 'x'), {"a", "b", "c", "d", "e"}, 1800)));
  // Lengths count code points: 60 two-byte letters and a 25-letter choice of them fit.
  std::string umlauts;
  for (int i = 0; i < 60; ++i)
    umlauts += "ü";
  CHECK(parse_poll_spec(poll_body(umlauts, {umlauts.substr(0, 50), "b"})));

  CHECK(refusal(poll_body("")) == errc::invalid_argument);
  CHECK(refusal(poll_body("   ")) == errc::invalid_argument);
  CHECK(refusal(poll_body(std::string(61, 'x'))) == errc::invalid_argument);
  CHECK(refusal(poll_body(umlauts + "ü")) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"only"})) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"a", "b", "c", "d", "e", "f"})) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"a", ""})) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"a", std::string(26, 'b')})) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"a", "a"})) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"a", 2})) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", "a,b")) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"a", "b"}, 14)) == errc::invalid_argument);
  CHECK(refusal(poll_body("t", {"a", "b"}, 1801)) == errc::invalid_argument);
  auto body = poll_body();
  body.erase("duration_s");
  CHECK(refusal(body) == errc::invalid_argument);
  body = poll_body();
  body["duration_s"] = 60.5;
  CHECK(refusal(body) == errc::invalid_argument);
  body = poll_body();
  body["points_per_vote"] = 1'000'001;
  CHECK(refusal(body) == errc::invalid_argument);
  body["points_per_vote"] = -1;
  CHECK(refusal(body) == errc::invalid_argument);
  body["points_per_vote"] = 1'000'000;
  CHECK(parse_poll_spec(body));
  body["color"] = "red";
  CHECK(refusal(body) == errc::invalid_argument);
}

TEST_CASE("one free vote per viewer; a second poll waits for the first to end") {
  poll_fixture p;
  auto none = p.vote("bob", 0);
  REQUIRE_FALSE(none);
  CHECK(code_of(none.error()) == errc::not_found);
  CHECK_FALSE(p.current());

  auto started = p.start(poll_body());
  REQUIRE(started);
  CHECK((*started)["id"] == 1);
  CHECK((*started)["state"] == "active");
  CHECK((*started)["ends_at_ms"] == p.f.clock.now_ms() + 60'000);
  auto second = p.start(poll_body("Other"));
  REQUIRE_FALSE(second);
  CHECK(code_of(second.error()) == errc::conflict);
  auto bad = p.f.ask<std::string>("poll", "alice", poll_start_atom::value, std::string{"[1]"});
  REQUIRE_FALSE(bad);
  CHECK(code_of(bad.error()) == errc::invalid_json);

  auto voted = p.vote("bob", 1);
  REQUIRE(voted);
  CHECK((*voted)["choices"][1]["votes"] == 1);
  CHECK((*voted)["my_votes"] == json{{"choice", 1}, {"votes", 1}});
  auto again = p.vote("bob", 0);
  REQUIRE_FALSE(again);
  CHECK(code_of(again.error()) == errc::conflict);
  auto extra = p.vote("cid", 0, 2);  // extra votes need channel points: off on this poll
  REQUIRE_FALSE(extra);
  CHECK(code_of(extra.error()) == errc::conflict);
  for (std::int64_t wrong : {-1, 2}) {
    auto out_of_range = p.vote("cid", wrong);
    REQUIRE_FALSE(out_of_range);
    CHECK(code_of(out_of_range.error()) == errc::invalid_argument);
  }
  auto zero = p.vote("cid", 0, 0);
  REQUIRE_FALSE(zero);
  CHECK(code_of(zero.error()) == errc::invalid_argument);
  REQUIRE(p.vote("cid", 0));

  auto mine = p.current("bob");
  REQUIRE(mine);
  CHECK((*mine)["total_votes"] == 2);
  CHECK((*mine)["voters"] == 2);
  CHECK((*mine)["my_votes"]["choice"] == 1);
  auto stranger = p.current("dee");
  REQUIRE(stranger);
  CHECK((*stranger)["my_votes"].is_null());
  auto anonymous = p.current();
  REQUIRE(anonymous);
  CHECK_FALSE(anonymous->contains("my_votes"));
}

TEST_CASE("extra votes cost channel points, paid to engagement/<channel>, for the first choice") {
  poll_fixture p;
  // bob's 300 points for his first follow, as the engagement entity reads them from its stream;
  // cid has none.
  REQUIRE(
    p.f.events().append("engagement/alice", storage::no_stream,
                        std::vector{storage::event{
                          "points.earned", 1, 1,
                          json{{"user", "bob"}, {"points", 300}, {"reason", "follow"}}.dump()}}));
  // Points the poll spent from `user`'s balance, as the engagement entity recorded them.
  auto spent = [&](const std::string& user) {
    std::int64_t sum = 0;
    for (auto& e : p.f.events().read_stream("engagement/alice", 1, 1000))
      if (auto j = json::parse(e.data.payload); e.data.type == "points.spent" && j["user"] == user)
        sum += j["points"].get<std::int64_t>();
    return sum;
  };
  auto body = poll_body("Paid", {"a", "b"});
  body["points_per_vote"] = 10;
  REQUIRE(p.start(body));

  auto three = p.vote("bob", 1, 3);  // the first is free, two cost 10 each
  REQUIRE(three);
  CHECK((*three)["my_votes"] == json{{"choice", 1}, {"votes", 3}});
  CHECK(spent("bob") == 20);
  auto two_more = p.vote("bob", 1, 2);
  REQUIRE(two_more);
  CHECK((*two_more)["my_votes"]["votes"] == 5);
  CHECK(spent("bob") == 40);
  auto elsewhere = p.vote("bob", 0, 1);
  REQUIRE_FALSE(elsewhere);
  CHECK(code_of(elsewhere.error()) == errc::conflict);

  auto too_dear = p.vote("cid", 0, 4);  // 30 points
  REQUIRE_FALSE(too_dear);
  CHECK(code_of(too_dear.error()) == errc::conflict);
  CHECK(spent("cid") == 0);
  CHECK((*p.current("cid"))["my_votes"].is_null());
  REQUIRE(p.vote("cid", 0, 1));  // the free one is still there
  auto huge = p.vote("cid", 0, poll_limits::votes_per_request_max + 1);
  REQUIRE_FALSE(huge);
  CHECK(code_of(huge.error()) == errc::invalid_argument);

  auto now = p.current();
  REQUIRE(now);
  CHECK((*now)["total_votes"] == 6);
  CHECK((*now)["voters"] == 2);
  CHECK((*now)["choices"][1]["votes"] == 5);
}

TEST_CASE("points paid for votes the poll could not count are refunded") {
  poll_fixture p;
  constexpr int voters = 40;
  std::vector<storage::event> follows;
  follows.reserve(voters);
  for (int i = 0; i < voters; ++i)
    follows.push_back(storage::event{
      "points.earned", 1, 1,
      json{{"user", "v" + std::to_string(i)}, {"points", 300}, {"reason", "follow"}}.dump()});
  REQUIRE(p.f.events().append("engagement/alice", storage::no_stream, follows));
  auto body = poll_body("Paid", {"a", "b"});
  body["points_per_vote"] = 10;
  REQUIRE(p.start(body));
  // Paid votes race the end: each is either counted with its points spent, or refused with its
  // points (if any were spent) given back.
  using handle = decltype(p.f.self->request(p.f.registry, 10s, route_atom::value, std::string{},
                                            std::string{}, caf::message{}));
  std::vector<handle> asked;
  asked.reserve(voters);
  for (int i = 0; i < voters; ++i)
    asked.push_back(p.f.self->request(
      p.f.registry, 10s, route_atom::value, std::string{"poll"}, std::string{"alice"},
      caf::make_message(poll_vote_atom::value, "v" + std::to_string(i), std::int64_t{0},
                        std::int64_t{3})));
  REQUIRE(p.f.ask<std::string>("poll", "alice", poll_end_atom::value));
  std::vector<bool> counted(voters, false);
  for (int i = 0; i < voters; ++i)
    asked[i].receive([&](const std::string&) { counted[i] = true; },
                     [&](const caf::error& err) { CHECK(code_of(err) == errc::conflict); });

  auto points = [&](const std::string& type, const std::string& user) {
    std::int64_t sum = 0;
    for (auto& e : p.f.events().read_stream("engagement/alice", 1, 10'000))
      if (auto j = json::parse(e.data.payload); e.data.type == type && j["user"] == user)
        sum += j["points"].get<std::int64_t>();
    return sum;
  };
  auto settled = [&] {
    for (int i = 0; i < voters; ++i) {
      auto user = "v" + std::to_string(i);
      auto kept = points("points.spent", user) - points("points.refunded", user);
      if (kept != (counted[i] ? 20 : 0))
        return false;
    }
    return true;
  };
  bool ok = settled();
  for (int i = 0; i < 200 && !ok; ++i) {  // refunds are told, not asked: give them a moment
    std::this_thread::sleep_for(10ms);
    ok = settled();
  }
  CHECK(ok);
  auto ended = p.current();
  REQUIRE(ended);
  auto n = std::count(counted.begin(), counted.end(), true);
  CHECK((*ended)["total_votes"] == 3 * n);
}

TEST_CASE(
  "a poll ends at its duration on the injected clock, stays current 5 minutes, then "
  "lives in the archive") {
  poll_fixture p;
  REQUIRE(p.start(poll_body("Soon over", {"yes", "no"}, 15)));
  REQUIRE(p.vote("bob", 0));
  p.f.clock.advance(14s);
  CHECK(p.tick()["poll"]["state"] == "active");
  p.f.clock.advance(1s);
  auto ended = p.tick()["poll"];
  CHECK(ended["state"] == "ended");
  CHECK(ended["ended_at_ms"] == p.f.clock.now_ms());
  auto late = p.vote("cid", 1);
  REQUIRE_FALSE(late);
  CHECK(code_of(late.error()) == errc::conflict);
  auto end = p.f.ask<std::string>("poll", "alice", poll_end_atom::value);
  REQUIRE_FALSE(end);
  CHECK(code_of(end.error()) == errc::conflict);  // already over

  p.f.clock.advance(4min + 59s);
  auto recent = p.current("bob");
  REQUIRE(recent);
  CHECK((*recent)["state"] == "ended");
  CHECK((*recent)["my_votes"]["votes"] == 1);
  p.f.clock.advance(1s);
  auto gone = p.current();
  REQUIRE_FALSE(gone);
  CHECK(code_of(gone.error()) == errc::not_found);
  auto nothing_to_end = p.f.ask<std::string>("poll", "alice", poll_end_atom::value);
  REQUIRE_FALSE(nothing_to_end);
  CHECK(code_of(nothing_to_end.error()) == errc::not_found);

  auto archived = p.archive(50);
  REQUIRE(archived.size() == 1);
  CHECK(archived[0]["title"] == "Soon over");
  CHECK(archived[0]["choices"][0]["votes"] == 1);
  CHECK(archived[0]["state"] == "ended");

  // A vote arriving after the end time but before any tick finds the poll over, too.
  REQUIRE(p.start(poll_body("Next", {"a", "b"}, 15)));
  p.f.clock.advance(15s);
  auto after = p.vote("bob", 0);
  REQUIRE_FALSE(after);
  CHECK(code_of(after.error()) == errc::conflict);
  CHECK(p.archive(50).size() == 2);
}

TEST_CASE("a manager ends a poll early; the archive keeps the last 50, newest first") {
  poll_fixture p;
  for (int i = 1; i <= 52; ++i) {
    REQUIRE(p.start(poll_body("Poll " + std::to_string(i))));
    REQUIRE(p.vote("bob", i % 2));
    auto ended = p.f.ask<std::string>("poll", "alice", poll_end_atom::value);
    REQUIRE(ended);
    CHECK(json::parse(*ended)["state"] == "ended");
  }
  auto all = p.archive(50);
  REQUIRE(all.size() == 50);
  CHECK(all[0]["title"] == "Poll 52");
  CHECK(all[0]["id"] == 52);
  CHECK(all[49]["title"] == "Poll 3");
  auto few = p.archive(2);
  REQUIRE(few.size() == 2);
  CHECK(few[1]["title"] == "Poll 51");

  p.f.restart();
  auto kept = p.archive(50);
  REQUIRE(kept.size() == 50);
  CHECK(kept[0]["choices"][0]["votes"] == 1);  // poll 52: bob voted 52 % 2 = 0
  auto next = p.start(poll_body("After restart"));
  REQUIRE(next);
  CHECK((*next)["id"] == 53);
}

TEST_CASE("live results reach the chat room on start, at most twice a second, and at the end") {
  poll_fixture p;
  REQUIRE(p.f.ask<std::string>("channel", "alice", create_atom::value,
                               runtime::principal::user("alice"), std::string{"Alice"}));
  caf::scoped_actor viewer{p.f.sys};
  REQUIRE(test::ask_entity<std::string>(viewer, p.f.registry, "chat", "alice", chat_sub_atom::value,
                                        caf::actor{viewer}));
  // Poll frames that arrive within `wait` (other frames are skipped).
  auto frames = [&](std::chrono::milliseconds wait) {
    std::vector<json> out;
    bool quiet = false;
    while (!quiet)
      viewer->receive(
        [&](chat_deliver_atom, const std::string& text) {
          auto frame = json::parse(text);
          if (frame["type"] == "poll")
            out.push_back(frame["poll"]);
        },
        caf::after(wait) >> [&] { quiet = true; });
    return out;
  };

  REQUIRE(p.start(poll_body()));
  auto first = frames(200ms);
  REQUIRE(first.size() == 1);
  CHECK(first[0]["total_votes"] == 0);
  CHECK_FALSE(first[0].contains("my_votes"));

  for (int i = 0; i < 10; ++i)
    REQUIRE(p.vote("v" + std::to_string(i), i % 2));
  p.tick();
  CHECK(frames(300ms).empty());  // the clock has not moved: the start frame was just sent
  p.f.clock.advance(500ms);
  p.tick();
  auto counted = frames(200ms);
  REQUIRE(counted.size() == 1);
  CHECK(counted[0]["total_votes"] == 10);

  for (int i = 10; i < 15; ++i)
    REQUIRE(p.vote("v" + std::to_string(i), 0));
  p.f.clock.advance(200ms);
  p.tick();
  CHECK(frames(200ms).empty());
  p.f.clock.advance(300ms);
  p.tick();
  auto more = frames(200ms);
  REQUIRE(more.size() == 1);
  CHECK(more[0]["total_votes"] == 15);

  REQUIRE(p.f.ask<std::string>("poll", "alice", poll_end_atom::value));
  auto last = frames(200ms);
  REQUIRE(last.size() == 1);
  CHECK(last[0]["state"] == "ended");
  CHECK(last[0]["total_votes"] == 15);
  CHECK(last[0]["choices"][0]["votes"] == 10);
}

TEST_CASE(
  "5,000 viewers voting at once are all answered and counted exactly, also after a "
  "restart") {
  poll_fixture p;
  REQUIRE(p.start(poll_body("Crowd", {"a", "b", "c", "d", "e"}, 600)));
  constexpr int voters = 5000;
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> asked;
  asked.reserve(voters);
  for (int i = 0; i < voters; ++i)
    asked.push_back(p.f.self->request(
      p.f.registry, 10s, route_atom::value, std::string{"poll"}, std::string{"alice"},
      caf::make_message(poll_vote_atom::value, "viewer" + std::to_string(i), std::int64_t{i % 5},
                        std::int64_t{1})));
  int answered = 0;
  int refused = 0;
  for (auto& handle : asked)
    handle.receive(
      [&](const std::string& poll) {
        auto j = json::parse(poll);
        answered += j["my_votes"]["votes"] == 1 ? 1 : 0;
      },
      [&](const caf::error&) { ++refused; });
  CHECK(answered == voters);
  CHECK(refused == 0);
  // A viewer's second vote is refused even while the crowd is being written.
  CHECK_FALSE(p.vote("viewer7", 2));

  auto check_counts = [&] {
    auto now = p.current("viewer42");
    REQUIRE(now);
    CHECK((*now)["total_votes"] == voters);
    CHECK((*now)["voters"] == voters);
    for (int c = 0; c < 5; ++c)
      CHECK((*now)["choices"][c]["votes"] == voters / 5);
    CHECK((*now)["my_votes"] == json{{"choice", 2}, {"votes", 1}});
  };
  check_counts();
  CHECK(p.tick()["votes_in_flight"] == 0);
  CHECK(p.f.events().version("poll/alice") == voters + 1);
  p.f.restart();  // snapshot (every 4,096 events) + the tail
  check_counts();
}
