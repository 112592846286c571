// The bracket as a pure function (actors/tournaments/bracket.hpp, docs/esports.md "Brackets"):
// every format driven to completion with seeded random results, for 2-64 entrants (256 once),
// and the rules checked on the way (one match per entrant per round, eliminations, closed-form
// match counts, rematches, edits dropping what no longer applies, forfeits, input errors).
#include "actors/tournaments/bracket.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
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
      int wrong = 0;
      for (const auto& name : e)
        if (name != *b.champion)
          wrong += l.contains(name) && l.at(name) == 1 ? 0 : 1;
      CHECK(wrong == 0);
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
      int with_bye_played = 0, lost_track = 0;
      for (const auto& m : b.matches)
        if (m.round == 1 && m.bracket == "winners")
          for (const auto& p : m.opponents)
            with_bye_played += seed_of(*p) > size - n ? 0 : 1;
      CHECK(with_bye_played == 0);
      // winner_to names the match the winner went to.
      for (const auto& m : b.matches) {
        if (!m.winner_to.empty()) {
          const auto* next = find(b, m.winner_to);
          lost_track += next && (next->opponents[0] == m.winner || next->opponents[1] == m.winner)
                          ? 0
                          : 1;
        }
      }
      CHECK(lost_track == 0);
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

TEST_CASE("double elimination, 2-64 entrants: two losses each but the champion") {
  std::mt19937 rng(13);
  for (auto rule : {grand_final_rule::none, grand_final_rule::simple, grand_final_rule::reset})
    for (int n = 2; n <= 64; ++n) {
      CAPTURE(n);
      CAPTURE(to_string(rule));
      bracket_options o;
      o.format = bracket_format::double_elimination;
      o.grand_final = rule;
      const auto e = names(n);
      results_t results;
      const auto b = drive(o, e, results, random_pick(rng));
      const bool reset_played = find(b, "GF2") != nullptr;
      CHECK((!reset_played || rule == grand_final_rule::reset));
      check_finished(o, e, b, reset_played);
      REQUIRE(b.champion);
      REQUIRE(b.standings.size() >= 2);
      CHECK(b.standings[0].entrant == *b.champion);
      const auto& runner_up = b.standings[1].entrant;
      CHECK(b.standings[1].rank == 2);
      const auto l = losses(b);
      const int champion_losses = l.contains(*b.champion) ? l.at(*b.champion) : 0;
      CHECK(champion_losses <= (rule == grand_final_rule::none ? 0 : 1));
      int wrong = 0;
      for (const auto& name : e) {
        if (name == *b.champion)
          continue;
        const int lost = l.contains(name) ? l.at(name) : 0;
        if (name == runner_up && rule == grand_final_rule::none)
          wrong += lost == 1 ? 0 : 1;
        else if (name == runner_up && rule == grand_final_rule::simple)
          wrong += lost == 1 || lost == 2 ? 0 : 1;
        else
          wrong += lost == 2 ? 0 : 1;
      }
      CHECK(wrong == 0);
      // Losers of winners round 2 never meet at once someone they played already (8+ entrants,
      // full bracket).
      if (n >= 8 && (n & (n - 1)) == 0) {
        std::map<std::string, std::set<std::string>> played_before;  // in winners rounds 1-2
        for (const auto& m : b.matches)
          if (m.bracket == "winners" && m.round <= 2) {
            played_before[*m.opponents[0]].insert(*m.opponents[1]);
            played_before[*m.opponents[1]].insert(*m.opponents[0]);
          }
        for (const auto& m : b.matches)
          if (m.bracket == "winners" && m.round == 2) {
            const auto* next = find(b, m.loser_to);
            REQUIRE(next);
            const auto& dropped_one = *m.opponents[0] == *m.winner ? *m.opponents[1]
                                                                   : *m.opponents[0];
            const auto& other = *next->opponents[0] == dropped_one ? *next->opponents[1]
                                                                   : *next->opponents[0];
            CHECK(!played_before[dropped_one].contains(other));
          }
      }
    }
}

