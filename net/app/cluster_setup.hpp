// Cluster wiring of a node: middleman settings, message types that cross nodes, membership.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>

#include "actors/core/module.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/node_config.hpp"
#include "runtime/placement.hpp"
#include "storage/event_store.hpp"
#include "storage/raft/host.hpp"

namespace aethex::app {

/// True when the node was asked to cluster: a cluster port or a member to join.
bool clusters(const runtime::node_config& config);

/// Loads the middleman with fast failure detection and registers every message type that
/// may travel between nodes. Every node must call this, or peers get unexpected_message.
/// A node that clusters also gets its TLS credentials (DATA/cluster-tls/, derived from the
/// cluster secret) and CAF's OpenSSL module. Throws std::runtime_error with a message for the
/// operator (secret too short, wildcard --bind without --advertise, data folder not writable).
void configure_actor_system(caf::actor_system_config& cfg, const runtime::node_config& config,
                            const actors::module_list& modules);

/// This node's id: --node-id, else "<hostname>-<cluster port>".
std::string node_id_of(const runtime::node_config& config);

/// "host:port" other nodes and redirects use for this node's HTTP: --advertise (its port
/// defaults to --http-port), else --bind and --http-port.
std::string http_endpoint_of(const runtime::node_config& config);

/// The address the cluster port listens on: --cluster-bind, else --bind.
std::string cluster_bind_of(const runtime::node_config& config);

/// How the registry copies a partition's streams out of and into `store` when it moves.
runtime::partition_storage partition_storage_of(storage::event_store& store);

/// Replicated partitions (--replicas R in a cluster, 3 by default): the node's Raft host, whose groups apply
/// their commands to `local`, and the store entities append through. Everything null when the
/// node does not replicate. The host must stop before `local` goes.
struct replication {
  caf::actor host;
  std::unique_ptr<storage::raft::host_partition_log> log;
  std::unique_ptr<storage::event_store> store;
};
replication start_replication(caf::actor_system& sys, const runtime::node_config& config,
                              storage::event_store& local);

/// Which partitions this node leads, for threads outside the actor system (the read models'
/// worker asks whether this node acts on an event). Without replication, every node acts on
/// the events it stores.
class partition_leadership {
 public:
  void update(const runtime::partition_table& table, std::string self);
  bool acts_on(std::string_view stream) const;

 private:
  mutable std::mutex mutex_;
  runtime::partition_table table_;
  std::string self_;
};

/// Starts membership (publishing on --cluster-port, joining --join when given); `services`
/// answers other members' node-level queries (net/app/node_services.hpp); `store` keeps the
/// last partition table across restarts; `raft_host` (may be null) makes partitions replicated;
/// `leadership` (may be null) follows each new partition table.
caf::expected<caf::actor> start_membership(
  caf::actor_system& sys, const runtime::node_config& config, const caf::actor& registry,
  const caf::actor& services, storage::event_store& store, const caf::actor& raft_host = {},
  std::shared_ptr<partition_leadership> leadership = {});

/// Graceful leave: when other members exist, moves this node's partitions away (replicated:
/// hands their groups' leadership to other members) and waits (bounded) until it did. Blocks
/// the calling thread.
void drain_before_leaving(caf::actor_system& sys, const caf::actor& membership);

}  // namespace aethex::app
