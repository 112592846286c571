#include "runtime/entity_registry.hpp"

#include <iostream>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"

namespace aethex::runtime {
namespace {

using namespace std::chrono_literals;
using handoff_kill_atom = caf::atom_constant<caf::atom("hoffkill")>;
// Messages the old owner held during a move, forwarded to the new owner: older than anything the
// new owner holds, so handled at once.
using moved_route_atom = caf::atom_constant<caf::atom("movedroute")>;
using moved_get_atom = caf::atom_constant<caf::atom("movedget")>;
using electing_check_atom = caf::atom_constant<caf::atom("electcheck")>;

// Entities get this long to finish their queued work before a handoff stops them forcibly.
constexpr auto handoff_grace = 5s;
constexpr auto import_timeout = 60s;
constexpr auto arrival_timeout = 30s;
// Replicated partitions: messages for a partition without a leader wait this long for one (a
// handover takes well under a second, an election after a crash a few), at most this many.
constexpr auto electing_wait = 3s;
constexpr auto electing_check = 250ms;
constexpr std::size_t max_electing = 4096;

// A message for a partition that is being handed off, answered once the move ends.
struct waiting_message {
  caf::response_promise promise;
  bool get = false;  // a handle request rather than a routed message
  std::string kind;
  std::string id;
  caf::message inner;
};

struct handoff {
  std::string to_node;
  caf::actor to_registry;
  std::uint64_t version = 0;  // table version the move will have
  caf::response_promise done;
  bool transferring = false;
  std::vector<waiting_message> waiting;
};

// This node's own knowledge of a move, ahead of the leader's table that records it.
struct owner_override {
  std::string owner;
  std::uint64_t version = 0;
};

struct registry_state {
  entity_kinds kinds;
  partition_storage storage;
  std::unordered_map<std::string, caf::actor> active;       // "kind/id" -> activation
  std::unordered_map<caf::actor_addr, std::string> key_of;  // reverse map for down/passivate
  // Cluster placement; empty until the membership actor reports (standalone: all local).
  std::string self_node;
  partition_table table;
  std::unordered_map<std::string, caf::actor> registry_of;  // node id -> that node's registry
  std::map<std::uint32_t, handoff> handoffs;
  // Partitions just imported: their messages wait here until the old owner has forwarded the
  // ones it held, so each sender's messages still arrive in the order they were sent.
  std::map<std::uint32_t, std::vector<waiting_message>> arriving;
  std::map<std::uint32_t, owner_override> overrides;
  // Messages waiting for their replicated partition to have a leader, with their deadlines.
  std::map<std::uint32_t, std::vector<std::pair<caf::timestamp, waiting_message>>> electing;
  std::size_t electing_count = 0;
  static inline const char* name = "entity_registry";

  const std::string& owner_of(std::uint32_t partition) const {
    if (auto it = overrides.find(partition); it != overrides.end())
      return it->second.owner;
    return table.owner_of(partition);
  }

