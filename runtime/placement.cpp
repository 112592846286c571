#include "runtime/placement.hpp"

#include <algorithm>

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

partition_table partition_table::replicated() {
  partition_table table;
  table.owners.assign(partition_count, std::string{});
  table.terms.assign(partition_count, 0);
  return table;
}

bool partition_table::merge_terms(const partition_table& other) {
  if (!is_replicated() || other.terms.size() != terms.size() ||
      other.owners.size() != owners.size())
    return false;
  bool changed = false;
  for (std::size_t p = 0; p < terms.size(); ++p)
    if (other.terms[p] > terms[p]) {
      terms[p] = other.terms[p];
      owners[p] = other.owners[p];
      changed = true;
    }
  if (changed)
    ++version;
  return changed;
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

namespace {

std::uint64_t rendezvous_weight(std::uint32_t partition, std::string_view node) {
  return mix(fnv1a(node, fnv1a(std::to_string(partition))));
}

}  // namespace

std::vector<std::string> rendezvous_order(std::uint32_t partition, std::vector<std::string> nodes,
                                          std::size_t count) {
  std::sort(nodes.begin(), nodes.end(), [partition](const std::string& a, const std::string& b) {
    auto wa = rendezvous_weight(partition, a);
    auto wb = rendezvous_weight(partition, b);
    return wa != wb ? wa > wb : a < b;
  });
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  if (nodes.size() > count)
    nodes.resize(count);
  return nodes;
}

std::string rendezvous_owner(std::uint32_t partition, const std::vector<std::string>& nodes) {
  std::string best;
  std::uint64_t best_weight = 0;
  for (auto& node : nodes) {
    auto weight = rendezvous_weight(partition, node);
    if (best.empty() || weight > best_weight || (weight == best_weight && node < best)) {
      best = node;
      best_weight = weight;
    }
  }
  return best;
}

}  // namespace aethex::runtime
