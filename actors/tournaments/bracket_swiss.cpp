// Swiss: round r is paired once round r-1 is done, from the table after it. The pairing is a
// greedy walk down the table (Dutch order within a score group) that never takes a choice which
// would force more rematches than the fewest possible: each tentative pair is checked by keeping
// a maximum matching of the "have not played yet" graph (Edmonds' blossom algorithm) and
// repairing it with at most two augmenting-path searches. The rule: docs/esports.md.
#include "actors/tournaments/bracket.hpp"
#include "actors/tournaments/bracket_detail.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace aethex::actors::esports::detail {
namespace {

// Maximum matching in a general graph (Edmonds), one augmenting-path search at a time, over
// vertices that can be taken out (`gone`) as the pairing fixes them.
class swiss_matcher {
 public:
  std::vector<int> mate;
  std::vector<char> gone;

  explicit swiss_matcher(std::vector<std::vector<int>> adjacency)
      : mate(adjacency.size(), -1), gone(adjacency.size(), 0), adj_(std::move(adjacency)),
        parent_(adj_.size()), base_(adj_.size()), queue_(adj_.size()), used_(adj_.size()),
        blossom_(adj_.size()), mark_(adj_.size()) {}

  /// Augments the matching along a path from the exposed vertex `root`; false if there is none.
  bool augment(int root) {
    int v = find_path(root);
    if (v < 0)
      return false;
    while (v >= 0) {
      const int pv = parent_[at(v)];
      const int next = mate[at(pv)];
      mate[at(v)] = pv;
      mate[at(pv)] = v;
      v = next;
    }
    return true;
  }

 private:
  std::vector<std::vector<int>> adj_;
  std::vector<int> parent_, base_, queue_;
  std::vector<char> used_, blossom_, mark_;

  static std::size_t at(int v) { return static_cast<std::size_t>(v); }

  int lca(int a, int b) {
    std::fill(mark_.begin(), mark_.end(), 0);
    for (;;) {
      a = base_[at(a)];
      mark_[at(a)] = 1;
      if (mate[at(a)] < 0)
        break;
      a = parent_[at(mate[at(a)])];
    }
    for (;;) {
      b = base_[at(b)];
      if (mark_[at(b)])
        return b;
      b = parent_[at(mate[at(b)])];
    }
  }

  void mark_path(int v, int b, int child) {
    while (base_[at(v)] != b) {
      blossom_[at(base_[at(v)])] = blossom_[at(base_[at(mate[at(v)])])] = 1;
      parent_[at(v)] = child;
      child = mate[at(v)];
      v = parent_[at(mate[at(v)])];
    }
  }

  int find_path(int root) {
    const int n = static_cast<int>(adj_.size());
    std::fill(used_.begin(), used_.end(), 0);
    std::fill(parent_.begin(), parent_.end(), -1);
    std::iota(base_.begin(), base_.end(), 0);
    used_[at(root)] = 1;
    int head = 0, tail = 0;
    queue_[at(tail++)] = root;
    while (head < tail) {
      const int v = queue_[at(head++)];
      for (const int to : adj_[at(v)]) {
        if (gone[at(to)] || base_[at(v)] == base_[at(to)] || mate[at(v)] == to)
          continue;
        if (to == root || (mate[at(to)] >= 0 && parent_[at(mate[at(to)])] >= 0)) {
          const int b = lca(v, to);
          std::fill(blossom_.begin(), blossom_.end(), 0);
          mark_path(v, b, to);
          mark_path(to, b, v);
          for (int i = 0; i < n; ++i)
            if (blossom_[at(base_[at(i)])]) {
              base_[at(i)] = b;
              if (!used_[at(i)]) {
                used_[at(i)] = 1;
                queue_[at(tail++)] = i;
              }
            }
        } else if (parent_[at(to)] < 0) {
          parent_[at(to)] = v;
          if (mate[at(to)] < 0)
            return to;
          used_[at(mate[at(to)])] = 1;
          queue_[at(tail++)] = mate[at(to)];
        }
      }
    }
    return -1;
  }
};

}  // namespace

