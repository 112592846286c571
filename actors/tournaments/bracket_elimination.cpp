// Single and double elimination. The structure depends only on the entrant count: it is built
// first as a graph of matches whose two slots are fed by a seed, the winner or the loser of an
// earlier match, or a bye. A pairing with a bye is no match: the other side passes through to
// where the pairing's winner would go (winners round 1, and losers rounds 1-2 fed by the losers
// of those byes). Then the results are applied in creation order, which is a topological order.
#include "actors/tournaments/bracket.hpp"
#include "actors/tournaments/bracket_detail.hpp"

#include <algorithm>
#include <utility>

namespace aethex::actors::esports::detail {
namespace {

struct elim_source {
  enum class kind { bye, seed, winner, loser } what = kind::bye;
  int index = 0;  // seed (0-based) or node index
  bool is_bye() const { return what == kind::bye; }
};

struct elim_node {
  std::string bracket;  // "winners" | "losers" | "grand_final" | "third_place"
  int round = 1;        // structural round (losers rounds are renumbered without empty ones)
  std::array<elim_source, 2> slots;
  int loser_rank = 0;  // the loser's final place when the loser is out
};

struct elim_pair_out {
  elim_source winner, loser;
};

class elim_structure {
 public:
  std::vector<elim_node> nodes;

