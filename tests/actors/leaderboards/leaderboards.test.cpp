// leaderboard/<game>: Glicko-2 against the worked example of Glickman's paper, the rank index
// over a million scores (ranks, neighbours, query time), window starts and rollover on a manual
// clock with the change since the last window, achievements, idempotent matches, limits, and the
// same state after a restart (replay) and after a snapshot round trip.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/leaderboards/board.hpp"
#include "actors/leaderboards/glicko2.hpp"
#include "actors/leaderboards/internal.hpp"
#include "actors/leaderboards/leaderboards.hpp"
#include "actors/leaderboards/rank_index.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr std::int64_t day_ms = 86'400'000;

struct lb_fixture {
  test::entity_fixture f{{.manual_clock = true}};

  caf::expected<json> ask_json(caf::expected<std::string> text) {
    if (!text)
      return text.error();
    return json::parse(*text);
  }
  template <class... Ts>
  caf::expected<json> ask(const std::string& game, Ts... xs) {
    return ask_json(f.ask<std::string>("leaderboard", game, std::move(xs)...));
  }
  json create(const std::string& game, const std::string& mode, const std::string& order = "desc") {
    auto made = ask(game, lb_create_atom::value, std::string{"olga"},
                    json{{"name", "The " + game}, {"mode", mode}, {"order", order}}.dump());
    REQUIRE(made);
    return *made;
  }
  std::string key(const std::string& game) {
    auto k = ask(game, lb_key_new_atom::value, std::string{"olga"});
    REQUIRE(k);
    return (*k)["key"].get<std::string>();
  }
  caf::expected<json> score(const std::string& game, const std::string& key,
                            const std::string& player, double value, json stats = nullptr) {
    json body{{"player", player}, {"score", value}};
    if (!stats.is_null())
      body["stats"] = stats;
    return ask(game, lb_score_atom::value, key, body.dump());
  }
  caf::expected<json> match(const std::string& game, const std::string& winner,
                            const std::string& loser, const std::string& id = "",
                            bool draw = false) {
    return ask(game, lb_match_atom::value,
               json{{"winner", winner}, {"loser", loser}, {"match_id", id}, {"draw", draw}}.dump());
  }
  json player(const std::string& game, const std::string& who, const std::string& window,
              std::int64_t around = 2) {
    auto p = ask(game, lb_player_atom::value, who, window, around);
    REQUIRE(p);
    return *p;
  }
  json top(const std::string& game, const std::string& window, std::int64_t limit = 10) {
    auto t = ask(game, lb_top_atom::value, window, std::int64_t{0}, limit);
    REQUIRE(t);
    return (*t)["entries"];
  }
  json stats(const std::string& game, const std::string& who) {
    auto s = ask(game, lb_stats_atom::value, who);
    REQUIRE(s);
    return *s;
  }
};