swiss_round_pairs swiss_pair_round(std::span<const int> rank_order, std::span<const int> points,
                                   std::span<const char> played, std::span<const char> had_bye) {
  const std::size_t stride = points.size();
  swiss_round_pairs out;
  std::vector<int> order(rank_order.begin(), rank_order.end());
  if (order.size() % 2 == 1) {
    // The bye: the lowest-ranked entrant who has not had one (everyone had one: the lowest).
    auto it = std::find_if(order.rbegin(), order.rend(),
                           [&](int e) { return !had_bye[static_cast<std::size_t>(e)]; });
    if (it == order.rend())
      it = order.rbegin();
    out.bye = *it;
    order.erase(std::next(it).base());
  }
  // Local vertex k = the k-th of the table.
  const int a = static_cast<int>(order.size());
  const auto idx = [](int v) { return static_cast<std::size_t>(v); };
  const auto new_pair = [&](int x, int y) {
    return !played[idx(order[idx(x)]) * stride + idx(order[idx(y)])];
  };
  const auto pts = [&](int x) { return points[idx(order[idx(x)])]; };
  std::vector<std::vector<int>> adjacency(idx(a));
  for (int x = 0; x < a; ++x)
    for (int y = 0; y < a; ++y)
      if (x != y && new_pair(x, y))
        adjacency[idx(x)].push_back(y);
  swiss_matcher mm(std::move(adjacency));

  // Preference of the best-ranked remaining entrant p: its score group in Dutch order (the one
  // half the group below it first, then downwards, then upwards), then lower groups down the
  // table.
  std::vector<int> prefs;
  const auto preferences = [&](int p, const std::vector<char>& taken) {
    prefs.clear();
    std::vector<int> group;
    for (int x = p; x < a; ++x)
      if (!taken[idx(x)] && pts(x) == pts(p))
        group.push_back(x);
    const std::size_t half = group.size() / 2;
    for (std::size_t k = std::max<std::size_t>(half, 1); k < group.size(); ++k)
      prefs.push_back(group[k]);
    for (std::size_t k = half; k-- > 1;)
      prefs.push_back(group[k]);
    for (int x = p + 1; x < a; ++x)
      if (!taken[idx(x)] && pts(x) != pts(p))
        prefs.push_back(x);
  };

  // A first matching: the greedy choice itself, then made maximum.
  {
    std::vector<char> taken(idx(a), 0);
    for (int p = 0; p < a; ++p) {
      if (taken[idx(p)])
        continue;
      preferences(p, taken);
      taken[idx(p)] = 1;
      for (int q : prefs)
        if (new_pair(p, q)) {
          taken[idx(q)] = 1;
          mm.mate[idx(p)] = q;
          mm.mate[idx(q)] = p;
          break;
        }
    }
    for (int v = 0; v < a; ++v)
      if (mm.mate[idx(v)] < 0)
        mm.augment(v);
  }
  int matched = 0;
  for (int v = 0; v < a; ++v)
    matched += mm.mate[idx(v)] >= 0 ? 1 : 0;
  matched /= 2;

  // Takes p v q if the rest can still be paired with as few rematches: the matching of the rest
  // must keep `matched - 1` new pairs (p v q new) or `matched` (p v q a rematch).
  std::vector<int> saved;
  const auto try_pair = [&](int p, int q, bool rematch) {
    if (!rematch && mm.mate[idx(p)] == q) {
      mm.gone[idx(p)] = mm.gone[idx(q)] = 1;
      --matched;
      return true;
    }
    saved = mm.mate;
    const int target = rematch ? matched : matched - 1;
    int size = matched;
    mm.gone[idx(p)] = mm.gone[idx(q)] = 1;
    std::array<int, 2> exposed{-1, -1};
    for (int k = 0; k < 2; ++k) {
      const int v = k == 0 ? p : q;
      const int partner = mm.mate[idx(v)];
      if (partner >= 0) {
        mm.mate[idx(partner)] = -1;
        mm.mate[idx(v)] = -1;
        exposed[idx(k)] = partner;
        --size;
      }
    }
    // Only the newly exposed partners can start an augmenting path: the matching was maximum.
    for (int v : exposed)
      if (size < target && v >= 0 && mm.mate[idx(v)] < 0 && mm.augment(v))
        ++size;
    if (size >= target) {
      matched = size;
      return true;
    }
    mm.mate = saved;
    mm.gone[idx(p)] = mm.gone[idx(q)] = 0;
    return false;
  };

  for (int p = 0; p < a; ++p) {
    if (mm.gone[idx(p)])
      continue;
    preferences(p, mm.gone);
    int partner = -1;
    for (int pass = 0; pass < 2 && partner < 0; ++pass)
      for (int q : prefs)
        if (new_pair(p, q) == (pass == 0) && try_pair(p, q, pass == 1)) {
          partner = q;
          break;
        }
    // Cannot happen (someone is always left while the count is even); kept total for safety.
    if (partner < 0)
      break;
    out.pairs.emplace_back(order[idx(p)], order[idx(partner)]);
    if (!new_pair(p, partner))
      ++out.rematches;
  }
  return out;
}

