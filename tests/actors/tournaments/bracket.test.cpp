// The bracket as a pure function (actors/tournaments/bracket.hpp, docs/esports.md "Brackets"):
// every format driven to completion with seeded random results, for 2-64 entrants (256 once),
// and the rules checked on the way (one match per entrant per round, eliminations, closed-form
// match counts, rematches, edits dropping what no longer applies, forfeits, input errors).
#include "actors/tournaments/bracket.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>

using namespace aethex::actors::esports;

namespace {

using results_t = std::map<std::string, match_result, std::less<>>;

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i)
    out.push_back("e" + std::to_string(i));
  return out;
}

int seed_of(const std::string& name) { return std::stoi(name.substr(1)); }

match_result result_for(const bracket_match& m, int winner_side, bool forfeit = false) {
  match_result r;
  r.opponents = {*m.opponents[0], *m.opponents[1]};
  r.winner = r.opponents[static_cast<std::size_t>(winner_side)];
  r.score = winner_side == 0 ? std::array<int, 2>{2, 1} : std::array<int, 2>{0, 2};
  if (forfeit)
    r.score = {0, 0};
  r.forfeit = forfeit;
  return r;
}

const bracket_match* find(const bracket& b, std::string_view id) {
  for (const auto& m : b.matches)
    if (m.id == id)
      return &m;
  return nullptr;
}

// Reports every ready match (winner drawn by `pick`) and recomputes until the bracket finishes.
template <typename Pick>
bracket drive(const bracket_options& o, const std::vector<std::string>& e, results_t& results,
              Pick pick) {
  bracket b = compute_bracket(o, e, results);
  for (int guard = 0; !b.finished && guard < 2000; ++guard) {
    bool any = false;
    for (const auto& m : b.matches)
      if (m.status == match_status::ready) {
        results[m.id] = result_for(m, pick(m));
        any = true;
      }
    REQUIRE(any);
    b = compute_bracket(o, e, results);
  }
  REQUIRE(b.finished);
  return b;
}

auto random_pick(std::mt19937& rng) {
  return [&rng](const bracket_match&) { return static_cast<int>(rng() % 2); };
}

// Common to every format: nobody plays twice in a round, nobody plays themselves, all matches
// done, nothing dropped, the closed-form count, standings for everyone.
void check_finished(const bracket_options& o, const std::vector<std::string>& e, const bracket& b,
                    bool reset_played = false) {
  CHECK(b.dropped.empty());
  CHECK(b.matches.size() == expected_match_count(o, e.size(), reset_played));
  std::set<std::tuple<std::string, int, int, std::string>> seen;  // bracket, group, round, entrant
  std::set<std::string> ids;
  for (const auto& m : b.matches) {
    CHECK(ids.insert(m.id).second);
    REQUIRE(m.opponents[0]);
    REQUIRE(m.opponents[1]);
    CHECK(*m.opponents[0] != *m.opponents[1]);
    CHECK(m.status == match_status::done);
    for (const auto& p : m.opponents)
      CHECK(seen.insert({m.bracket, m.group, m.round, *p}).second);
  }
  CHECK(b.standings.size() == e.size());
  for (const auto& s : b.standings)
    CHECK(s.rank >= 1);
  for (std::size_t i = 1; i < b.standings.size(); ++i)
    CHECK(b.standings[i - 1].rank <= b.standings[i].rank);
}

std::map<std::string, int> losses(const bracket& b) {
  std::map<std::string, int> out;
  for (const auto& m : b.matches)
    if (m.winner && m.bracket != "third_place")
      ++out[*m.opponents[0] == *m.winner ? *m.opponents[1] : *m.opponents[0]];
  return out;
}

}  // namespace

TEST_CASE("standard seed order: 1 v N, seeds 1 and 2 in opposite halves") {
  CHECK(standard_seed_order(1) == std::vector<int>{1});
  CHECK(standard_seed_order(2) == std::vector<int>{1, 2});
  CHECK(standard_seed_order(8) == std::vector<int>{1, 8, 4, 5, 2, 7, 3, 6});
  CHECK(standard_seed_order(6).empty());
  CHECK(standard_seed_order(0).empty());
  for (int size = 2; size <= 256; size *= 2) {
    const auto order = standard_seed_order(size);
    REQUIRE(order.size() == static_cast<std::size_t>(size));
    for (std::size_t i = 0; i < order.size(); i += 2)
      CHECK(order[i] + order[i + 1] == size + 1);
    const auto two = std::find(order.begin(), order.end(), 2) - order.begin();
    CHECK(two == size / 2);
  }
}

