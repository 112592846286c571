// Round robin: entrants dealt into groups in seed order (snake), each group scheduled by the
// circle method (Berger tables): the group's first seed stays put, the others rotate one place a
// round. An odd group gets a dummy: whoever meets it that round has a bye (no match).
#include "actors/tournaments/bracket.hpp"
#include "actors/tournaments/bracket_detail.hpp"

#include <algorithm>
#include <tuple>

namespace aethex::actors::esports::detail {
namespace {

struct rr_pairing {
  int round = 0;       // 0-based
  int a = -1, b = -1;  // seeds (0-based); -1: the dummy
};

// Every pair of the group exactly once over size-1 rounds (size even, the dummy included).
std::vector<rr_pairing> rr_schedule(const std::vector<int>& members) {
  std::vector<int> seats = members;
  if (seats.size() % 2 == 1)
    seats.push_back(-1);
  const int size = static_cast<int>(seats.size());
  std::vector<rr_pairing> out;
  for (int r = 0; r < size - 1; ++r) {
    std::vector<int> at(static_cast<std::size_t>(size));
    at[0] = seats[0];
    for (int i = 1; i < size; ++i) {
      const int seat = 1 + (i - 1 + r) % (size - 1);  // everyone but seat 0 moves one place
      at[static_cast<std::size_t>(i)] = seats[static_cast<std::size_t>(seat)];
    }
    for (int i = 0; i < size / 2; ++i) {
      int a = at[static_cast<std::size_t>(i)], b = at[static_cast<std::size_t>(size - 1 - i)];
      if (i == 0 && r % 2 == 1)
        std::swap(a, b);  // the fixed seat alternates sides, as in Berger tables
      out.push_back({r, a, b});
    }
  }
  return out;
}

}  // namespace

bracket compute_round_robin(const bracket_options& options, std::span<const std::string> entrants,
                            const result_map& results, std::set<std::string>& used) {
  const int n = static_cast<int>(entrants.size());
  const int groups = options.groups;
  std::vector<std::vector<int>> members(static_cast<std::size_t>(groups));
  for (int i = 0; i < n; ++i) {
    const int g = snake_group(i, groups);
    members[static_cast<std::size_t>(g)].push_back(i);
  }
  bracket out;
  std::vector<std::vector<rr_pairing>> schedule;
  for (const auto& m : members) {
    schedule.push_back(rr_schedule(m));
    out.rounds = std::max(out.rounds, static_cast<int>(m.size() + m.size() % 2) - 1);
  }
  out.matches.reserve(static_cast<std::size_t>(expected_match_count(options, entrants.size())));
  // Round-major: every group's round 1 first, as they are played.
  std::vector<int> byes(static_cast<std::size_t>(n), 0);
  for (int r = 0; r < out.rounds; ++r)
    for (int g = 0; g < groups; ++g) {
      int nth = 0;
      // rr_schedule lists the rounds in order, size/2 pairings each.
      const auto& all = schedule[static_cast<std::size_t>(g)];
      const auto& group = members[static_cast<std::size_t>(g)];
      const std::size_t per_round = (group.size() + 1) / 2;
      const std::size_t from = static_cast<std::size_t>(r) * per_round;
      for (std::size_t k = from; k < std::min(all.size(), from + per_round); ++k) {
        const auto& p = all[k];
        if (p.a < 0 || p.b < 0) {
          const int who = p.a < 0 ? p.b : p.a;
          ++byes[static_cast<std::size_t>(who)];
          out.byes.push_back({entrants[static_cast<std::size_t>(who)], r + 1, g + 1});
          continue;
        }
        bracket_match m;
        m.id = "G" + std::to_string(g + 1) + "R" + std::to_string(r + 1) + "-" +
               std::to_string(++nth);
        m.round = r + 1;
        m.bracket = "group";
        m.group = g + 1;
        m.opponents = {entrants[static_cast<std::size_t>(p.a)],
                       entrants[static_cast<std::size_t>(p.b)]};
        settle(m, results, used);
        out.matches.push_back(std::move(m));
      }
    }

  std::map<std::string, standing, std::less<>> by_name;
  for (const auto& m : out.matches)
    tally(m, by_name);
  out.finished = std::all_of(out.matches.begin(), out.matches.end(),
                             [](const bracket_match& m) { return m.status == match_status::done; });
  // Group tables: wins, then wins among those with as many wins (head-to-head), then game
  // difference; a tie on all three shares the place (listed in seed order).
  std::map<std::string_view, int, std::less<>> seed_of;
  for (int i = 0; i < n; ++i)
    seed_of[entrants[static_cast<std::size_t>(i)]] = i;
  std::vector<int> wins(static_cast<std::size_t>(n)), diff(wins), h2h(wins);
  for (int i = 0; i < n; ++i) {
    const auto& s = by_name[entrants[static_cast<std::size_t>(i)]];
    wins[static_cast<std::size_t>(i)] = s.wins;
    diff[static_cast<std::size_t>(i)] = s.game_wins - s.game_losses;
  }
  for (const auto& m : out.matches) {
    if (m.status != match_status::done)
      continue;
    const auto a = static_cast<std::size_t>(seed_of.at(*m.opponents[0]));
    const auto b = static_cast<std::size_t>(seed_of.at(*m.opponents[1]));
    if (wins[a] == wins[b])  // head-to-head: wins against entrants with as many wins
      ++h2h[*m.winner == *m.opponents[0] ? a : b];
  }
  std::vector<std::tuple<int, int, int>> table_rows;  // (rank, group, seed)
  for (int g = 0; g < groups; ++g) {
    const auto& group = members[static_cast<std::size_t>(g)];
    const auto key = [&](int i) {
      const auto u = static_cast<std::size_t>(i);
      return std::make_tuple(wins[u], h2h[u], diff[u]);
    };
    std::vector<int> order = group;
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return key(x) > key(y); });
    for (std::size_t k = 0; k < order.size(); ++k) {
      const bool tied = k > 0 && key(order[k]) == key(order[k - 1]);
      const int rank = tied ? std::get<0>(table_rows.back()) : static_cast<int>(k) + 1;
      table_rows.emplace_back(rank, g, order[k]);
    }
  }
  std::stable_sort(table_rows.begin(), table_rows.end(), [](const auto& x, const auto& y) {
    return std::make_pair(std::get<0>(x), std::get<1>(x)) <
           std::make_pair(std::get<0>(y), std::get<1>(y));
  });
  for (const auto& [rank, g, seed] : table_rows) {
    const auto& name = entrants[static_cast<std::size_t>(seed)];
    standing s = by_name[name];
    s.entrant = name;
    s.rank = rank;
    s.group = g + 1;
    s.byes = byes[static_cast<std::size_t>(seed)];
    out.standings.push_back(std::move(s));
  }
  // One group: its winner is the champion (the seed breaks a perfect tie). Several groups are a
  // stage before playoffs: no champion.
  if (out.finished && groups == 1)
    out.champion = out.standings.front().entrant;
  return out;
}

}  // namespace aethex::actors::esports::detail
