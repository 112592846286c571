// Node-local registry of virtual actors ("entities") addressed by (kind, id).
//
// Callers never hold an entity's address across its lifetime: they route messages through the
// registry, which activates the entity on first use and forgets it when it passivates. The
// passivation handshake (entity asks, registry removes, entity drains and exits) guarantees no
// routed message is lost to an entity that is shutting down.
//
// In a cluster the registry routes to the registry of the partition's owner, and moves whole
// partitions: while one is handed off, its messages wait here; its entities stop after their
// queued work, its stored state is copied to the new owner, and the waiting messages then go
// there. Nothing acknowledged is lost and nothing runs twice.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::runtime {

/// Spawns the activation of one entity of a kind. The registry is passed so the entity can
/// ask it for passivation. Entities stop (after the messages already queued) when the
/// registry sends them `passivate_atom`.
using entity_factory =
  std::function<caf::actor(caf::actor_system&, const caf::actor& registry, const std::string& id)>;

struct entity_kinds {
  std::map<std::string, entity_factory, std::less<>> factories;
};

/// How a partition's stored state leaves and enters this node's store. Unset members mean the
/// entities keep no stored state (tests); exceptions are reported as failed moves.
struct partition_storage {
  std::function<std::string(std::uint32_t partition)> export_partition;
  std::function<void(std::string_view blob)> import_partition;
  std::function<void(std::uint32_t partition)> remove_partition;
};

/// Messages understood by the registry:
///  (route_atom, kind, id, caf::message)  -> whatever the entity answers to the inner message
///  (get_atom, kind, id)                  -> caf::actor (activates the entity)
///  (list_atom)                           -> std::vector<std::string> "kind/id" of live activations
///  (passivate_atom)  from an entity      -> passivate_atom once the registry forgot it
///  (handoff_atom, partition, to_node, to_registry, table_version) -> true once moved
///  (import_atom, partition, table_version, blob)                  -> true once stored
caf::actor spawn_entity_registry(caf::actor_system& sys, entity_kinds kinds,
                                 partition_storage storage = {});

}  // namespace aethex::runtime