std::vector<std::string> players_of(const json& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries)
    out.push_back(e["player"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("Glicko-2 reproduces the worked example of Glickman's paper") {
  // "Example of the Glicko-2 system": 1500/200/0.06 beats 1400/30, loses to 1550/100 and
  // 1700/300 with tau 0.5 → 1464.06, 151.52, 0.05999.
  glicko2::rating player{1500, 200, 0.06};
  std::vector<glicko2::game> games{
    {{1400, 30, 0.06}, 1.0}, {{1550, 100, 0.06}, 0.0}, {{1700, 300, 0.06}, 0.0}};
  auto after = glicko2::update(player, games, 0.5);
  CHECK(after.r == doctest::Approx(1464.06).epsilon(0.00001));
  CHECK(after.rd == doctest::Approx(151.52).epsilon(0.0001));
  CHECK(after.sigma == doctest::Approx(0.05999).epsilon(0.0001));
  // No games: only the deviation grows (step 6), capped at a newcomer's 350.
  auto idle = glicko2::update(player, {}, 0.5);
  CHECK(idle.r == 1500);
  CHECK(idle.rd == doctest::Approx(200.2711).epsilon(0.00001));  // sqrt(200² + (0.06·173.7178)²)
  CHECK(glicko2::idle_deviation({1500, 340, 0.06}, 1000) == 350);
  // A newcomer's first win moves more than an established player's.
  auto fresh = glicko2::update({1500, 350, 0.06},
                               std::vector<glicko2::game>{{{1500, 50, 0.06}, 1}});
  auto steady = glicko2::update({1500, 50, 0.06},
                                std::vector<glicko2::game>{{{1500, 50, 0.06}, 1}});
  CHECK(fresh.r - 1500 > 5 * (steady.r - 1500));
}

TEST_CASE("the rank index answers ranks and neighbours over a million scores") {
  constexpr std::uint32_t n = 1'000'000;
  rank_index idx{true};
  std::mt19937_64 rng{42};
  std::uniform_int_distribution<int> dist{0, 5'000'000};
  std::vector<double> values(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    values[i] = dist(rng);
    idx.insert(i, values[i]);
  }
  REQUIRE(idx.size() == n);
  // The reference order: value descending, then player id.
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t i = 0; i < n; ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return values[a] != values[b] ? values[a] > values[b] : a < b;
  });
  std::vector<std::uint32_t> rank(n);
  for (std::uint32_t r = 0; r < n; ++r)
    rank[order[r]] = r;

  std::vector<double> took_us;
  for (int q = 0; q < 2000; ++q) {
    auto p = static_cast<std::uint32_t>(rng() % n);
    auto t0 = std::chrono::steady_clock::now();
    auto r = idx.rank_of(p, values[p]);
    std::vector<rank_index::entry> around;
    idx.for_range(r >= 5 ? r - 5 : 0, 11,
                  [&](std::size_t, const rank_index::entry& e) { around.push_back(e); });
    took_us.push_back(
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    REQUIRE(r == rank[p]);
    auto first = r >= 5 ? r - 5 : 0;
    for (std::size_t k = 0; k < around.size(); ++k)
      REQUIRE(around[k].player == order[first + k]);
  }
  std::sort(took_us.begin(), took_us.end());
  MESSAGE("rank + 10 neighbours over 1M: p50 " << took_us[1000] << " us, p99 " << took_us[1980]
                                               << " us");
  CHECK(took_us[1980] < 5000.0);  // the issue's bound: p99 < 5 ms

  // Moving a player keeps the order: the last one jumps to the top.
  auto last = order[n - 1];
  idx.set(last, values[last], 1e9);
  CHECK(idx.rank_of(last, 1e9) == 0);
  CHECK(idx.at(0).player == last);
  CHECK(idx.at(1).player == order[0]);
  CHECK(idx.size() == n);

  rank_index asc{false};  // lowest first (speedrun times)
  asc.insert(1, 30.5);
  asc.insert(2, 12.25);
  asc.insert(3, 12.25);
  CHECK(asc.at(0).player == 2);
  CHECK(asc.at(0).value == 12.25);
  CHECK(asc.rank_of(3, 12.25) == 1);
  CHECK(asc.rank_of(1, 30.5) == 2);
}

TEST_CASE("windows start on Monday 00:00 UTC and on the 1st 00:00 UTC") {
  const std::int64_t thu = 1'796'311'800'000;   // 2026-12-03 (a Thursday) 15:30 UTC
  const std::int64_t mon = 1'795'996'800'000;   // 2026-11-30 (a Monday) 00:00 UTC
  const std::int64_t dec1 = 1'796'083'200'000;  // 2026-12-01 00:00 UTC
  const std::int64_t nov1 = 1'793'491'200'000;  // 2026-11-01 00:00 UTC
  CHECK(lb_window_start(lb_window::weekly, thu) == mon);
  CHECK(lb_window_start(lb_window::monthly, thu) == dec1);
  CHECK(lb_window_start(lb_window::all_time, thu) == 0);
  // A Monday at 00:00 starts its own week; the 1st at 00:00 its own month.
  CHECK(lb_window_start(lb_window::weekly, mon) == mon);
  CHECK(lb_window_start(lb_window::weekly, mon - 1) == mon - 7 * day_ms);
  CHECK(lb_window_start(lb_window::monthly, dec1) == dec1);
  CHECK(lb_window_start(lb_window::monthly, dec1 - 1) == nov1);
  CHECK(lb_window_start(lb_window::monthly, nov1 - 1) == 1'790'812'800'000);  // 2026-10-01
  CHECK(parse_lb_window("weekly") == lb_window::weekly);
  CHECK(parse_lb_window("") == lb_window::all_time);
  CHECK_FALSE(parse_lb_window("daily"));
}

TEST_CASE("score windows roll over on the clock and show the change since the last window") {
  lb_fixture t;
  t.create("tetris", "score");
  auto key = t.key("tetris");
  CHECK(t.score("tetris", "wrong", "ann", 10).error() ==
        make_error(errc::unauthorized, "unknown game key"));
  REQUIRE(t.score("tetris", key, "ann", 300));
  REQUIRE(t.score("tetris", key, "bob", 200));
  REQUIRE(t.score("tetris", key, "cid", 100));
  auto lower = t.score("tetris", key, "ann", 50);  // not a best: kept at 300
  REQUIRE(lower);
  CHECK((*lower)["value"] == 300);
  CHECK((*lower)["rank"] == 1);
  CHECK(players_of(t.top("tetris", "weekly")) == std::vector<std::string>{"ann", "bob", "cid"});
  CHECK(t.top("tetris", "all_time")[0]["change"].is_null());  // no previous window yet

  // Next week: the weekly window is empty, all-time keeps everyone.
  const auto now = t.f.clock.now_ms();
  const auto next_monday = lb_window_start(lb_window::weekly, now) + 7 * day_ms;
  t.f.clock.advance(std::chrono::milliseconds(next_monday - now + 60'000));
  auto tick = t.ask("tetris", lb_tick_atom::value);
  REQUIRE(tick);
  CHECK(std::find((*tick)["rolled"].begin(), (*tick)["rolled"].end(), "weekly") !=
        (*tick)["rolled"].end());
  CHECK(t.top("tetris", "weekly").empty());
  CHECK(t.top("tetris", "all_time").size() == 3);
  CHECK(t.ask("tetris", lb_player_atom::value, std::string{"ann"}, std::string{"weekly"},
              std::int64_t{1})
          .error() == make_error(errc::not_found, "'ann' is not ranked in this window"));

  // cid overtakes both this week: +2 in the weekly window, and +2 all-time (since the week began).
  REQUIRE(t.score("tetris", key, "cid", 500));
  REQUIRE(t.score("tetris", key, "ann", 250));
  auto weekly = t.top("tetris", "weekly");
  CHECK(players_of(weekly) == std::vector<std::string>{"cid", "ann"});
  CHECK(weekly[0]["change"] == 2);   // 3rd last week → 1st
  CHECK(weekly[1]["change"] == -1);  // 1st last week → 2nd
  auto cid = t.player("tetris", "cid", "all_time", 1);
  CHECK(cid["rank"] == 1);
  CHECK(cid["change"] == 2);
  CHECK(players_of(cid["neighbours"]) == std::vector<std::string>{"ann"});
  auto bob = t.player("tetris", "bob", "all_time", 1);
  CHECK(bob["rank"] == 3);
  CHECK(bob["change"] == -1);
  CHECK(players_of(bob["neighbours"]) == std::vector<std::string>{"ann"});
  CHECK(bob["of"] == 3);

  // The month rolls too, once the clock passes the 1st.
  const auto later = t.f.clock.now_ms();
  const auto next_month = lb_window_start(lb_window::monthly, later + 32 * day_ms);
  t.f.clock.advance(std::chrono::milliseconds(next_month - later + 1000));
  auto tick2 = t.ask("tetris", lb_tick_atom::value);
  REQUIRE(tick2);
  CHECK((*tick2)["rolled"].size() == 2);
  CHECK(t.top("tetris", "monthly").empty());
  auto summary = t.ask("tetris", get_atom::value);
  REQUIRE(summary);
  CHECK((*summary)["windows"]["monthly"]["start_ms"] == next_month);

  // The same after a restart: windows, ranks and changes come back from the events.
  auto before = t.top("tetris", "all_time");
  t.f.restart();
  CHECK(t.top("tetris", "all_time") == before);
  CHECK(t.top("tetris", "monthly").empty());
}

TEST_CASE("an ascending board ranks the lowest score first") {
  lb_fixture t;
  t.create("speedrun", "score", "asc");
  auto key = t.key("speedrun");
  REQUIRE(t.score("speedrun", key, "ann", 61.5));
  REQUIRE(t.score("speedrun", key, "bob", 59.25));
  REQUIRE(t.score("speedrun", key, "ann", 58.0));  // a better (lower) time
  auto entries = t.top("speedrun", "all_time");
  CHECK(players_of(entries) == std::vector<std::string>{"ann", "bob"});
  CHECK(entries[0]["value"] == 58.0);
}

TEST_CASE("rating boards rank by Glicko-2 rating; matches are idempotent; badges follow") {
  lb_fixture t;
  t.create("chess", "rating");
  CHECK(t.match("nochess", "a", "b").error() == make_error(errc::not_found, "no such leaderboard"));
  CHECK(t.match("chess", "ann", "ann").error().category() == error_category);
  auto first = t.match("chess", "ann", "bob", "m1");
  REQUIRE(first);
  CHECK((*first)["winner"]["rank"] == 1);
  CHECK((*first)["winner"]["value"].get<double>() > 1500);
  CHECK((*first)["loser"]["value"].get<double>() < 1500);
  auto repeat = t.match("chess", "ann", "bob", "m1");
  REQUIRE(repeat);
  CHECK(*repeat == *first);
  CHECK(t.stats("chess", "ann")["matches"] == 1);

  REQUIRE(t.match("chess", "ann", "cid", "m2"));
  REQUIRE(t.match("chess", "ann", "bob", "m3"));
  REQUIRE(t.match("chess", "bob", "cid", "m4", true));  // a draw
  auto ann = t.stats("chess", "ann");
  CHECK(ann["matches"] == 3);
  CHECK(ann["wins"] == 3);
  CHECK(ann["win_rate"] == 1.0);
  CHECK(ann["rating_history"].size() == 3);
  CHECK(ann["rating_history"][2]["rating"] == ann["rating"]);
  std::vector<std::string> badges;
  for (auto& b : ann["achievements"])
    badges.push_back(b["badge"]);
  CHECK(badges == std::vector<std::string>{"first_win", "streak_3"});
  auto bob = t.stats("chess", "bob");
  CHECK(bob["losses"] == 2);
  CHECK(bob["draws"] == 1);
  CHECK(bob["win_rate"] == 0.0);
  CHECK(bob["achievements"].empty());
  CHECK(players_of(t.top("chess", "weekly")).front() == "ann");

  auto award = t.ask("chess", lb_achievement_atom::value, std::string{"bob"},
                     std::string{"tournament_winner"}, std::string{R"({"tournament":"t1"})"});
  REQUIRE(award);
  CHECK((*award)["awarded"] == true);
  auto again = t.ask("chess", lb_achievement_atom::value, std::string{"bob"},
                     std::string{"tournament_winner"}, std::string{R"({"tournament":"t2"})"});
  REQUIRE(again);
  CHECK((*again)["awarded"] == false);
  CHECK(code_of(t.ask("chess", lb_achievement_atom::value, std::string{"bob"},
                      std::string{"best_hat"}, std::string{"null"})
                  .error()) == errc::invalid_argument);
  CHECK(t.stats("chess", "bob")["achievements"][0]["detail"]["tournament"] == "t1");

  // Ratings cannot take scores.
  auto key = t.key("chess");
  CHECK(code_of(t.score("chess", key, "ann", 5).error()) == errc::conflict);

  // Ten wins and a five-win streak.
  for (int i = 0; i < 7; ++i)
    REQUIRE(t.match("chess", "ann", "p" + std::to_string(i), "w" + std::to_string(i)));
  badges.clear();
  const auto ten = t.stats("chess", "ann");
  for (auto& b : ten["achievements"])
    badges.push_back(b["badge"]);
  CHECK(badges == std::vector<std::string>{"first_win", "streak_3", "streak_5", "wins_10"});

  auto before = t.stats("chess", "ann");
  auto ranking = t.top("chess", "all_time", 20);
  t.f.restart();
  CHECK(t.stats("chess", "ann") == before);
  CHECK(t.top("chess", "all_time", 20) == ranking);
  auto after_restart = t.match("chess", "ann", "bob", "m1");  // still remembered
  REQUIRE(after_restart);
  CHECK(t.stats("chess", "ann")["matches"] == before["matches"]);
}

TEST_CASE("submissions keep their limits; keys belong to the owner") {
  lb_fixture t;
  t.create("pong", "score");
  CHECK(code_of(t.ask("pong", lb_create_atom::value, std::string{"olga"},
                      json{{"name", "again"}, {"mode", "score"}}.dump())
                  .error()) == errc::conflict);
  CHECK(code_of(t.ask("golf", lb_create_atom::value, std::string{"olga"},
                      json{{"name", "x"}, {"mode", "elo"}}.dump())
                  .error()) == errc::invalid_argument);
  CHECK(code_of(t.ask("golf", lb_create_atom::value, std::string{"olga"},
                      json{{"name", ""}, {"mode", "score"}}.dump())
                  .error()) == errc::invalid_argument);
  CHECK(code_of(t.ask("pong", lb_key_new_atom::value, std::string{"mallory"}).error()) ==
        errc::forbidden);
  auto key = t.key("pong");
  json stats = json::object();
  for (int i = 0; i < 21; ++i)
    stats["s" + std::to_string(i)] = i;
  CHECK(code_of(t.score("pong", key, "ann", 1, stats).error()) == errc::invalid_argument);
  CHECK(code_of(t.score("pong", key, "bad name!", 1).error()) == errc::invalid_argument);
  CHECK(code_of(t.ask("pong", lb_score_atom::value, key, std::string{"[1]"}).error()) ==
        errc::invalid_json);
  CHECK(code_of(t.ask("pong", lb_score_atom::value, key,
                      json{{"player", "ann"}, {"score", "many"}}.dump())
                  .error()) == errc::invalid_argument);
  REQUIRE(t.score("pong", key, "ann", 7, json{{"kills", 3}, {"deaths", 1}}));
  REQUIRE(t.score("pong", key, "ann", 4, json{{"kills", 5}}));
  auto ann = t.stats("pong", "ann");
  CHECK(ann["stats"]["kills"]["sum"] == 8);
  CHECK(ann["stats"]["kills"]["last"] == 5);
  CHECK(ann["stats"]["deaths"]["sum"] == 1);
  CHECK(ann["best"] == 7);
  CHECK(ann["rating"].is_null());

  // Ten keys at most; a revoked key stops working.
  std::vector<std::string> ids;
  for (int i = 1; i < 10; ++i) {
    auto k = t.ask("pong", lb_key_new_atom::value, std::string{"admin"});
    REQUIRE(k);
    CHECK((*k)["key"].get<std::string>().starts_with("lbk_"));
  }
  CHECK(code_of(t.ask("pong", lb_key_new_atom::value, std::string{"olga"}).error()) ==
        errc::invalid_argument);
  CHECK(
    code_of(t.ask("pong", lb_key_del_atom::value, std::string{"bob"}, std::string{"k1"}).error()) ==
    errc::forbidden);
  REQUIRE(t.ask("pong", lb_key_del_atom::value, std::string{"olga"}, std::string{"k1"}));
  CHECK(code_of(
          t.ask("pong", lb_key_del_atom::value, std::string{"olga"}, std::string{"k1"}).error()) ==
        errc::not_found);
  CHECK(code_of(t.score("pong", key, "ann", 9).error()) == errc::unauthorized);
  // The stored events hold the key's digest, never the key.
  bool leaked = false;
  for (const auto& e : t.f.events().read_stream("leaderboard/pong", 1))
    leaked = leaked || e.data.payload.find(key) != std::string::npos;
  CHECK_FALSE(leaked);
}

TEST_CASE("20,000 concurrent submissions are all answered, snapshotted and recovered") {
  lb_fixture t;
  t.create("snake", "score");
  auto key = t.key("snake");
  constexpr int sent = 20'000;  // past the snapshot interval: recovery = snapshot + tail
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> asked;
  asked.reserve(sent);
  for (int i = 0; i < sent; ++i)
    asked.push_back(t.f.self->request(
      t.f.registry, 10s, route_atom::value, std::string{"leaderboard"}, std::string{"snake"},
      caf::make_message(lb_score_atom::value, key,
                        json{{"player", "p" + std::to_string(i % 5000)}, {"score", i}}.dump())));
  int answered = 0;
  int refused = 0;
  for (auto& handle : asked)
    handle.receive(
      [&](const std::string& entry) { answered += json::parse(entry)["rank"].is_number() ? 1 : 0; },
      [&](const caf::error&) { ++refused; });
  CHECK(answered == sent);
  CHECK(refused == 0);
  auto top = t.top("snake", "all_time", 3);
  CHECK(players_of(top) == std::vector<std::string>{"p4999", "p4998", "p4997"});
  CHECK(top[0]["value"] == sent - 1);
  CHECK(t.f.events().version("leaderboard/snake") == 2 + sent);  // created, key, every score
  REQUIRE(t.f.events().load_snapshot("leaderboard/snake"));
  REQUIRE(t.score("snake", key, "late", 1e6, json{{"apples", 3}}));  // the tail after it

  auto summary = t.ask("snake", get_atom::value);
  REQUIRE(summary);
  CHECK((*summary)["players"] == 5001);
  auto ranking = t.top("snake", "weekly", 50);
  auto late = t.stats("snake", "late");
  t.f.restart();
  CHECK(t.ask("snake", get_atom::value) == summary);
  CHECK(t.top("snake", "weekly", 50) == ranking);
  CHECK(t.stats("snake", "late") == late);
  CHECK(t.player("snake", "p17", "all_time", 1)["rank"] == 5001 - 17);
  // The key still works after recovery (its digest came back from the snapshot).
  CHECK(t.score("snake", key, "p17", 1e7));
}

TEST_CASE("a board's snapshot restores the same rankings, changes and stats") {
  board b;
  b.create("Chess", "rating", "desc", "olga", 1'796'311'800'000);
  for (int i = 0; i < 50; ++i)
    b.apply_match({"m" + std::to_string(i),
                   "p" + std::to_string(i % 7),
                   "p" + std::to_string((i * 3 + 1) % 7 == i % 7 ? (i + 1) % 7 : (i * 3 + 1) % 7),
                   i % 5 == 0,
                   {}},
                  1'796'311'800'000 + i * 1000);
  b.award("p1", "tournament_winner", R"({"tournament":"x"})", 5);
  b.roll(lb_window::weekly, 1'796'860'800'000);
  b.apply_match({"late", "p6", "p0", false, {}}, 1'796'860'900'000);
  b.keys.push_back({"k1", "abc"});
  board copy;
  copy.restore(json::parse(b.snapshot().dump()));
  for (auto w : {lb_window::weekly, lb_window::monthly, lb_window::all_time})
    CHECK(copy.top(w, 0, 100) == b.top(w, 0, 100));
  for (int i = 0; i < 7; ++i)
    CHECK(copy.player_stats("p" + std::to_string(i)) == b.player_stats("p" + std::to_string(i)));
  CHECK(copy.seen_match("m3"));
  CHECK(copy.key_for_digest("abc") == std::optional<std::string>{"k1"});
  CHECK_FALSE(copy.key_for_digest("abd"));
}

TEST_CASE("chat badges: the ones a user chose to show, newest first, at most five") {
  std::vector<json> rows;
  rows.reserve(8);
  for (int i = 0; i < 7; ++i)
    rows.push_back({{"game", "chess"},
                    {"badge", "b" + std::to_string(i)},
                    {"at_ms", i},
                    {"show_in_chat", i != 6}});  // the newest one is not shown
  rows.push_back({{"game", "go"}, {"badge", "first_win"}, {"at_ms", 3}, {"show_in_chat", false}});
  CHECK(json::parse(shown_chat_badges(rows)) ==
        json::array({"achievement/chess/b5", "achievement/chess/b4", "achievement/chess/b3",
                     "achievement/chess/b2", "achievement/chess/b1"}));
  CHECK(shown_chat_badges({}) == "[]");
}
