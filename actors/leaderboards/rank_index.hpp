// The ranking of one window: an order-statistic tree (libstdc++'s policy-based tree with
// tree_order_statistics_node_update — a maintained library, no hand-written tree) keyed by
// (value, player id), so a player's rank is order_of_key and the players around a rank are
// find_by_order, both O(log n). Ties rank by player id: the one who got on the board first.
// The tree lives in rank_index.cpp, so it is compiled (optimised) once, in the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace aethex::actors {

class rank_index {
 public:
  struct entry {
    std::uint32_t player = 0;
    double value = 0;
  };

  /// `descending`: the highest value ranks first (ratings, most scores); else the lowest (times).
  explicit rank_index(bool descending = true);
  ~rank_index();
  rank_index(rank_index&&) noexcept;
  rank_index& operator=(rank_index&&) noexcept;

  void insert(std::uint32_t player, double value);
  void erase(std::uint32_t player, double value);
  /// Moves `player` from `old_value` (nullopt: not ranked yet) to `value`.
  void set(std::uint32_t player, std::optional<double> old_value, double value);

  /// 0-based rank of `player` at `value` (its value in this index).
  std::size_t rank_of(std::uint32_t player, double value) const;
  /// The entry at 0-based `rank` (< size()).
  entry at(std::size_t rank) const;
  /// Calls fn(rank, entry) for ranks [first, first + count) in order: one descent, then a walk.
  void for_range(std::size_t first, std::size_t count,
                 const std::function<void(std::size_t, const entry&)>& fn) const;

  std::size_t size() const;
  bool descending() const { return descending_; }
  void clear();

 private:
  struct tree;
  bool descending_;
  std::unique_ptr<tree> tree_;
};

}  // namespace aethex::actors
