// Swiss pairing (actors/tournaments/bracket_swiss.cpp, docs/esports.md "Swiss pairing rule"):
// complete rounds, byes to the lowest-ranked, no avoidable rematch (brute force up to 10
// entrants), re-pairing after edits; and 256 entrants once in every format.
#include "tests/actors/tournaments/bracket_checks.hpp"

using namespace aethex::actors::esports;
using namespace bracket_test;

namespace {

// The fewest rematches any pairing of `active` can have, by trying them all (small counts).
int fewest_rematches(std::vector<std::string> active, const std::set<std::set<std::string>>& met) {
  if (active.empty())
    return 0;
  const auto first = active.front();
  int best = 1 << 20;
  for (std::size_t k = 1; k < active.size(); ++k) {
    auto rest = active;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
    rest.erase(rest.begin());
    const int here = met.contains({first, active[k]}) ? 1 : 0;
    best = std::min(best, here + fewest_rematches(rest, met));
  }
  return best;
}

// Checks every Swiss round of a finished bracket: each entrant plays or has the bye, the bye
// goes to the lowest-ranked entrant without one, and rematches happen only when unavoidable
// (counted by brute force up to 10 entrants, else required to be none).
void check_swiss_rounds(const std::vector<std::string>& e, const bracket& b) {
  std::set<std::set<std::string>> met;
  std::set<std::string> had_bye;
  std::map<std::string, int> points;
  std::map<std::string, std::vector<std::string>> opponents;
  for (int r = 1; r <= b.rounds; ++r) {
    CAPTURE(r);
    // The table the round was paired from: points, Buchholz, seed.
    std::vector<std::string> table = e;
    std::map<std::string, int> buchholz;
    for (const auto& x : e)
      for (const auto& o : opponents[x])
        buchholz[x] += points[o];
    std::stable_sort(table.begin(), table.end(), [&](const auto& x, const auto& y) {
      return std::make_pair(points[x], buchholz[x]) > std::make_pair(points[y], buchholz[y]);
    });
    std::vector<std::string> active;
    int rematches = 0, point_gaps = 0;
    for (const auto& m : b.matches)
      if (m.round == r) {
        active.push_back(*m.opponents[0]);
        active.push_back(*m.opponents[1]);
        rematches += met.contains({*m.opponents[0], *m.opponents[1]}) ? 1 : 0;
        point_gaps += std::abs(points[*m.opponents[0]] - points[*m.opponents[1]]);
      }
    std::vector<std::string> bye;
    for (const auto& x : b.byes)
      if (x.round == r)
        bye.push_back(x.entrant);
    CHECK(active.size() + bye.size() == e.size());
    CHECK(bye.size() == e.size() % 2);
    for (const auto& x : bye) {
      CHECK(!had_bye.contains(x));
      // The lowest-ranked entrant without a bye yet.
      const auto lowest = std::find_if(table.rbegin(), table.rend(),
                                       [&](const auto& y) { return !had_bye.contains(y); });
      REQUIRE(lowest != table.rend());
      CHECK(*lowest == x);
      had_bye.insert(x);
      ++points[x];
    }
    if (e.size() <= 10)
      CHECK(rematches == fewest_rematches(active, met));
    else
      CHECK(rematches == 0);
    // Round 2 of a power of two: two even score groups, each paired within itself.
    if (r == 2 && (e.size() & (e.size() - 1)) == 0)
      CHECK(point_gaps == 0);
    for (const auto& m : b.matches)
      if (m.round == r) {
        met.insert({*m.opponents[0], *m.opponents[1]});
        opponents[*m.opponents[0]].push_back(*m.opponents[1]);
        opponents[*m.opponents[1]].push_back(*m.opponents[0]);
        ++points[*m.winner];
      }
  }
}

}  // namespace

TEST_CASE("Swiss, 2-64 entrants: complete rounds, no avoidable rematch, byes to the lowest") {
  std::mt19937 rng(19);
  for (int n = 2; n <= 64; ++n) {
    CAPTURE(n);
    bracket_options o;
    o.format = bracket_format::swiss;
    const auto e = names(n);
    results_t results;
    const auto b = drive(o, e, results, random_pick(rng));
    check_finished(o, e, b);
    int rounds = 0;
    while ((1 << rounds) < n)
      ++rounds;
    CHECK(b.rounds == rounds);
    check_swiss_rounds(e, b);
    int wrong = 0;
    for (const auto& s : b.standings)
      wrong += s.points == s.wins + s.byes && s.wins + s.losses + s.byes == rounds ? 0 : 1;
    CHECK(wrong == 0);
    REQUIRE(b.champion);
    CHECK(*b.champion == b.standings.front().entrant);
  }
}

TEST_CASE("Swiss with as many rounds as a round robin: rematches only when unavoidable") {
  std::mt19937 rng(23);
  for (int n = 3; n <= 10; ++n)
    for (int trial = 0; trial < 4; ++trial) {
      CAPTURE(n);
      bracket_options o;
      o.format = bracket_format::swiss;
      o.swiss_rounds = n - 1;
      const auto e = names(n);
      results_t results;
      const auto b = drive(o, e, results, random_pick(rng));
      check_finished(o, e, b);
      check_swiss_rounds(e, b);
    }
}

