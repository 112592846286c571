// Cluster membership over CAF's middleman, always through CAF's OpenSSL module: every cluster
// connection is mutual TLS with certificates of the cluster CA (runtime/cluster_tls.hpp), so
// only nodes that know the secret connect at all. The cluster port publishes a gate that only
// answers joins (the secret is checked again there); the membership actor itself, the
// registry and the services actor are handed out to admitted members only. A joining node
// receives the member list and partition table, then dials every other member directly.
// Members monitor each other, so a node that stops answering is dropped within the
// middleman's heartbeat timeout.
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
// Replicated partitions: a node's Raft host tells its membership actor which groups it leads
// (lead_atom, partition, term, leading); the membership actor tells the host the live members,
// their hosts and how far each is on its way out (raft_peers_atom, node ids, hosts, leaving),
// and asks it which groups it holds a replica of (raft_status_atom).
using lead_atom = caf::atom_constant<caf::atom("lead")>;
using raft_peers_atom = caf::atom_constant<caf::atom("raftpeers")>;
using raft_status_atom = caf::atom_constant<caf::atom("raftstatus")>;
// A member about to stop: in a replicated cluster it hands the leadership of its groups to
// other members (keeping its replicas); otherwise it is drained.
using leave_atom = caf::atom_constant<caf::atom("leave")>;

/// member_info::leaving: stays; stops soon (leads no group, keeps its replicas); drained (its
/// replicas move to other members).
inline constexpr std::uint8_t member_stays = 0;
inline constexpr std::uint8_t member_stopping = 1;
inline constexpr std::uint8_t member_drained = 2;

struct member_info {
  std::string node_id;
  std::string http_endpoint;     // "host:port" of the member's HTTP listener (as advertised)
  std::string cluster_endpoint;  // "host:port" members dial over TLS; empty: no cluster port
  caf::actor membership;
  caf::actor registry;
  caf::actor services;  // node-level queries the application answers (read models)
  std::int64_t joined_ms = 0;
  caf::actor raft;  // the member's Raft host (replicated partitions); null otherwise
  // Replicated partitions: a member on its way out. Only ever rises within one incarnation (a
  // restarted node is a new member), so views merge it by taking the larger.
  std::uint8_t leaving = member_stays;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("member_info"), x.node_id, x.http_endpoint, x.cluster_endpoint,
           x.membership, x.registry, x.services, x.joined_ms, x.raft, x.leaving);
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
  std::string bind = "127.0.0.1";  // address the cluster port listens on
  std::string advertise_host;      // host other members dial; empty: `bind`
  std::uint16_t port = 0;          // 0: nothing published (the node can still join and dial out)
  std::string join;                // "host:port" of a member, empty to found a cluster
  caf::actor services;             // published to members as member_info::services
  // Replicated partitions: the node's Raft host. Partition owners are then the leaders of the
  // partitions' Raft groups (no moves, no rebalancing); without it owners are placed and moved.
  caf::actor raft;
  // The table this node last knew (restored by a founder after a restart) and where to keep
  // each new one; without them a founder starts owning every partition.
  partition_table table;
  std::function<void(const partition_table&)> table_changed;
};

/// Registers the cluster's message types; call on the config before creating the system.
void add_cluster_message_types(caf::actor_system_config& cfg);

/// Spawns the membership actor, publishes its join gate on the cluster port (TLS) and joins
/// `config.join`. Needs CAF's OpenSSL module on the system (configure_cluster_tls) whenever it
/// listens or joins: there is no clear-text mode. Errors (port in use, unreachable seed, TLS
/// refused, wrong secret) are returned with a clear message.
/// Messages: (get_atom) -> cluster_view; (load_atom) -> std::vector<std::string> "k=v".
caf::expected<caf::actor> start_cluster(caf::actor_system& sys, const cluster_config& config,
                                        const caf::actor& registry);

}  // namespace aethex::runtime
