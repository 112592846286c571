#include "actors/leaderboards/rank_index.hpp"

#include <utility>

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

namespace aethex::actors {

// Descending order stores the negated value, so "first" is always the smallest key.
struct rank_index::tree {
  using key = std::pair<double, std::uint32_t>;
  __gnu_pbds::tree<key, __gnu_pbds::null_type, std::less<key>, __gnu_pbds::rb_tree_tag,
                   __gnu_pbds::tree_order_statistics_node_update>
    t;
};

namespace {
rank_index::entry rank_entry_of(bool descending, const std::pair<double, std::uint32_t>& k) {
  return {k.second, descending ? -k.first : k.first};
}
}  // namespace

rank_index::rank_index(bool descending)
    : descending_(descending), tree_(std::make_unique<tree>()) {}
rank_index::~rank_index() = default;
rank_index::rank_index(rank_index&&) noexcept = default;
rank_index& rank_index::operator=(rank_index&&) noexcept = default;

void rank_index::insert(std::uint32_t player, double value) {
  tree_->t.insert({descending_ ? -value : value, player});
}

void rank_index::erase(std::uint32_t player, double value) {
  tree_->t.erase({descending_ ? -value : value, player});
}

void rank_index::set(std::uint32_t player, std::optional<double> old_value, double value) {
  if (old_value)
    erase(player, *old_value);
  insert(player, value);
}

std::size_t rank_index::rank_of(std::uint32_t player, double value) const {
  return tree_->t.order_of_key({descending_ ? -value : value, player});
}

rank_index::entry rank_index::at(std::size_t rank) const {
  return rank_entry_of(descending_, *tree_->t.find_by_order(rank));
}

void rank_index::for_range(std::size_t first, std::size_t count,
                           const std::function<void(std::size_t, const entry&)>& fn) const {
  auto it = tree_->t.find_by_order(first);
  for (std::size_t r = first; r < first + count && it != tree_->t.end(); ++r, ++it)
    fn(r, rank_entry_of(descending_, *it));
}

std::size_t rank_index::size() const { return tree_->t.size(); }

void rank_index::clear() { tree_->t.clear(); }

}  // namespace aethex::actors
