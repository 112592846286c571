// The bracket's common part: names, input checks, the standard seed order, result settling and
// the dispatch to a format (bracket_elimination.cpp, bracket_round_robin.cpp, bracket_swiss.cpp).
#include "actors/tournaments/bracket.hpp"
#include "actors/tournaments/bracket_detail.hpp"

#include <algorithm>
#include <utility>

namespace aethex::actors::esports {

std::string_view to_string(bracket_format format) {
  switch (format) {
    case bracket_format::single_elimination: return "single_elimination";
    case bracket_format::double_elimination: return "double_elimination";
    case bracket_format::round_robin: return "round_robin";
    case bracket_format::swiss: return "swiss";
  }
  return "single_elimination";
}

std::optional<bracket_format> parse_bracket_format(std::string_view text) {
  for (auto f : {bracket_format::single_elimination, bracket_format::double_elimination,
                 bracket_format::round_robin, bracket_format::swiss})
    if (to_string(f) == text)
      return f;
  return std::nullopt;
}

std::string_view to_string(grand_final_rule rule) {
  switch (rule) {
    case grand_final_rule::none: return "none";
    case grand_final_rule::simple: return "simple";
    case grand_final_rule::reset: return "double";
  }
  return "simple";
}

std::optional<grand_final_rule> parse_grand_final(std::string_view text) {
  for (auto r : {grand_final_rule::none, grand_final_rule::simple, grand_final_rule::reset})
    if (to_string(r) == text)
      return r;
  return std::nullopt;
}

std::string_view to_string(match_status status) {
  switch (status) {
    case match_status::waiting: return "waiting";
    case match_status::ready: return "ready";
    case match_status::done: return "done";
  }
  return "waiting";
}

std::vector<int> standard_seed_order(int bracket_size) {
  if (bracket_size < 1 || bracket_size > 512 || (bracket_size & (bracket_size - 1)) != 0)
    return {};
  // Doubling keeps 1 and 2 in opposite halves: each seed s of the smaller bracket is paired with
  // the seed that completes the sum to size + 1, in place.
  std::vector<int> order{1};
  while (static_cast<int>(order.size()) < bracket_size) {
    const int size = static_cast<int>(order.size()) * 2;
    std::vector<int> next;
    next.reserve(static_cast<std::size_t>(size));
    for (int s : order) {
      next.push_back(s);
      next.push_back(size + 1 - s);
    }
    order = std::move(next);
  }
  return order;
}

std::string check_bracket(const bracket_options& options, std::span<const std::string> entrants) {
  const auto n = entrants.size();
  if (n < 2 || n > 256)
    return "a bracket needs 2-256 entrants";
  for (const auto& e : entrants)
    if (e.empty())
      return "entrant names must not be empty";
  std::vector<std::string_view> names(entrants.begin(), entrants.end());
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end())
    return "entrant names must differ";
  if (options.format == bracket_format::round_robin) {
    if (options.groups < 1 || options.groups > 16)
      return "groups must be 1-16";
    if (static_cast<std::size_t>(options.groups) * 2 > n)
      return "groups must be at most " + std::to_string(n / 2) + " (2 entrants per group at least)";
  }
  if (options.format == bracket_format::swiss &&
      (options.swiss_rounds < 0 || static_cast<std::size_t>(options.swiss_rounds) > n - 1))
    return "swiss_rounds must be 1-" + std::to_string(n - 1) + " (or 0: ceil(log2 n))";
  return {};
}

namespace detail {

void settle(bracket_match& m, const result_map& results, std::set<std::string>& used) {
  if (!m.opponents[0] || !m.opponents[1]) {
    m.status = match_status::waiting;
    return;
  }
  m.status = match_status::ready;
  const auto it = results.find(m.id);
  if (it == results.end())
    return;
  const auto& r = it->second;
  const auto& a = *m.opponents[0];
  const auto& b = *m.opponents[1];
  const bool same = r.opponents[0] == a && r.opponents[1] == b;
  const bool swapped = r.opponents[0] == b && r.opponents[1] == a;
  if ((!same && !swapped) || (r.winner != a && r.winner != b))
    return;  // reported for other opponents: an edit upstream changed who plays
  m.status = match_status::done;
  m.winner = r.winner;
  m.score = same ? r.score : std::array<int, 2>{r.score[1], r.score[0]};
  m.forfeit = r.forfeit;
  used.insert(m.id);
}

void tally(const bracket_match& m, std::map<std::string, standing, std::less<>>& by_name) {
  if (m.status != match_status::done || !m.winner)
    return;
  for (int side = 0; side < 2; ++side) {
    auto& s = by_name[*m.opponents[side]];
    const bool won = *m.opponents[side] == *m.winner;
    ++(won ? s.wins : s.losses);
    s.game_wins += m.score[side];
    s.game_losses += m.score[1 - side];
  }
}

int snake_group(int seed_index, int groups) {
  const int block = seed_index / groups;
  const int pos = seed_index % groups;
  return block % 2 == 0 ? pos : groups - 1 - pos;
}

int swiss_round_count(const bracket_options& options, std::size_t entrants) {
  if (options.swiss_rounds > 0)
    return options.swiss_rounds;
  int rounds = 0;
  while ((std::size_t{1} << rounds) < entrants)
    ++rounds;
  return std::max(rounds, 1);
}

}  // namespace detail

bracket compute_bracket(const bracket_options& options, std::span<const std::string> entrants,
                        const std::map<std::string, match_result, std::less<>>& results) {
  bracket out;
  std::set<std::string> used;
  if (check_bracket(options, entrants).empty()) {
    switch (options.format) {
      case bracket_format::single_elimination:
      case bracket_format::double_elimination:
        out = detail::compute_elimination(options, entrants, results, used);
        break;
      case bracket_format::round_robin:
        out = detail::compute_round_robin(options, entrants, results, used);
        break;
      case bracket_format::swiss:
        out = detail::compute_swiss(options, entrants, results, used);
        break;
    }
  }
  for (const auto& [id, result] : results)
    if (!used.contains(id))
      out.dropped.push_back(id);
  return out;
}

std::size_t expected_match_count(const bracket_options& options, std::size_t entrants,
                                 bool reset_played) {
  const std::size_t n = entrants;
  if (n < 2)
    return 0;
  switch (options.format) {
    case bracket_format::single_elimination: return n - 1 + (options.third_place && n >= 4 ? 1 : 0);
    case bracket_format::double_elimination:
      switch (options.grand_final) {
        case grand_final_rule::none: return 2 * n - 3;
        case grand_final_rule::simple: return 2 * n - 2;
        case grand_final_rule::reset: return 2 * n - 2 + (reset_played ? 1 : 0);
      }
      return 2 * n - 2;
    case bracket_format::round_robin: {
      const auto g = static_cast<std::size_t>(std::clamp(options.groups, 1, 16));
      std::size_t total = 0;
      for (std::size_t i = 0; i < g; ++i) {
        const std::size_t size = n / g + (i < n % g ? 1 : 0);  // snake deals the extras first
        total += size * (size - (size > 0 ? 1 : 0)) / 2;
      }
      return total;
    }
    case bracket_format::swiss:
      return static_cast<std::size_t>(detail::swiss_round_count(options, n)) * (n / 2);
  }
  return 0;
}

}  // namespace aethex::actors::esports
