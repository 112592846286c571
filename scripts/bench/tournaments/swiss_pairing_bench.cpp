// Swiss pairing benchmark (scripts/bench/tournaments/swiss_pairing): plays rounds 1..R-1 of a
// Swiss bracket with seeded random results through compute_bracket(), then times the pairing of
// round R alone (detail::swiss_pair_round, the function compute_bracket() calls per round) many
// times and prints p50/p99 in ms, plus one full compute_bracket() (which re-pairs every round).
// --dump FILE writes the same round's graph (entrants in table order, the pairs not played yet,
// points) for the peer, a maximum-weight matching in networkx, measured by the script.
#include "actors/tournaments/bracket.hpp"
#include "actors/tournaments/bracket_detail.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

using namespace aethex::actors::esports;

int main(int argc, char** argv) {
  int entrants = 256, round = 8, iterations = 300;
  unsigned seed = 1;
  std::string dump;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--entrants")
      entrants = std::atoi(value);
    else if (flag == "--round")
      round = std::atoi(value);
    else if (flag == "--iterations")
      iterations = std::atoi(value);
    else if (flag == "--seed")
      seed = static_cast<unsigned>(std::atoi(value));
    else if (flag == "--dump")
      dump = value;
  }
  std::vector<std::string> names;
  for (int i = 1; i <= entrants; ++i)
    names.push_back("e" + std::to_string(i));
  bracket_options o;
  o.format = bracket_format::swiss;
  o.swiss_rounds = round;
  if (const auto why = check_bracket(o, names); !why.empty()) {
    std::fprintf(stderr, "%s\n", why.c_str());
    return 2;
  }
  // Rounds 1..R-1 with random results: compute_bracket pairs round r once r-1 is in.
  std::mt19937 rng(seed);
  std::map<std::string, match_result, std::less<>> results;
  bracket b = compute_bracket(o, names, results);
  for (int r = 1; r < round; ++r) {
    for (const auto& m : b.matches)
      if (m.round == r && m.status == match_status::ready) {
        match_result res;
        res.opponents = {*m.opponents[0], *m.opponents[1]};
        res.winner = res.opponents[rng() % 2];
        res.score = res.winner == res.opponents[0] ? std::array<int, 2>{2, 0}
                                                   : std::array<int, 2>{0, 2};
        results[m.id] = res;
      }
    b = compute_bracket(o, names, results);
  }
  // The state round R is paired from, rebuilt from the bracket.
  const auto n = static_cast<std::size_t>(entrants);
  std::map<std::string, int, std::less<>> index;
  for (std::size_t i = 0; i < n; ++i)
    index[names[i]] = static_cast<int>(i);
  std::vector<int> points(n, 0), order;
  std::vector<char> played(n * n, 0), had_bye(n, 0);
  for (const auto& s : b.standings) {
    const auto i = static_cast<std::size_t>(index[s.entrant]);
    points[i] = s.points;
    had_bye[i] = s.byes > 0 ? 1 : 0;
    order.push_back(static_cast<int>(i));  // standings: points, Buchholz, games, seed
  }
  for (const auto& m : b.matches)
    if (m.round < round) {
      const auto x = static_cast<std::size_t>(index[*m.opponents[0]]);
      const auto y = static_cast<std::size_t>(index[*m.opponents[1]]);
      played[x * n + y] = played[y * n + x] = 1;
    }

  std::vector<double> ms;
  detail::swiss_round_pairs pairs;
  for (int k = 0; k < iterations; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    pairs = detail::swiss_pair_round(order, points, played, had_bye);
    ms.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  const auto pct = [&](double q) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
  };
  const auto t0 = std::chrono::steady_clock::now();
  const auto full = compute_bracket(o, names, results);
  const double full_ms =
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  long score_gap = 0;
  for (const auto& [x, y] : pairs.pairs)
    score_gap += std::abs(points[static_cast<std::size_t>(x)] -
                          points[static_cast<std::size_t>(y)]);
  std::printf("swiss pairing, %d entrants, round %d (after %d random rounds), %d runs\n", entrants,
              round, round - 1, iterations);
  std::printf(
    "ours: p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%zu pairs, %d rematches, sum of point gaps "
    "%ld)\n",
    pct(0.5), pct(0.99), ms.back(), pairs.pairs.size(), pairs.rematches, score_gap);
  std::printf("ours: full compute_bracket (pairs all %d rounds again): %.3f ms, %zu matches\n",
              round, full_ms, full.matches.size());
  std::printf("ours_p50_ms=%.6f\n", pct(0.5));
  if (!dump.empty()) {
    // Active entrants (our bye left out) in table order with their points, then the edges.
    std::ofstream out(dump);
    std::vector<int> active;
    for (int e : order)
      if (e != pairs.bye)
        active.push_back(e);
    out << active.size() << "\n";
    for (std::size_t r = 0; r < active.size(); ++r)
      out << active[r] << " " << points[static_cast<std::size_t>(active[r])] << "\n";
    for (std::size_t i = 0; i < active.size(); ++i)
      for (std::size_t j = i + 1; j < active.size(); ++j)
        if (!played[static_cast<std::size_t>(active[i]) * n + static_cast<std::size_t>(active[j])])
          out << i << " " << j << "\n";
  }
  return 0;
}
