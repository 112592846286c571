#include "runtime/placement.hpp"

#include <charconv>
#include <map>

namespace aethex::runtime {
namespace {

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

// splitmix64's finalizer: FNV alone leaves high bits weakly mixed for short keys that differ
// only in their last byte (node ids like "a", "b"), which skews rendezvous choices.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

std::uint32_t partition_of(std::string_view kind, std::string_view id) {
  auto hash = fnv1a(id, fnv1a("/", fnv1a(kind)));
  return static_cast<std::uint32_t>(hash % partition_count);
}

std::uint32_t partition_of_stream(std::string_view stream) {
  auto slash = stream.find('/');
  if (slash == std::string_view::npos)
    return partition_of(stream, "");
  return partition_of(stream.substr(0, slash), stream.substr(slash + 1));
}

partition_table partition_table::single(const std::string& node) {
  partition_table table;
  table.version = 1;
  table.owners.assign(partition_count, node);
  return table;
}

std::string partition_table::serialize() const {
  auto text = std::to_string(version);
  for (auto& owner : owners)
    text += "\n" + owner;
  return text;
}

partition_table partition_table::parse(std::string_view text) {
  partition_table table;
  auto take_line = [&text] {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    return line;
  };
  auto version = take_line();
  auto [ptr, ec] = std::from_chars(version.data(), version.data() + version.size(), table.version);
  if (ec != std::errc{} || ptr != version.data() + version.size())
    return {};
  while (!text.empty())
    table.owners.emplace_back(take_line());
  if (table.owners.size() != partition_count)
    return {};
  return table;
}

const std::string& partition_table::owner_of(std::uint32_t partition) const {
  static const std::string none;  // immutable: an unassigned partition
  return partition < owners.size() ? owners[partition] : none;
}

std::vector<std::pair<std::string, std::uint32_t>> partition_table::counts() const {
  std::map<std::string, std::uint32_t> by_node;
  for (auto& owner : owners)
    ++by_node[owner];
  return {by_node.begin(), by_node.end()};
}

std::string rendezvous_owner(std::uint32_t partition, const std::vector<std::string>& nodes) {
  std::string best;
  std::uint64_t best_weight = 0;
  for (auto& node : nodes) {
    auto weight = mix(fnv1a(node, fnv1a(std::to_string(partition))));
    if (best.empty() || weight > best_weight || (weight == best_weight && node < best)) {
      best = node;
      best_weight = weight;
    }
  }
  return best;
}

}  // namespace aethex::runtime