  elim_pair_out pair(std::string_view bracket, int round, elim_source a, elim_source b) {
    if (a.is_bye())
      return {b, {}};
    if (b.is_bye())
      return {a, {}};
    nodes.push_back({std::string(bracket), round, {a, b}, 0});
    const int k = static_cast<int>(nodes.size()) - 1;
    return {{elim_source::kind::winner, k}, {elim_source::kind::loser, k}};
  }
};

// Losers of winners round r+1 enter the losers bracket crossed, so that they do not meet again
// at once those they (or their last opponents) just played: reversed for odd drop-ins, halves
// swapped for even ones (the orderings Challonge and start.gg use for the same purpose).
std::vector<elim_source> elim_cross(std::vector<elim_source> drop, int drop_in) {
  const auto m = drop.size();
  if (m < 2)
    return drop;
  if (drop_in % 2 == 1) {
    std::reverse(drop.begin(), drop.end());
  } else {
    std::rotate(drop.begin(), drop.begin() + static_cast<std::ptrdiff_t>(m / 2), drop.end());
  }
  return drop;
}

std::vector<elim_pair_out> elim_round(elim_structure& s, std::string_view bracket, int round,
                                      const std::vector<elim_source>& a,
                                      const std::vector<elim_source>& b) {
  std::vector<elim_pair_out> out;
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back(s.pair(bracket, round, a[i], b[i]));
  return out;
}

std::vector<elim_source> elim_evens(const std::vector<elim_source>& v, std::size_t parity) {
  std::vector<elim_source> out;
  for (std::size_t i = parity; i < v.size(); i += 2)
    out.push_back(v[i]);
  return out;
}

struct elim_plan {
  elim_structure s;
  int winners_final = -1;  // node index
  int losers_final = -1;   // node index, or -1 (2 entrants: the winners final's loser)
  elim_source losers_champion;
  int grand_final = -1;
  int third_place = -1;
  int winners_rounds = 0;
};

elim_plan elim_build(const bracket_options& options, int n) {
  elim_plan plan;
  int size = 1, rounds = 0;
  while (size < n) {
    size *= 2;
    ++rounds;
  }
  plan.winners_rounds = rounds;
  std::vector<elim_source> cur;
  for (int seed : standard_seed_order(size))
    cur.push_back(seed <= n ? elim_source{elim_source::kind::seed, seed - 1} : elim_source{});
  std::vector<std::vector<elim_source>> losers_of(static_cast<std::size_t>(rounds) + 1);
  std::array<elim_source, 2> semi_losers{};
  for (int r = 1; r <= rounds; ++r) {
    const auto outs = elim_round(plan.s, "winners", r, elim_evens(cur, 0), elim_evens(cur, 1));
    cur.clear();
    for (const auto& o : outs) {
      cur.push_back(o.winner);
      losers_of[static_cast<std::size_t>(r)].push_back(o.loser);
    }
    if (r == rounds - 1 && outs.size() == 2)
      semi_losers = {outs[0].loser, outs[1].loser};
  }
  plan.winners_final = static_cast<int>(plan.s.nodes.size()) - 1;
  const elim_source winners_champion = cur[0];

  if (options.format == bracket_format::single_elimination) {
    if (options.third_place && n >= 4 && !semi_losers[0].is_bye() && !semi_losers[1].is_bye()) {
      plan.s.pair("third_place", 1, semi_losers[0], semi_losers[1]);
      plan.third_place = static_cast<int>(plan.s.nodes.size()) - 1;
    }
    return plan;
  }

  // Losers bracket: round 1 pairs the losers of winners round 1; then for each winners round
  // r >= 2 a drop-in round (survivors v the losers of winners round r, crossed) and, except after
  // the winners final, an internal round halving the survivors.
  std::vector<elim_source> lcur = losers_of[1];
  int lround = 0;
  if (lcur.size() >= 2) {
    lround = 1;
    std::vector<elim_source> next;
    for (const auto& o : elim_round(plan.s, "losers", 1, elim_evens(lcur, 0), elim_evens(lcur, 1)))
      next.push_back(o.winner);
    lcur = std::move(next);
  }
  for (int r = 2; r <= rounds; ++r) {
    ++lround;
    const auto drop = elim_cross(losers_of[static_cast<std::size_t>(r)], r - 1);
    std::vector<elim_source> next;
    for (const auto& o : elim_round(plan.s, "losers", lround, lcur, drop))
      next.push_back(o.winner);
    lcur = std::move(next);
    if (r < rounds) {
      ++lround;
      next.clear();
      for (const auto& o :
           elim_round(plan.s, "losers", lround, elim_evens(lcur, 0), elim_evens(lcur, 1)))
        next.push_back(o.winner);
      lcur = std::move(next);
    }
  }
  plan.losers_champion = lcur[0];
  if (plan.losers_champion.what == elim_source::kind::winner)
    plan.losers_final = plan.losers_champion.index;
  if (options.grand_final != grand_final_rule::none) {
    plan.s.pair("grand_final", 1, winners_champion, plan.losers_champion);
    plan.grand_final = static_cast<int>(plan.s.nodes.size()) - 1;
  }
  return plan;
}

// Ids and places: rounds without a match (losers rounds made only of byes) are skipped in the
// numbering; an entrant eliminated in a round ranks 1 + the number of entrants still in after it.
void elim_label(elim_plan& plan, int n, bool single, std::vector<std::string>& ids) {
  auto& nodes = plan.s.nodes;
  std::map<std::pair<std::string, int>, int> count;  // (bracket, structural round) -> matches
  for (const auto& node : nodes)
    ++count[{node.bracket, node.round}];
  std::map<std::pair<std::string, int>, int> renumber;
  std::map<std::string, int> next_round;
  for (const auto& [key, c] : count)
    renumber[key] = ++next_round[key.first];
  // Eliminations happen round by round: all of winners (single) or losers (double) round r
  // before round r+1.
  const std::string out_bracket = single ? "winners" : "losers";
  std::map<int, int> out_before;  // structural round -> entrants out after it
  int out_so_far = 0;
  for (const auto& [key, c] : count)
    if (key.first == out_bracket) {
      out_so_far += c;
      out_before[key.second] = out_so_far;
    }
  std::map<std::pair<std::string, int>, int> seen;
  ids.clear();
  for (auto& node : nodes) {
    const int round = renumber[{node.bracket, node.round}];
    const int nth = ++seen[{node.bracket, node.round}];
    if (node.bracket == "winners")
      ids.push_back("W" + std::to_string(round) + "-" + std::to_string(nth));
    else if (node.bracket == "losers")
      ids.push_back("L" + std::to_string(round) + "-" + std::to_string(nth));
    else if (node.bracket == "grand_final")
      ids.push_back("GF1");
    else
      ids.push_back("3P");
    if (node.bracket == out_bracket)
      node.loser_rank = 1 + n - out_before[node.round];
    node.round = round;
  }
  if (plan.third_place >= 0) {
    nodes[static_cast<std::size_t>(plan.third_place)].loser_rank = 4;
    // The semifinal losers are not out: they play the third-place match.
    for (auto& node : nodes)
      if (node.bracket == "winners" && node.round == plan.winners_rounds - 1)
        node.loser_rank = 0;
  }
  if (plan.grand_final >= 0)
    nodes[static_cast<std::size_t>(plan.grand_final)].loser_rank = 2;
}

}  // namespace

bracket compute_elimination(const bracket_options& options, std::span<const std::string> entrants,
                            const result_map& results, std::set<std::string>& used) {
  const int n = static_cast<int>(entrants.size());
  const bool single = options.format == bracket_format::single_elimination;
  elim_plan plan = elim_build(options, n);
  std::vector<std::string> ids;
  elim_label(plan, n, single, ids);
  const auto& nodes = plan.s.nodes;

  bracket out;
  out.rounds = plan.winners_rounds;
  std::vector<bracket_match>& ms = out.matches;
  ms.reserve(nodes.size() + 1);
  auto resolve = [&](const elim_source& src) -> std::optional<std::string> {
    switch (src.what) {
      case elim_source::kind::bye: return std::nullopt;
      case elim_source::kind::seed: return entrants[static_cast<std::size_t>(src.index)];
      case elim_source::kind::winner:
      case elim_source::kind::loser: {
        const auto& m = ms[static_cast<std::size_t>(src.index)];
        if (m.status != match_status::done)
          return std::nullopt;
        if (src.what == elim_source::kind::winner)
          return m.winner;
        return *m.opponents[0] == *m.winner ? m.opponents[1] : m.opponents[0];
      }
    }
    return std::nullopt;
  };
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    bracket_match m;
    m.id = ids[k];
    m.round = nodes[k].round;
    m.bracket = nodes[k].bracket;
    m.opponents = {resolve(nodes[k].slots[0]), resolve(nodes[k].slots[1])};
    settle(m, results, used);
    ms.push_back(std::move(m));
  }
  // Where winners and losers go: the match that reads them.
  for (std::size_t k = 0; k < nodes.size(); ++k)
    for (const auto& slot : nodes[k].slots) {
      if (slot.what == elim_source::kind::winner)
        ms[static_cast<std::size_t>(slot.index)].winner_to = ids[k];
      if (slot.what == elim_source::kind::loser)
        ms[static_cast<std::size_t>(slot.index)].loser_to = ids[k];
    }