bracket compute_swiss(const bracket_options& options, std::span<const std::string> entrants,
                      const result_map& results, std::set<std::string>& used) {
  const std::size_t n = entrants.size();
  const int rounds = swiss_round_count(options, n);
  bracket out;
  out.rounds = rounds;
  std::vector<int> points(n, 0);
  std::vector<char> had_bye(n, 0), played(n * n, 0);
  std::vector<int> byes(n, 0);
  std::vector<std::vector<int>> met(n);
  std::map<std::string_view, int, std::less<>> seed;
  for (std::size_t i = 0; i < n; ++i)
    seed[entrants[i]] = static_cast<int>(i);
  const auto buchholz = [&](std::size_t i) {
    double sum = 0;
    for (int o : met[i])
      sum += points[static_cast<std::size_t>(o)];
    return sum;
  };
  int paired = 0;
  bool complete = true;
  for (int r = 1; r <= rounds && complete; ++r) {
    std::vector<double> bh(n);
    for (std::size_t i = 0; i < n; ++i)
      bh[i] = buchholz(i);
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
      const auto ux = static_cast<std::size_t>(x), uy = static_cast<std::size_t>(y);
      return std::make_pair(points[ux], bh[ux]) > std::make_pair(points[uy], bh[uy]);
    });
    const auto round = swiss_pair_round(order, points, played, had_bye);
    paired = r;
    std::vector<std::pair<int, int>> winners_losers;
    for (std::size_t k = 0; k < round.pairs.size(); ++k) {
      const auto [x, y] = round.pairs[k];
      bracket_match m;
      m.id = "S" + std::to_string(r) + "-" + std::to_string(k + 1);
      m.round = r;
      m.bracket = "swiss";
      m.opponents = {entrants[static_cast<std::size_t>(x)], entrants[static_cast<std::size_t>(y)]};
      settle(m, results, used);
      if (m.status != match_status::done)
        complete = false;
      else
        winners_losers.emplace_back(seed.at(*m.winner), *m.winner == *m.opponents[0] ? y : x);
      out.matches.push_back(std::move(m));
    }
    if (round.bye >= 0) {
      const auto b = static_cast<std::size_t>(round.bye);
      out.byes.push_back({entrants[b], r, 0});
      had_bye[b] = 1;
      ++byes[b];
      ++points[b];
    }
    // Only played matches count: the next round needs them all anyway, and mid-round the table's
    // Buchholz must not count opponents not played yet.
    for (const auto& [w, l] : winners_losers) {
      const auto uw = static_cast<std::size_t>(w), ul = static_cast<std::size_t>(l);
      played[uw * n + ul] = played[ul * n + uw] = 1;
      met[uw].push_back(l);
      met[ul].push_back(w);
      ++points[uw];
    }
  }
  out.finished = paired == rounds && complete;

  // The table: match points, Buchholz, game difference; a tie on all three shares the place
  // (listed in seed order; the first is the champion).
  std::map<std::string, standing, std::less<>> by_name;
  for (const auto& m : out.matches)
    tally(m, by_name);
  std::vector<standing> table;
  for (std::size_t i = 0; i < n; ++i) {
    standing s = by_name[entrants[i]];
    s.entrant = entrants[i];
    s.byes = byes[i];
    s.points = points[i];
    s.buchholz = buchholz(i);
    table.push_back(std::move(s));
  }
  const auto key = [](const standing& s) {
    return std::make_tuple(s.points, s.buchholz, s.game_wins - s.game_losses);
  };
  std::stable_sort(table.begin(), table.end(),
                   [&](const standing& x, const standing& y) { return key(x) > key(y); });
  for (std::size_t k = 0; k < table.size(); ++k)
    table[k].rank = k > 0 && key(table[k]) == key(table[k - 1]) ? table[k - 1].rank
                                                                : static_cast<int>(k) + 1;
  out.standings = std::move(table);
  if (out.finished)
    out.champion = out.standings.front().entrant;
  return out;
}

}  // namespace aethex::actors::esports::detail
