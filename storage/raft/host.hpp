// A node's Raft groups: one detached actor (its own thread, so an entity blocked on an append
// never holds up the consensus it waits for) runs every replica of the node, ticks them, carries
// their messages to the hosts of other members over the cluster's links (one batch per peer per
// turn) and keeps each group's membership at its desired replicas.
//
// Group g's desired replicas are the first R live members in rendezvous order for g; the leader
// of a group adds a missing one (a spare first, a voter once caught up: libraft's catch-up),
// and removes a member that is no longer desired once the desired ones are voters, or that has
// been gone for `dead_after`. One change at a time per group, as Raft requires. Leadership goes
// to the first desired member that is not stopping, so leaders spread over the members.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include "runtime/cluster.hpp"
#include "storage/raft/replica.hpp"
#include "storage/replicated_event_store.hpp"

namespace aethex::storage::raft {

using raft_atom = caf::atom_constant<caf::atom("raft")>;
using propose_atom = caf::atom_constant<caf::atom("propose")>;
using peers_atom = runtime::raft_peers_atom;
using runtime::lead_atom;
using status_atom = runtime::raft_status_atom;

/// The state machine of one group (everything a replica needs but the network).
struct state_machine {
  std::function<std::string(std::uint64_t index, std::string_view command)> apply;
  std::function<std::string()> snapshot;
  std::function<void(std::uint64_t index, std::string_view data)> restore;
};

struct host_config {
  std::filesystem::path dir;  // the log store's folder
  std::string node_id;
  std::uint32_t groups = 64;
  std::uint32_t replicas = 3;  // R: replicas per group when enough members are up
  bool found = false;          // bootstrap every group with this node alone if it has none yet
  std::chrono::milliseconds dead_after{60000};
  replica_options options;
  std::function<state_machine(group_id)> state_machine_of;
  /// A founder's data from before replication, as one command for `group` (empty: none). Asked
  /// once, when the founder bootstraps the group; proposed once it leads it.
  std::function<std::string(group_id)> founding_command;
  /// This node leads `group` in `term` (every entry of earlier terms applied here), or no
  /// longer does. Runs on the host's thread.
  std::function<void(group_id group, std::uint64_t term, bool leading)> leadership_changed;
};

/// The Raft id of a node: stable, non-zero, from its node id.
std::uint64_t raft_id_of(std::string_view node_id);

/// Messages:
///  (peers_atom, node ids, hosts, stopping ids, drained ids)
///                                     the live members (this node included), their hosts, and
///                                     those that are to lead nothing or hold nothing
///  (raft_atom, from node, packets)    from another member's host
///  (propose_atom, group, command)     -> std::string (the state machine's answer) or an error
///  (status_atom)                      -> std::vector<std::string> "group term leader voters"
///  (lead_atom, listener)              `listener` hears (lead_atom, group, term, leading) on
///                                     every leadership change, starting with the current ones
/// Throws std::runtime_error when the log store cannot be opened.
caf::actor spawn_raft_host(caf::actor_system& sys, host_config config);

/// partition_log over a host: blocks the calling thread until the answer (or `timeout`).
/// Holds the host weakly: a detached actor's thread ends only once no handle to it is left, and
/// the actor system waits for that thread.
class host_partition_log final : public partition_log {
 public:
  host_partition_log(caf::actor_system& sys, const caf::actor& host,
                     std::chrono::milliseconds timeout = std::chrono::seconds{5})
      : sys_(sys), host_(caf::actor_cast<caf::weak_actor_ptr>(host)), timeout_(timeout) {}
  replication replicate(std::uint32_t partition, std::string command) override;

 private:
  caf::actor_system& sys_;
  caf::weak_actor_ptr host_;
  std::chrono::milliseconds timeout_;
};

}  // namespace aethex::storage::raft