TEST_CASE("double elimination: byes make no losers matches and the reset needs a losers win") {
  bracket_options o;
  o.format = bracket_format::double_elimination;
  o.grand_final = grand_final_rule::reset;
  const auto e = names(3);
  results_t results;
  auto b = compute_bracket(o, e, results);
  // 3 entrants: W1-1 (2 v 3), W2-1 (1 v winner), then the loser of W1-1 meets the loser of W2-1
  // (e1's bye in winners round 1 is no match, nor is the loser of W1-1's bye in the losers').
  REQUIRE(b.matches.size() == 4);
  CHECK(b.matches[3].id == "GF1");
  CHECK(b.matches[3].status == match_status::waiting);
  CHECK(b.matches[0].id == "W1-1");
  CHECK(b.matches[1].id == "W2-1");
  CHECK(b.matches[2].id == "L1-1");
  CHECK(b.matches[0].status == match_status::ready);
  CHECK(b.matches[1].status == match_status::waiting);
  CHECK(b.matches[1].opponents[0] == "e1");
  CHECK(b.matches[0].winner_to == "W2-1");
  CHECK(b.matches[0].loser_to == "L1-1");
  results["W1-1"] = result_for(b.matches[0], 0);  // e2 beats e3
  b = compute_bracket(o, e, results);
  results["W2-1"] = result_for(b.matches[1], 1);  // e2 beats e1
  b = compute_bracket(o, e, results);
  CHECK(*find(b, "L1-1")->opponents[0] == "e3");
  CHECK(*find(b, "L1-1")->opponents[1] == "e1");
  results["L1-1"] = result_for(*find(b, "L1-1"), 1);  // e1 beats e3: e3 is third
  b = compute_bracket(o, e, results);
  const auto* gf1 = find(b, "GF1");
  REQUIRE(gf1);
  CHECK(gf1->status == match_status::ready);
  CHECK(!find(b, "GF2"));
  // The winners' side wins GF1: over, and a GF2 result is dropped.
  auto won = results;
  won["GF1"] = result_for(*gf1, 0);
  won["GF2"] = result_for(*gf1, 1);
  auto done = compute_bracket(o, e, won);
  CHECK(done.finished);
  CHECK(done.champion == "e2");
  CHECK(!find(done, "GF2"));
  CHECK(done.dropped == std::vector<std::string>{"GF2"});
  // The losers' side wins GF1: GF2 decides.
  results["GF1"] = result_for(*gf1, 1);
  b = compute_bracket(o, e, results);
  CHECK(!b.finished);
  const auto* gf2 = find(b, "GF2");
  REQUIRE(gf2);
  CHECK(gf2->status == match_status::ready);
  CHECK(find(b, "GF1")->winner_to == "GF2");
  results["GF2"] = result_for(*gf2, 1);
  b = compute_bracket(o, e, results);
  CHECK(b.finished);
  CHECK(b.champion == "e1");
  CHECK(b.standings[0].entrant == "e1");
  CHECK(b.standings[1].entrant == "e2");
  CHECK(b.standings[2].entrant == "e3");
  CHECK(b.standings[2].rank == 3);
  CHECK(b.matches.size() == expected_match_count(o, 3, true));
}

TEST_CASE("edits recompute downstream and drop the results that no longer apply") {
  const auto e = names(8);
  results_t results;
  // The better seed always wins.
  const auto b = drive({}, e, results, [](const bracket_match& m) {
    return seed_of(*m.opponents[0]) < seed_of(*m.opponents[1]) ? 0 : 1;
  });
  CHECK(b.champion == "e1");
  // W1-1 was e1 v e8: now e8 won it. W2-1 (e1 v e4) and W3-1 (e1 v e2) no longer apply.
  results["W1-1"] = result_for(*find(b, "W1-1"), 1);
  const auto edited = compute_bracket({}, e, results);
  CHECK(edited.dropped == std::vector<std::string>{"W2-1", "W3-1"});
  CHECK(!edited.finished);
  CHECK(!edited.champion);
  const auto* w21 = find(edited, "W2-1");
  CHECK(w21->status == match_status::ready);
  CHECK(w21->opponents[0] == "e8");
  CHECK(find(edited, "W2-2")->status == match_status::done);  // untouched half
  CHECK(find(edited, "W3-1")->status == match_status::waiting);
  // A result reported with the opponents swapped still counts, its score follows the match.
  auto swapped = result_for(*w21, 1);
  std::swap(swapped.opponents[0], swapped.opponents[1]);
  std::swap(swapped.score[0], swapped.score[1]);
  results["W2-1"] = swapped;
  const auto again = compute_bracket({}, e, results);
  CHECK(find(again, "W2-1")->winner == "e4");
  CHECK(find(again, "W2-1")->score == std::array<int, 2>{0, 2});
  // Unknown ids and results naming someone else are dropped too.
  results["W9-9"] = swapped;
  auto wrong = result_for(*find(again, "W2-2"), 0);
  wrong.winner = "e7";
  results["W2-2"] = wrong;
  const auto bad = compute_bracket({}, e, results);
  CHECK(bad.dropped == std::vector<std::string>{"W2-2", "W3-1", "W9-9"});
}

TEST_CASE("a forfeit counts as a win and is marked") {
  const auto e = names(4);
  results_t results;
  auto b = compute_bracket({}, e, results);
  results["W1-1"] = result_for(b.matches[0], 1, true);
  b = compute_bracket({}, e, results);
  CHECK(b.matches[0].forfeit);
  CHECK(b.matches[0].winner == "e4");
  CHECK(find(b, "W2-1")->opponents[0] == "e4");
  CHECK(b.standings.back().entrant == "e1");
  CHECK(b.standings.back().rank == 3);
  CHECK(b.standings.back().losses == 1);
}

