// Shared by the bracket tests: entrant names, seeded random results driven to completion, and
// the checks every finished bracket must pass (actors/tournaments/bracket.hpp).
#pragma once

#include "actors/tournaments/bracket.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace bracket_test {

using namespace aethex::actors::esports;

using results_t = std::map<std::string, match_result, std::less<>>;

inline std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i)
    out.push_back("e" + std::to_string(i));
  return out;
}

inline int seed_of(const std::string& name) { return std::stoi(name.substr(1)); }

inline match_result result_for(const bracket_match& m, int winner_side, bool forfeit = false) {
  match_result r;
  r.opponents = {*m.opponents[0], *m.opponents[1]};
  r.winner = r.opponents[static_cast<std::size_t>(winner_side)];
  r.score = winner_side == 0 ? std::array<int, 2>{2, 1} : std::array<int, 2>{0, 2};
  if (forfeit)
    r.score = {0, 0};
  r.forfeit = forfeit;
  return r;
}

inline const bracket_match* find(const bracket& b, std::string_view id) {
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

inline auto random_pick(std::mt19937& rng) {
  return [&rng](const bracket_match&) { return static_cast<int>(rng() % 2); };
}

// Common to every format: nobody plays twice in a round, nobody plays themselves, all matches
// done, nothing dropped, the closed-form count, standings for everyone.
inline void check_finished(const bracket_options& o, const std::vector<std::string>& e,
                           const bracket& b, bool reset_played = false) {
  CHECK(b.dropped.empty());
  CHECK(b.matches.size() == expected_match_count(o, e.size(), reset_played));
  // Counted, then checked once: a CHECK per match would dominate the run time.
  std::set<std::tuple<std::string, int, int, std::string>> seen;  // bracket, group, round, entrant
  std::set<std::string> ids;
  int duplicate_ids = 0, unknown = 0, self = 0, not_done = 0, twice_in_round = 0;
  for (const auto& m : b.matches) {
    duplicate_ids += ids.insert(m.id).second ? 0 : 1;
    if (!m.opponents[0] || !m.opponents[1]) {
      ++unknown;
      continue;
    }
    self += *m.opponents[0] == *m.opponents[1] ? 1 : 0;
    not_done += m.status == match_status::done ? 0 : 1;
    for (const auto& p : m.opponents)
      twice_in_round += seen.insert({m.bracket, m.group, m.round, *p}).second ? 0 : 1;
  }
  CHECK(duplicate_ids == 0);
  CHECK(unknown == 0);
  CHECK(self == 0);
  CHECK(not_done == 0);
  CHECK(twice_in_round == 0);
  CHECK(b.standings.size() == e.size());
  int unranked = 0, unordered = 0;
  for (std::size_t i = 0; i < b.standings.size(); ++i) {
    unranked += b.standings[i].rank >= 1 ? 0 : 1;
    unordered += i > 0 && b.standings[i - 1].rank > b.standings[i].rank ? 1 : 0;
  }
  CHECK(unranked == 0);
  CHECK(unordered == 0);
}

inline std::map<std::string, int> losses(const bracket& b) {
  std::map<std::string, int> out;
  for (const auto& m : b.matches)
    if (m.winner && m.bracket != "third_place")
      ++out[*m.opponents[0] == *m.winner ? *m.opponents[1] : *m.opponents[0]];
  return out;
}

}  // namespace bracket_test
