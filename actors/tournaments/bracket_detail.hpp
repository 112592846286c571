// What the bracket's format files share (bracket.cpp dispatches to them). Internal to
// actors/tournaments/bracket*.cpp.
#pragma once

#include "actors/tournaments/bracket.hpp"

#include <set>
#include <utility>

namespace aethex::actors::esports::detail {

using result_map = std::map<std::string, match_result, std::less<>>;

/// Sets `m`'s status from its opponents and applies results[m.id] when it was reported for these
/// two opponents (in either order; the score follows the current order). Marks the id `used`:
/// every result left unused ends up in bracket::dropped.
void settle(bracket_match& m, const result_map& results, std::set<std::string>& used);

/// Adds m's outcome (when done) to the two entrants' wins/losses/games in `by_name`.
void tally(const bracket_match& m, std::map<std::string, standing, std::less<>>& by_name);

bracket compute_elimination(const bracket_options& options, std::span<const std::string> entrants,
                            const result_map& results, std::set<std::string>& used);
bracket compute_round_robin(const bracket_options& options, std::span<const std::string> entrants,
                            const result_map& results, std::set<std::string>& used);
bracket compute_swiss(const bracket_options& options, std::span<const std::string> entrants,
                      const result_map& results, std::set<std::string>& used);

/// One Swiss round's pairing (the rule: docs/esports.md, "Swiss pairing"). `rank_order`: the
/// entrants (indices into `points`, `had_bye` and the n*n `played` matrix) best first; returns
/// the pairs, the better-ranked first, top of the table first, and the entrant with the bye (-1:
/// even count). Exposed for the bench (scripts/bench/tournaments/swiss_pairing).
struct swiss_round_pairs {
  std::vector<std::pair<int, int>> pairs;
  int bye = -1;
  int rematches = 0;
};
swiss_round_pairs swiss_pair_round(std::span<const int> rank_order, std::span<const int> points,
                                   std::span<const char> played, std::span<const char> had_bye);

/// Snake seeding: seed i (0-based) goes to group snake_group(i, groups) (0-based).
int snake_group(int seed_index, int groups);
/// Swiss rounds actually played: options.swiss_rounds, or ceil(log2 n) when 0.
int swiss_round_count(const bracket_options& options, std::size_t entrants);

}  // namespace aethex::actors::esports::detail
