#include "runtime/entity_registry.hpp"

#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"

namespace aethex::runtime {
namespace {

struct registry_state {
  entity_kinds kinds;
  std::unordered_map<std::string, caf::actor> active;           // "kind/id" -> activation
  std::unordered_map<caf::actor_addr, std::string> key_of;      // reverse map for down/passivate
  // Cluster placement; empty until the membership actor reports (standalone: all local).
  std::string self_node;
  partition_table table;
  std::unordered_map<std::string, caf::actor> registry_of;  // node id -> that node's registry
  static inline const char* name = "entity_registry";
};

caf::behavior registry(caf::stateful_actor<registry_state>* self, entity_kinds kinds) {
  self->state.kinds = std::move(kinds);
  self->set_down_handler([self](const caf::down_msg& down) {
    auto it = self->state.key_of.find(down.source);
    if (it == self->state.key_of.end())
      return;
    self->state.active.erase(it->second);
    self->state.key_of.erase(it);
  });
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // A crashed entity is simply forgotten (see the down handler); anything else stops us.
    if (self->state.key_of.count(msg.source) == 0 && msg.reason != caf::exit_reason::normal)
      self->quit(msg.reason);
  });
  auto activate = [self](const std::string& kind,
                         const std::string& id) -> caf::expected<caf::actor> {
    auto key = kind + "/" + id;
    if (auto it = self->state.active.find(key); it != self->state.active.end())
      return it->second;
    auto factory = self->state.kinds.factories.find(kind);
    if (factory == self->state.kinds.factories.end())
      return make_error(errc::invalid_argument, "unknown entity kind '" + kind + "'");
    if (id.empty())
      return make_error(errc::invalid_argument, "empty entity id");
    auto entity = factory->second(self->system(), caf::actor{self}, id);
    // Linked so a node shutdown (registry exit) takes every activation down with it.
    self->link_to(entity);
    self->monitor(entity);
    self->state.key_of.emplace(entity.address(), key);
    self->state.active.emplace(std::move(key), entity);
    return entity;
  };
  // The registry of the node owning an entity; a null actor when this node owns it.
  auto owner_registry = [self](const std::string& kind,
                               const std::string& id) -> caf::expected<caf::actor> {
    auto& st = self->state;
    auto owner = st.table.owner_of(partition_of(kind, id));
    if (owner.empty() || owner == st.self_node)
      return caf::actor{};
    auto remote = st.registry_of.find(owner);
    if (remote == st.registry_of.end())
      return make_error(errc::unavailable,
                        "the node owning " + kind + "/" + id + " (" + owner + ") is unavailable");
    return remote->second;
  };
  return {
    [self, activate, owner_registry](route_atom, const std::string& kind,
                                     const std::string& id,
                                     caf::message& inner) -> caf::result<caf::message> {
      auto remote = owner_registry(kind, id);
      if (!remote)
        return remote.error();
      // The owner handles it locally: no second hop even if its table is briefly different.
      if (*remote)
        return self->delegate(*remote, route_local_atom::value, kind, id, std::move(inner));
      auto entity = activate(kind, id);
      if (!entity)
        return entity.error();
      return self->delegate(*entity, std::move(inner));
    },
    [self, activate](route_local_atom, const std::string& kind, const std::string& id,
                     caf::message& inner) -> caf::result<caf::message> {
      auto entity = activate(kind, id);
      if (!entity)
        return entity.error();
      return self->delegate(*entity, std::move(inner));
    },
    [self](members_atom, const std::string& self_node, const cluster_view& view) {
      auto& st = self->state;
      st.self_node = self_node;
      st.table = view.table;
      st.registry_of.clear();
      for (auto& member : view.members)
        st.registry_of.emplace(member.node_id, member.registry);
    },
    [self, activate, owner_registry](get_atom, const std::string& kind,
                                     const std::string& id) -> caf::result<caf::message> {
      // A handle to an entity owned by another node is that node's activation (a proxy here).
      auto remote = owner_registry(kind, id);
      if (!remote)
        return remote.error();
      if (*remote)
        return self->delegate(*remote, get_local_atom::value, kind, id);
      auto entity = activate(kind, id);
      if (!entity)
        return entity.error();
      return caf::make_message(*entity);
    },
    [activate](get_local_atom, const std::string& kind,
               const std::string& id) -> caf::result<caf::actor> {
      auto entity = activate(kind, id);
      if (!entity)
        return entity.error();
      return *entity;
    },
    [self](list_atom) {
      std::vector<std::string> keys;
      keys.reserve(self->state.active.size());
      for (auto& [key, _] : self->state.active)
        keys.push_back(key);
      return keys;
    },
    [self](passivate_atom) {
      auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
      auto it = self->state.key_of.find(sender);
      if (it != self->state.key_of.end()) {
        self->state.active.erase(it->second);
        self->state.key_of.erase(it);
        self->unlink_from(sender);
      }
      return passivate_atom::value;
    },
  };
}

}  // namespace

caf::actor spawn_entity_registry(caf::actor_system& sys, entity_kinds kinds) {
  return sys.spawn(registry, std::move(kinds));
}

}  // namespace aethex::runtime