  // Grand final reset: GF2 exists only once the losers' side has won GF1.
  std::optional<std::string> champion, runner_up;
  bool finished = false;
  std::map<std::string, int, std::less<>> place;  // entrant -> final place once out
  const auto loser_of = [](const bracket_match& m) {
    return *m.opponents[0] == *m.winner ? *m.opponents[1] : *m.opponents[0];
  };
  for (std::size_t k = 0; k < nodes.size(); ++k)
    if (ms[k].status == match_status::done && nodes[k].loser_rank > 0)
      place[loser_of(ms[k])] = nodes[k].loser_rank;
  if (plan.grand_final >= 0) {
    auto& gf1 = ms[static_cast<std::size_t>(plan.grand_final)];
    if (gf1.status == match_status::done) {
      const bool losers_side_won = *gf1.winner == *gf1.opponents[1];
      if (options.grand_final == grand_final_rule::reset && losers_side_won) {
        place.erase(loser_of(gf1));  // one loss each: the reset decides
        gf1.winner_to = gf1.loser_to = "GF2";
        bracket_match gf2;
        gf2.id = "GF2";
        gf2.round = 2;
        gf2.bracket = "grand_final";
        gf2.opponents = gf1.opponents;
        settle(gf2, results, used);
        if (gf2.status == match_status::done) {
          champion = gf2.winner;
          place[loser_of(gf2)] = 2;
          finished = true;
        }
        ms.push_back(std::move(gf2));
      } else {
        champion = gf1.winner;
        finished = true;
      }
    }
  } else {
    const auto& wf = ms[static_cast<std::size_t>(plan.winners_final)];
    const bool final_done = wf.status == match_status::done;
    if (single) {
      const bool third_done = plan.third_place < 0 ||
                              ms[static_cast<std::size_t>(plan.third_place)].status ==
                                match_status::done;
      if (final_done) {
        champion = wf.winner;
        place[loser_of(wf)] = 2;
      }
      finished = final_done && third_done;
      if (plan.third_place >= 0 && third_done)
        place[*ms[static_cast<std::size_t>(plan.third_place)].winner] = 3;
    } else {
      // No grand final: the winners' champion wins, the losers' champion is second.
      const bool losers_done = plan.losers_final < 0 ||
                               ms[static_cast<std::size_t>(plan.losers_final)].status ==
                                 match_status::done;
      if (final_done && losers_done) {
        champion = wf.winner;
        runner_up = plan.losers_final < 0 ? loser_of(wf)
                                          : *ms[static_cast<std::size_t>(plan.losers_final)].winner;
        place[*runner_up] = 2;
        finished = true;
      }
    }
  }
  if (champion)
    place[*champion] = 1;
  out.champion = finished ? champion : std::nullopt;
  out.finished = finished;

  std::map<std::string, standing, std::less<>> by_name;
  for (const auto& m : ms)
    tally(m, by_name);
  std::vector<std::pair<int, int>> order;  // (place or 0, seed)
  for (int i = 0; i < n; ++i) {
    const auto it = place.find(entrants[static_cast<std::size_t>(i)]);
    order.emplace_back(it == place.end() ? 0 : it->second, i);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [rank, seed] : order) {
    const auto& name = entrants[static_cast<std::size_t>(seed)];
    standing s = by_name[name];
    s.entrant = name;
    s.rank = rank;
    out.standings.push_back(std::move(s));
  }
  return out;
}

}  // namespace aethex::actors::esports::detail
