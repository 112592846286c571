// Where an entity lives in a cluster: entities hash to one of a fixed number of partitions;
// a partition table (versioned, replicated to every member) names each partition's owner.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace aethex::runtime {

inline constexpr std::uint32_t partition_count = 64;

/// Stable across processes and platforms (FNV-1a), unlike std::hash.
std::uint32_t partition_of(std::string_view kind, std::string_view id);
/// Partition of a stored stream named "kind/id" (the entity that owns it).
std::uint32_t partition_of_stream(std::string_view stream);

struct partition_table {
  std::uint64_t version = 0;
  std::vector<std::string> owners;  // node id per partition; empty = unassigned

  /// A table giving every partition to `node`.
  static partition_table single(const std::string& node);
  const std::string& owner_of(std::uint32_t partition) const;
  /// "version" then one owner per line; parse gives an empty table for anything else.
  std::string serialize() const;
  static partition_table parse(std::string_view text);
  /// Partitions owned per node id, for reporting.
  std::vector<std::pair<std::string, std::uint32_t>> counts() const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_table& x) {
  return f(caf::meta::type_name("partition_table"), x.version, x.owners);
}

/// Rendezvous (highest random weight) choice of an owner among `nodes` for a partition:
/// adding or removing a node only moves the partitions that node wins or held.
std::string rendezvous_owner(std::uint32_t partition, const std::vector<std::string>& nodes);

}  // namespace aethex::runtime
