// Node-local registry of virtual actors ("entities") addressed by (kind, id).
//
// Callers never hold an entity's address across its lifetime: they route messages through the
// registry, which activates the entity on first use and forgets it when it passivates. The
// passivation handshake (entity asks, registry removes, entity drains and exits) guarantees no
// routed message is lost to an entity that is shutting down.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::runtime {

/// Spawns the activation of one entity of a kind. The registry is passed so the entity can
/// ask it for passivation.
using entity_factory =
    std::function<caf::actor(caf::actor_system&, const caf::actor& registry, const std::string& id)>;

struct entity_kinds {
  std::map<std::string, entity_factory, std::less<>> factories;
};

/// Messages understood by the registry:
///  (route_atom, kind, id, caf::message)  -> whatever the entity answers to the inner message
///  (get_atom, kind, id)                  -> caf::actor (activates the entity)
///  (list_atom)                           -> std::vector<std::string> "kind/id" of live activations
///  (passivate_atom)  from an entity      -> passivate_atom once the registry forgot it
caf::actor spawn_entity_registry(caf::actor_system& sys, entity_kinds kinds);

}  // namespace aethex::runtime
