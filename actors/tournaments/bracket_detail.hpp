// What the bracket's format files share (bracket.cpp dispatches to them). Internal to
// actors/tournaments/bracket*.cpp.
#pragma once

#include "actors/tournaments/bracket.hpp"

#include <set>

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

/// Snake seeding: seed i (0-based) goes to group snake_group(i, groups) (0-based).
int snake_group(int seed_index, int groups);
/// Swiss rounds actually played: options.swiss_rounds, or ceil(log2 n) when 0.
int swiss_round_count(const bracket_options& options, std::size_t entrants);

}  // namespace aethex::actors::esports::detail