TEST_CASE("round robin, 2-64 entrants in 1-16 groups: every pair of a group meets once") {
  std::mt19937 rng(17);
  for (int groups : {1, 2, 3, 4, 16})
    for (int n = 2 * groups; n <= 64; n += (groups == 1 ? 1 : 7)) {
      CAPTURE(n);
      CAPTURE(groups);
      bracket_options o;
      o.format = bracket_format::round_robin;
      o.groups = groups;
      const auto e = names(n);
      REQUIRE(check_bracket(o, e).empty());
      results_t results;
      const auto b = drive(o, e, results, random_pick(rng));
      check_finished(o, e, b);
      std::map<std::string, int> group;
      for (const auto& s : b.standings)
        group[s.entrant] = s.group;
      std::set<std::set<std::string>> pairs;
      int outside = 0, repeated = 0;
      for (const auto& m : b.matches) {
        outside += group[*m.opponents[0]] == m.group && group[*m.opponents[1]] == m.group ? 0 : 1;
        repeated += pairs.insert({*m.opponents[0], *m.opponents[1]}).second ? 0 : 1;
      }
      CHECK(outside == 0);
      CHECK(repeated == 0);
      std::map<int, int> sizes;
      for (const auto& [name, g] : group)
        ++sizes[g];
      CHECK(sizes.size() == static_cast<std::size_t>(groups));
      std::size_t expected_pairs = 0;
      for (const auto& [g, size] : sizes) {
        CHECK(size >= n / groups);
        CHECK(size <= n / groups + 1);
        expected_pairs += static_cast<std::size_t>(size * (size - 1) / 2);
      }
      CHECK(pairs.size() == expected_pairs);
      // An odd group sits each entrant out once; an even one never.
      std::map<std::string, int> byes;
      for (const auto& bye : b.byes)
        ++byes[bye.entrant];
      int wrong_byes = 0, wrong_count = 0;
      for (const auto& s : b.standings) {
        wrong_byes += s.byes == (sizes[s.group] % 2 == 1 ? 1 : 0) && byes[s.entrant] == s.byes ? 0
                                                                                               : 1;
        wrong_count += s.wins + s.losses == sizes[s.group] - 1 ? 0 : 1;
      }
      CHECK(wrong_byes == 0);
      CHECK(wrong_count == 0);
      CHECK(b.champion.has_value() == (groups == 1));
    }
}

TEST_CASE("round robin: snake seeding and the tie-breaks (wins, head-to-head, game difference)") {
  bracket_options o;
  o.format = bracket_format::round_robin;
  o.groups = 2;
  const auto e = names(8);
  const auto b = compute_bracket(o, e, {});
  std::map<std::string, int> group;
  for (const auto& s : b.standings)
    group[s.entrant] = s.group;
  for (const auto& name : {"e1", "e4", "e5", "e8"})
    CHECK(group[name] == 1);
  for (const auto& name : {"e2", "e3", "e6", "e7"})
    CHECK(group[name] == 2);
  CHECK(b.rounds == 3);
  CHECK(b.matches.front().id == "G1R1-1");
  CHECK(b.matches.front().status == match_status::ready);

  // e1 beats e2 and e3, loses to e4; e2 beats e3 and e4; e3 beats e4: e1 and e2 have 2 wins
  // (e1 won theirs), e3 and e4 one (e3 won theirs).
  o.groups = 1;
  const auto four = names(4);
  results_t results;
  const auto winners = std::map<std::set<std::string>, std::string>{
    {{"e1", "e2"}, "e1"}, {{"e1", "e3"}, "e1"}, {{"e1", "e4"}, "e4"},
    {{"e2", "e3"}, "e2"}, {{"e2", "e4"}, "e2"}, {{"e3", "e4"}, "e3"}};
  const auto played = drive(o, four, results, [&](const bracket_match& m) {
    return winners.at({*m.opponents[0], *m.opponents[1]}) == *m.opponents[0] ? 0 : 1;
  });
  std::vector<std::string> order;
  for (const auto& s : played.standings)
    order.push_back(s.entrant);
  CHECK(order == std::vector<std::string>{"e1", "e2", "e3", "e4"});
  CHECK(played.champion == "e1");
  // Three-way tie on wins and head-to-head (a cycle): game difference decides, then they share.
  const auto three = names(3);
  results_t cycle;
  auto c = compute_bracket(o, three, cycle);
  for (const auto& m : c.matches) {
    const int a = seed_of(*m.opponents[0]), bb = seed_of(*m.opponents[1]);
    const bool first_wins = (a % 3) + 1 == bb;  // e1 > e2 > e3 > e1
    auto r = result_for(m, first_wins ? 0 : 1);
    if (*r.winner.rbegin() == '3')
      r.score = first_wins ? std::array<int, 2>{3, 0} : std::array<int, 2>{0, 3};
    cycle[m.id] = r;
  }
  c = compute_bracket(o, three, cycle);
  REQUIRE(c.finished);
  CHECK(c.standings[0].entrant == "e3");
  CHECK(c.standings[0].rank == 1);
  CHECK(c.standings[1].rank == 2);
  CHECK(c.standings[2].rank == 2);
  CHECK(c.byes.size() == 3);
}

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