TEST_CASE("Swiss: Dutch first round, next round only once the last is done, edits re-pair") {
  bracket_options o;
  o.format = bracket_format::swiss;
  const auto e = names(8);
  results_t results;
  auto b = compute_bracket(o, e, results);
  REQUIRE(b.matches.size() == 4);
  CHECK(b.rounds == 3);
  const std::vector<std::pair<std::string, std::string>> dutch{
    {"e1", "e5"}, {"e2", "e6"}, {"e3", "e7"}, {"e4", "e8"}};
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(b.matches[k].id == "S1-" + std::to_string(k + 1));
    CHECK(b.matches[k].opponents[0] == dutch[k].first);
    CHECK(b.matches[k].opponents[1] == dutch[k].second);
  }
  for (std::size_t k = 0; k < 3; ++k)
    results[b.matches[k].id] = result_for(b.matches[k], 0);
  b = compute_bracket(o, e, results);
  CHECK(b.matches.size() == 4);                   // S1-4 is missing: no round 2 yet
  results["S1-4"] = result_for(b.matches[3], 1);  // e8 beats e4
  b = compute_bracket(o, e, results);
  REQUIRE(b.matches.size() == 8);
  // Winners e1 e2 e3 e8 (by seed: same points, no Buchholz yet): e1 v e3, e2 v e8.
  CHECK(find(b, "S2-1")->opponents[0] == "e1");
  CHECK(find(b, "S2-1")->opponents[1] == "e3");
  CHECK(find(b, "S2-2")->opponents[0] == "e2");
  CHECK(find(b, "S2-2")->opponents[1] == "e8");
  for (const auto& m : b.matches)
    if (m.round == 2)
      results[m.id] = result_for(m, 0);
  b = compute_bracket(o, e, results);
  CHECK(b.matches.size() == 12);
  // Edit: e4 won S1-4 after all. Round 2 is re-paired: S2-2 is now e2 v e4, its result dropped.
  results["S1-4"] = result_for(*find(b, "S1-4"), 0);
  b = compute_bracket(o, e, results);
  CHECK(find(b, "S2-2")->opponents[1] == "e4");
  CHECK(find(b, "S2-2")->status == match_status::ready);
  CHECK(std::find(b.dropped.begin(), b.dropped.end(), "S2-2") != b.dropped.end());
  CHECK(b.matches.size() == 8);  // round 3 waits for round 2 again
}

TEST_CASE("256 entrants once: every format finishes with the closed-form count") {
  std::mt19937 rng(29);
  const auto e = names(256);
  for (auto format : {bracket_format::single_elimination, bracket_format::double_elimination,
                      bracket_format::swiss}) {
    CAPTURE(to_string(format));
    bracket_options o;
    o.format = format;
    o.grand_final = grand_final_rule::simple;
    results_t results;
    const auto b = drive(o, e, results, random_pick(rng));
    check_finished(o, e, b);
    if (format == bracket_format::swiss)
      check_swiss_rounds(e, b);
  }
}

TEST_CASE("double elimination: an edit in winners round 1 re-routes the losers' bracket") {
  bracket_options o;
  o.format = bracket_format::double_elimination;
  const auto e = names(8);
  results_t results;
  const auto b = drive(o, e, results, [](const bracket_match& m) {
    return seed_of(*m.opponents[0]) < seed_of(*m.opponents[1]) ? 0 : 1;
  });
  CHECK(b.champion == "e1");
  CHECK(b.standings[1].entrant == "e2");
  // W1-2 was e4 v e5 (e4 won, e5 went to L1-1 against e8). Now e5 won it: e4 plays L1-1, and
  // e5 meets e1 in W2-1.
  results["W1-2"] = result_for(*find(b, "W1-2"), 1);
  const auto edited = compute_bracket(o, e, results);
  CHECK(find(edited, "L1-1")->status == match_status::ready);
  CHECK(find(edited, "W2-1")->opponents[1] == "e5");
  CHECK(std::find(edited.dropped.begin(), edited.dropped.end(), "L1-1") != edited.dropped.end());
  CHECK(std::find(edited.dropped.begin(), edited.dropped.end(), "W2-1") != edited.dropped.end());
  CHECK(std::find(edited.dropped.begin(), edited.dropped.end(), "W1-1") == edited.dropped.end());
  CHECK(!edited.finished);
}

TEST_CASE("Swiss table mid-round: Buchholz counts only opponents played") {
  bracket_options o;
  o.format = bracket_format::swiss;
  const auto e = names(4);
  results_t results;
  auto b = compute_bracket(o, e, results);
  for (const auto& m : b.matches)
    results[m.id] = result_for(m, 0);  // e1 beats e3, e2 beats e4
  b = compute_bracket(o, e, results);
  REQUIRE(b.matches.size() == 4);
  CHECK(find(b, "S2-1")->opponents == std::array<std::optional<std::string>, 2>{"e1", "e2"});
  results["S2-2"] = result_for(*find(b, "S2-2"), 0);  // e3 beats e4; e1 v e2 not played yet
  b = compute_bracket(o, e, results);
  CHECK(!b.finished);
  for (const auto& s : b.standings)
    if (s.entrant == "e1") {
      CHECK(s.points == 1);
      CHECK(s.buchholz == doctest::Approx(1));  // e3's point; e2's not yet
    }
}
