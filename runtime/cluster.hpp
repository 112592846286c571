// Cluster membership over CAF's middleman: nodes publish a membership actor on the cluster
// port; a joining node presents the shared secret to any member and receives the member list
// and partition table. Members monitor each other, so a node that stops answering is dropped
// within the middleman's heartbeat timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/placement.hpp"

namespace aethex::runtime {

using join_atom = caf::atom_constant<caf::atom("join")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using route_local_atom = caf::atom_constant<caf::atom("routelocal")>;
using get_local_atom = caf::atom_constant<caf::atom("getlocal")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
// Partition moves: the old owner's registry hands a partition off, the new owner's imports it;
// a node asks the leader to drain it (move every partition it owns elsewhere).
using handoff_atom = caf::atom_constant<caf::atom("handoff")>;
using import_atom = caf::atom_constant<caf::atom("import")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;

struct member_info {
  std::string node_id;
  std::string http_endpoint;  // "host:port" of the member's HTTP listener
  caf::actor membership;
  caf::actor registry;
  caf::actor services;  // node-level queries the application answers (read models)
  std::int64_t joined_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("member_info"), x.node_id, x.http_endpoint, x.membership,
           x.registry, x.services, x.joined_ms);
}

struct cluster_view {
  std::vector<member_info> members;
  partition_table table;

  /// The member with this id, null when there is none.
  const member_info* find(std::string_view node_id) const;
  member_info* find(std::string_view node_id);
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_view& x) {
  return f(caf::meta::type_name("cluster_view"), x.members, x.table);
}

struct cluster_config {
  std::string node_id;
  std::string secret;
  std::string http_endpoint;
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;  // 0: standalone node, nothing published
  std::string join;        // "host:port" of a member, empty to found a cluster
  caf::actor services;     // published to members as member_info::services
  // The table this node last knew (restored by a founder after a restart) and where to keep
  // each new one; without them a founder starts owning every partition.
  partition_table table;
  std::function<void(const partition_table&)> table_changed;
};

/// Registers the cluster's message types; call on the config before creating the system.
void add_cluster_message_types(caf::actor_system_config& cfg);

/// Spawns the membership actor, publishes it on the cluster port and joins `config.join`.
/// Errors (port in use, unreachable seed, wrong secret) are returned with a clear message.
/// Messages: (get_atom) -> cluster_view; (load_atom) -> std::vector<std::string> "k=v".
caf::expected<caf::actor> start_cluster(caf::actor_system& sys, const cluster_config& config,
                                        const caf::actor& registry);

}  // namespace aethex::runtime
