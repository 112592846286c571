// The bracket as a pure function (actors/tournaments/bracket.hpp, docs/esports.md "Brackets"):
// elimination and round robin driven to completion with seeded random results, for 2-64
// entrants, and the rules checked on the way (one match per entrant per round, eliminations,
// closed-form match counts, edits dropping what no longer applies, forfeits, input errors).
#include "tests/actors/tournaments/bracket_checks.hpp"

using namespace aethex::actors::esports;
using namespace bracket_test;

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