  bool has_active_in(std::uint32_t partition) const {
    for (auto& [key, _] : active)
      if (partition_of_stream(key) == partition)
        return true;
    return false;
  }
};

using registry_actor = caf::stateful_actor<registry_state>;

// A message for a replicated partition that found no leader in time: it reached no entity, so
// the sender may safely send it again ("moved").
caf::error electing_error(std::uint32_t partition) {
  return make_error(errc::unavailable,
                    "partition " + std::to_string(partition) + " is electing a leader", "moved", 1);
}

caf::expected<caf::actor> activate(registry_actor* self, const std::string& kind,
                                   const std::string& id) {
  auto& st = self->state;
  auto key = kind + "/" + id;
  if (auto it = st.active.find(key); it != st.active.end())
    return it->second;
  auto factory = st.kinds.factories.find(kind);
  if (factory == st.kinds.factories.end())
    return make_error(errc::invalid_argument, "unknown entity kind '" + kind + "'");
  if (id.empty())
    return make_error(errc::invalid_argument, "empty entity id");
  auto entity = factory->second(self->system(), caf::actor{self}, id);
  // Linked so a node shutdown (registry exit) takes every activation down with it.
  self->link_to(entity);
  self->monitor(entity);
  st.key_of.emplace(entity.address(), key);
  st.active.emplace(std::move(key), entity);
  return entity;
}

// Answers `msg` (through its promise) wherever the entity lives now: waits while its partition
// is handed off, forwards to the owner's registry, or activates it here.
void dispatch(registry_actor* self, waiting_message msg, bool moved_here = false) {
  auto& st = self->state;
  auto partition = partition_of(msg.kind, msg.id);
  if (auto held = st.arriving.find(partition); held != st.arriving.end() && !moved_here) {
    held->second.push_back(std::move(msg));
    return;
  }
  if (auto h = st.handoffs.find(partition); h != st.handoffs.end()) {
    h->second.waiting.push_back(std::move(msg));
    return;
  }
  auto& owner = st.owner_of(partition);
  if (owner.empty() && st.table.is_replicated()) {
    if (st.electing_count >= max_electing)
      return msg.promise.deliver(electing_error(partition));
    if (st.electing_count++ == 0)
      self->delayed_send(self, electing_check, electing_check_atom::value);
    st.electing[partition].emplace_back(caf::make_timestamp() + electing_wait, std::move(msg));
    return;
  }
  if (!owner.empty() && owner != st.self_node) {
    auto remote = st.registry_of.find(owner);
    if (remote == st.registry_of.end())
      return msg.promise.deliver(
        make_error(errc::unavailable,
                   "the node owning " + msg.kind + "/" + msg.id + " (" + owner + ") is unavailable",
                   st.table.is_replicated() ? "moved" : "", st.table.is_replicated() ? 1 : 0));
    if (msg.get)
      msg.promise.delegate(remote->second, get_local_atom::value, msg.kind, msg.id);
    else
      msg.promise.delegate(remote->second, route_local_atom::value, msg.kind, msg.id,
                           std::move(msg.inner));
    return;
  }
  auto entity = activate(self, msg.kind, msg.id);
  if (!entity)
    return msg.promise.deliver(entity.error());
  if (msg.get)
    msg.promise.deliver(*entity);
  else
    msg.promise.delegate(*entity, std::move(msg.inner));
}

caf::response_promise dispatch_new(registry_actor* self, bool get, const std::string& kind,
                                   const std::string& id, caf::message inner = {}) {
  auto promise = self->make_response_promise();
  dispatch(self, waiting_message{promise, get, kind, id, std::move(inner)});
  return promise;
}

// Ends a handoff: the waiting messages are dispatched again (to the new owner if it moved).
void end_handoff(registry_actor* self, std::uint32_t partition, caf::error failure) {
  auto& st = self->state;
  auto it = st.handoffs.find(partition);
  if (it == st.handoffs.end())
    return;
  auto h = std::move(it->second);
  st.handoffs.erase(it);
  bool moved = !failure;
  if (failure)
    h.done.deliver(std::move(failure));
  else
    h.done.deliver(true);
  for (auto& msg : h.waiting) {
    if (!moved) {
      dispatch(self, std::move(msg));
    } else if (msg.get) {
      msg.promise.delegate(h.to_registry, moved_get_atom::value, msg.kind, msg.id);
    } else {
      msg.promise.delegate(h.to_registry, moved_route_atom::value, msg.kind, msg.id,
                           std::move(msg.inner));
    }
  }
  // After the forwarded messages (same sender and receiver keep their order): the new owner
  // may now handle the messages it held, or, when the move failed, give the partition back.
  if (h.transferring)
    self->send(h.to_registry, handoff_atom::value, partition, moved);
}

void release_arrivals(registry_actor* self, std::uint32_t partition, bool moved) {
  auto& st = self->state;
  auto held = st.arriving.find(partition);
  if (held == st.arriving.end())
    return;
  auto waiting = std::move(held->second);
  st.arriving.erase(held);
  if (!moved)
    st.overrides.erase(partition);
  for (auto& msg : waiting)
    dispatch(self, std::move(msg));
}

void transfer(registry_actor* self, std::uint32_t partition) {
  auto& st = self->state;
  auto& h = st.handoffs.at(partition);
  h.transferring = true;
  std::string blob;
  try {
    if (st.storage.export_partition)
      blob = st.storage.export_partition(partition);
  } catch (const std::exception& e) {
    return end_handoff(self, partition,
                       make_error(errc::unavailable, std::string{"export failed: "} + e.what()));
  }
  self
    ->request(h.to_registry, import_timeout, import_atom::value, partition, h.version,
              std::move(blob))
    .then(
      [self, partition](bool) {
        auto& st = self->state;
        auto& h = st.handoffs.at(partition);
        st.overrides[partition] = owner_override{h.to_node, h.version};
        try {
          if (st.storage.remove_partition)
            st.storage.remove_partition(partition);
        } catch (const std::exception& e) {
          // The new owner has the data; a stale local copy is replaced if it ever comes back.
          std::clog << "cluster: partition " << partition
                    << " moved but its old copy stays: " << e.what() << std::endl;
        }
        end_handoff(self, partition, caf::none);
      },
      [self, partition](caf::error& err) { end_handoff(self, partition, std::move(err)); });
}

void maybe_transfer(registry_actor* self, std::uint32_t partition) {
  auto& st = self->state;
  auto it = st.handoffs.find(partition);
  if (it != st.handoffs.end() && !it->second.transferring && !st.has_active_in(partition))
    transfer(self, partition);
}

void forget(registry_actor* self, const caf::actor_addr& entity) {
  auto& st = self->state;
  auto it = st.key_of.find(entity);
  if (it == st.key_of.end())
    return;
  auto partition = partition_of_stream(it->second);
  st.active.erase(it->second);
  st.key_of.erase(it);
  maybe_transfer(self, partition);
}

caf::behavior registry(registry_actor* self, entity_kinds kinds, partition_storage storage) {
  self->state.kinds = std::move(kinds);
  self->state.storage = std::move(storage);
  self->set_down_handler([self](const caf::down_msg& down) { forget(self, down.source); });
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // A crashed entity is simply forgotten (see the down handler); anything else stops us.
    if (self->state.key_of.count(msg.source) == 0 && msg.reason != caf::exit_reason::normal)
      self->quit(msg.reason);
  });
  return {
    [self](route_atom, const std::string& kind, const std::string& id, caf::message& inner) {
      return dispatch_new(self, false, kind, id, std::move(inner));
    },
    // From another node's registry: one hop at most, since ownership only moves forward.
    [self](route_local_atom, const std::string& kind, const std::string& id, caf::message& inner) {
      return dispatch_new(self, false, kind, id, std::move(inner));
    },
    [self](get_atom, const std::string& kind, const std::string& id) {
      return dispatch_new(self, true, kind, id);
    },
    [self](moved_route_atom, const std::string& kind, const std::string& id, caf::message& inner) {
      auto promise = self->make_response_promise();
      dispatch(self, waiting_message{promise, false, kind, id, std::move(inner)}, true);
      return promise;
    },
    [self](moved_get_atom, const std::string& kind, const std::string& id) {
      auto promise = self->make_response_promise();
      dispatch(self, waiting_message{promise, true, kind, id, {}}, true);
      return promise;
    },
    [self](get_local_atom, const std::string& kind, const std::string& id) {
      return dispatch_new(self, true, kind, id);
    },
    [self](members_atom, const std::string& self_node, const cluster_view& view) {
      auto& st = self->state;
      // A replicated partition this node no longer leads: its activations hold state the new
      // leader may change; they stop, and messages go to the new leader (or wait for one).
      if (view.table.is_replicated())
        for (auto& [key, entity] : st.active) {
          auto partition = partition_of_stream(key);
          if (st.table.owner_of(partition) == self_node &&
              view.table.owner_of(partition) != self_node)
            self->send(entity, passivate_atom::value);
        }
      st.self_node = self_node;
      st.table = view.table;
      std::erase_if(st.overrides, [&](auto& kv) { return kv.second.version <= st.table.version; });
      st.registry_of.clear();
      for (auto& member : view.members)
        st.registry_of.emplace(member.node_id, member.registry);
      // Partitions that have a leader again: what waited for them goes there now.
      for (auto it = st.electing.begin(); it != st.electing.end();) {
        if (st.owner_of(it->first).empty()) {
          ++it;
          continue;
        }
        auto waiting = std::move(it->second);
        it = st.electing.erase(it);
        st.electing_count -= waiting.size();
        for (auto& [deadline, msg] : waiting)
          dispatch(self, std::move(msg));
      }
    },
    [self](electing_check_atom) {
      auto& st = self->state;
      auto now = caf::make_timestamp();
      for (auto it = st.electing.begin(); it != st.electing.end();) {
        std::erase_if(it->second, [&](auto& waiting) {
          if (waiting.first > now)
            return false;
          waiting.second.promise.deliver(electing_error(it->first));
          --st.electing_count;
          return true;
        });
        it = it->second.empty() ? st.electing.erase(it) : std::next(it);
      }
      if (st.electing_count > 0)
        self->delayed_send(self, electing_check, electing_check_atom::value);
    },
    [self](handoff_atom, std::uint32_t partition, const std::string& to_node,
           const caf::actor& to_registry, std::uint64_t version) -> caf::result<bool> {
      auto& st = self->state;
      if (partition >= partition_count || st.owner_of(partition) != st.self_node ||
          st.handoffs.count(partition) > 0 || !to_registry)
        return make_error(errc::conflict, "partition " + std::to_string(partition) +
                                            " is not this node's to hand off");
      auto& h = st.handoffs[partition];
      h = handoff{to_node, to_registry, version, self->make_response_promise(), false, {}};
      // Entities finish what is queued for them, then stop; the copy starts when all are gone.
      for (auto& [key, entity] : st.active)
        if (partition_of_stream(key) == partition)
          self->send(entity, passivate_atom::value);
      self->delayed_send(self, handoff_grace, handoff_kill_atom::value, partition);
      auto promise = h.done;
      maybe_transfer(self, partition);
      return promise;
    },
    [self](handoff_kill_atom, std::uint32_t partition) {
      auto& st = self->state;
      auto it = st.handoffs.find(partition);
      if (it == st.handoffs.end() || it->second.transferring)
        return;
      for (auto& [key, entity] : st.active)
        if (partition_of_stream(key) == partition) {
          std::clog << "cluster: " << key << " did not stop for a partition move; stopping it"
                    << std::endl;
          self->send_exit(entity, caf::exit_reason::kill);
        }
    },
    [self](handoff_atom, std::uint32_t partition, bool moved) {
      release_arrivals(self, partition, moved);
    },
    [self](import_atom, std::uint32_t partition, std::uint64_t version,
           const std::string& blob) -> caf::result<bool> {
      auto& st = self->state;
      try {
        if (st.storage.import_partition)
          st.storage.import_partition(blob);
      } catch (const std::exception& e) {
        return make_error(errc::unavailable, std::string{"import failed: "} + e.what());
      }
      // Owner from now on, even before the leader's table says so; messages wait until the
      // old owner's held ones are here (or a while, should it never say so).
      st.overrides[partition] = owner_override{st.self_node, version};
      st.arriving.try_emplace(partition);
      self->delayed_send(self, arrival_timeout, handoff_atom::value, partition, true);
      return true;
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
      if (self->state.key_of.count(sender) > 0) {
        self->unlink_from(sender);
        forget(self, sender);
      }
      return passivate_atom::value;
    },
  };
}

}  // namespace

caf::actor spawn_entity_registry(caf::actor_system& sys, entity_kinds kinds,
                                 partition_storage storage) {
  return sys.spawn(registry, std::move(kinds), std::move(storage));
}

}  // namespace aethex::runtime
