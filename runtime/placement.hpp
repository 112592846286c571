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
  // Replicated partitions only: the Raft term in which each owner was elected; a table merges
  // another's owner for a partition when its term is higher (storage/raft/host.hpp).
  std::vector<std::uint64_t> terms;

  /// A replicated cluster's table before any election: no owners, term 0 everywhere.
  static partition_table replicated();
  bool is_replicated() const { return !terms.empty(); }
  /// Takes the owners of `other` elected in later terms; true when anything changed.
  bool merge_terms(const partition_table& other);

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
  return f(caf::meta::type_name("partition_table"), x.version, x.owners, x.terms);
}

/// Rendezvous (highest random weight) choice of an owner among `nodes` for a partition:
/// adding or removing a node only moves the partitions that node wins or held.
std::string rendezvous_owner(std::uint32_t partition, const std::vector<std::string>& nodes);
/// The first `count` nodes in rendezvous order for a partition (the first is rendezvous_owner):
/// the replicas of a replicated partition, so a new node only takes the places it wins.
std::vector<std::string> rendezvous_order(std::uint32_t partition, std::vector<std::string> nodes,
                                          std::size_t count);

}  // namespace aethex::runtime