TEST_CASE("names and formats round-trip") {
  for (auto f : {bracket_format::single_elimination, bracket_format::double_elimination,
                 bracket_format::round_robin, bracket_format::swiss})
    CHECK(parse_bracket_format(to_string(f)) == f);
  CHECK(parse_grand_final("double") == grand_final_rule::reset);
  CHECK(to_string(grand_final_rule::none) == "none");
  CHECK(!parse_bracket_format("ladder"));
  CHECK(!parse_grand_final("triple"));
  CHECK(to_string(match_status::ready) == "ready");
}

TEST_CASE("check_bracket names what is wrong") {
  bracket_options o;
  CHECK(check_bracket(o, names(1)) == "a bracket needs 2-256 entrants");
  CHECK(check_bracket(o, names(257)) == "a bracket needs 2-256 entrants");
  CHECK(check_bracket(o, names(256)).empty());
  CHECK(check_bracket(o, std::vector<std::string>{"a", "b", "a"}) == "entrant names must differ");
  CHECK(check_bracket(o, std::vector<std::string>{"a", ""}) == "entrant names must not be empty");
  o.format = bracket_format::swiss;
  o.swiss_rounds = 8;
  CHECK(check_bracket(o, names(8)).find("swiss_rounds must be 1-7") == 0);
  o.swiss_rounds = -1;
  CHECK(!check_bracket(o, names(8)).empty());
  o.swiss_rounds = 7;
  CHECK(check_bracket(o, names(8)).empty());
  o.format = bracket_format::round_robin;
  o.groups = 17;
  CHECK(check_bracket(o, names(64)) == "groups must be 1-16");
  o.groups = 0;
  CHECK(check_bracket(o, names(64)) == "groups must be 1-16");
  o.groups = 3;
  CHECK(!check_bracket(o, names(5)).empty());
  CHECK(check_bracket(o, names(6)).empty());
  // A bracket that cannot be made is empty, with every result dropped.
  results_t results{{"W1-1", {}}};
  const auto b = compute_bracket({}, names(1), results);
  CHECK(b.matches.empty());
  CHECK(b.dropped == std::vector<std::string>{"W1-1"});
}

TEST_CASE("single elimination, 2-64 entrants: one loss each but the champion") {
  std::mt19937 rng(7);
  for (bool third : {false, true})
    for (int n = 2; n <= 64; ++n) {
      CAPTURE(n);
      CAPTURE(third);
      bracket_options o;
      o.third_place = third;
      const auto e = names(n);
      results_t results;
      const auto b = drive(o, e, results, random_pick(rng));
      check_finished(o, e, b);
      REQUIRE(b.champion);
      const auto l = losses(b);
      CHECK(!l.contains(*b.champion));
      for (const auto& name : e)
        if (name != *b.champion)
          CHECK(l.at(name) == 1);
      CHECK(b.standings[0].entrant == *b.champion);
      CHECK(b.standings[0].rank == 1);
      CHECK(b.standings[1].rank == 2);
      if (third && n >= 4) {
        CHECK(b.standings[2].rank == 3);
        CHECK(b.standings[3].rank == 4);
      } else if (n >= 4) {
        CHECK(b.standings[2].rank == 3);
        CHECK(b.standings[3].rank == 3);
      }
      // Byes went to the top seeds: the first-round matches hold the bottom 2(n - size/2).
      int size = 1;
      while (size < n)
        size *= 2;
      for (const auto& m : b.matches)
        if (m.round == 1 && m.bracket == "winners")
          for (const auto& p : m.opponents)
            CHECK(seed_of(*p) > size - n);
      // winner_to / loser_to name the match each one went to.
      for (const auto& m : b.matches) {
        if (!m.winner_to.empty()) {
          const auto* next = find(b, m.winner_to);
          REQUIRE(next);
          CHECK((next->opponents[0] == m.winner || next->opponents[1] == m.winner));
        }
      }
    }
}

TEST_CASE("single elimination: seeds 1 and 2 meet only in the final of a full bracket") {
  std::mt19937 rng(11);
  for (int n : {2, 4, 8, 16, 32, 64})
    for (int trial = 0; trial < 5; ++trial) {
      results_t results;
      const auto e = names(n);
      // Top seeds win more often, so they meet often.
      const auto b = drive({}, e, results, [&](const bracket_match& m) {
        const int better = seed_of(*m.opponents[0]) < seed_of(*m.opponents[1]) ? 0 : 1;
        return rng() % 5 == 0 ? 1 - better : better;
      });
      const int rounds = b.rounds;
      for (const auto& m : b.matches) {
        std::set<std::string> pair{*m.opponents[0], *m.opponents[1]};
        if (pair == std::set<std::string>{"e1", "e2"})
          CHECK(m.round == rounds);
      }
    }
}
