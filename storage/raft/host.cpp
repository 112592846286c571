#include "storage/raft/host.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include <caf/all.hpp>

#include "runtime/errors.hpp"
#include "runtime/placement.hpp"
#include "storage/keys.hpp"

namespace aethex::storage::raft {
namespace {

using namespace std::chrono_literals;
using tick_atom = caf::atom_constant<caf::atom("rafttick")>;
using settle_atom = caf::atom_constant<caf::atom("raftsettle")>;
// From a group's leader to a member it removed: that member never hears of its removal through
// Raft (it gets no more messages), so it is told to drop its replica and log of the group.
using forget_atom = caf::atom_constant<caf::atom("raftforget")>;

constexpr auto tick_interval = 50ms;
// A replica started by a packet (a leader adding this node) is given the group's configuration
// within milliseconds. One still without it this much later was started by a straggler from
// before this node's removal (a follower's vote request, say) and is dropped.
constexpr std::uint64_t unconfirmed_replica_ms = 10000;
constexpr int ticks_per_reconcile = 10;
// Proposals that arrive while the leader hands its group over wait for the outcome (libraft
// refuses them meanwhile); beyond this many per group they are refused (safely) at once.
constexpr std::size_t max_held_proposals = 1024;
// A handover that did not happen (the target lagged) is not tried again for this long: each
// attempt stops the group's writes until it ends.
constexpr std::uint64_t transfer_retry_ms = 5000;

std::uint64_t steady_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
    duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

struct held_proposal {
  std::string command;
  caf::typed_response_promise<std::string> promise;
};

struct group_slot {
  std::unique_ptr<replica> member;
  bool announced = false;  // leadership_changed(…, true) was said for announced_term
  std::uint64_t announced_term = 0;
  bool barrier_pending = false;
  bool changing = false;      // a configuration change or a handover is in flight
  bool transferring = false;  // a handover: proposals wait in `held`
  std::uint64_t next_transfer_ms = 0;
  std::vector<held_proposal> held;
  std::string founding;  // the founder's earlier data, proposed once it first leads
  std::uint64_t unconfirmed_since_ms = 0;  // started by a packet, no configuration yet
};

struct host_state {
  host_config config;
  std::uint64_t self_id = 0;
  std::shared_ptr<log_store> store;
  std::map<group_id, group_slot> groups;                   // at most config.groups
  std::map<std::string, caf::actor> peers;                 // live members, this node included
  std::set<std::string> stopping;                          // members that lead no group
  std::set<std::string> drained;                           // members that hold no replica
  std::map<std::string, std::uint64_t> gone_since;         // members that left the live set
  std::map<std::string, std::vector<std::string>> outbox;  // node id -> packets this turn
  int ticks = 0;
  caf::actor listener;  // hears leadership changes (the membership actor)
  bool settle_pending = false;
  static inline const char* name = "raft_host";

  host_state() = default;
  host_state(const host_state&) = delete;
  host_state& operator=(const host_state&) = delete;
  // Closing a replica runs its pending callbacks and hooks, which use the rest of this state:
  // the replicas close first, out of the table, while everything else is still whole.
  ~host_state() {
    std::map<group_id, group_slot> closing;
    closing.swap(groups);
  }
};

using host_actor = caf::stateful_actor<host_state>;

group_slot& ensure_group(host_actor* self, group_id group) {
  auto& st = self->state;
  if (auto it = st.groups.find(group); it != st.groups.end())
    return it->second;
  auto machine = st.config.state_machine_of(group);
  replica_hooks hooks{[self, group](const std::string& to, std::string bytes) {
                        std::string packet;
                        keys::append_be32(packet, group);
                        packet += bytes;
                        self->state.outbox[to].push_back(std::move(packet));
                      },
                      std::move(machine.apply), std::move(machine.snapshot),
                      std::move(machine.restore)};
  auto& slot = st.groups[group];
  slot.member = std::make_unique<replica>(*st.store, group,
                                          server{st.self_id, st.config.node_id, RAFT_VOTER},
                                          std::move(hooks), steady_ms, st.config.options);
  return slot;
}

void start_group(host_actor* self, group_id group, bool bootstrap) {
  auto& slot = ensure_group(self, group);
  if (bootstrap) {
    slot.member->bootstrap({server{self->state.self_id, self->state.config.node_id, RAFT_VOTER}});
    if (self->state.config.founding_command)
      slot.founding = self->state.config.founding_command(group);
  }
  slot.member->start();
}

// Replicates `command`; the promise gets the state machine's answer, or `unavailable` with the
// reason "moved" when the command never entered the log (safe to send again elsewhere).
void propose(group_slot& slot, std::string command,
             caf::typed_response_promise<std::string> promise) {
  auto refuse = [&](std::string why) {
    promise.deliver(aethex::make_error(errc::unavailable, std::move(why), "moved", 1));
  };
  if (!slot.announced || !slot.member->leading())
    return refuse("this node does not lead the partition");
  if (slot.transferring) {
    if (slot.held.size() >= max_held_proposals)
      return refuse("the partition is moving to another leader");
    slot.held.push_back({std::move(command), std::move(promise)});
    return;
  }
  slot.member->propose(std::move(command), [promise](proposal_result r) mutable {
    if (r.applied)
      promise.deliver(std::move(r.result));
    else
      promise.deliver(aethex::make_error(errc::unavailable, std::move(r.result)));
  });
}

void announce(host_actor* self, group_id group, std::uint64_t term, bool leading) {
  if (self->state.config.leadership_changed)
    self->state.config.leadership_changed(group, term, leading);
  if (self->state.listener)
    self->send(self->state.listener, lead_atom::value, group, term, leading);
}

// A new leader first applies every entry of earlier terms (a barrier), then says it leads.
void watch_leadership(host_actor* self, group_id group, group_slot& slot) {
  auto& member = *slot.member;
  auto term = member.term();
  if (member.leading()) {
    if ((slot.announced && slot.announced_term == term) || slot.barrier_pending)
      return;
    slot.barrier_pending = true;
    member.barrier([self, group, term](proposal_result done) {
      auto& slot = self->state.groups.at(group);
      slot.barrier_pending = false;
      if (!done.applied || !slot.member->leading() || slot.member->term() != term)
        return;
      slot.announced = true;
      slot.announced_term = term;
      // One line per (group, term): tests check no two nodes ever led a group in one term.
      std::clog << "raft: leading group " << group << " in term " << term << std::endl;
      announce(self, group, term, true);
      if (!slot.founding.empty())
        slot.member->propose(std::exchange(slot.founding, {}), [group](proposal_result r) {
          std::clog << "raft: group " << group
                    << (r.applied ? " replicates" : " could not replicate")
                    << " the founder's earlier data" << std::endl;
        });
    });
  } else if (slot.announced) {
    slot.announced = false;
    announce(self, group, term, false);
  }
}

// Runs completions until none are left, notes leadership, then sends each peer its batch.
void settle(host_actor* self) {
  auto& st = self->state;
  for (bool ran = true; ran;) {
    ran = false;
    for (auto& [group, slot] : st.groups)
      ran = slot.member->flush() || ran;
    for (auto& [group, slot] : st.groups)
      watch_leadership(self, group, slot);
  }
  for (auto& [node, packets] : st.outbox) {
    if (packets.empty())
      continue;
    if (auto peer = st.peers.find(node); peer != st.peers.end() && node != st.config.node_id)
      self->send(peer->second, raft_atom::value, st.config.node_id, std::move(packets));
    packets.clear();  // a member not up: lost like any message on a network; Raft resends
  }
}

// Settles after the messages already in the mailbox: everything they stage is written by one
// fsync (group commit), however many peers and proposals arrived meanwhile.
void settle_soon(host_actor* self) {
  if (std::exchange(self->state.settle_pending, true))
    return;
  self->send(self, settle_atom::value);
}

// Leader: one step towards the group's desired replicas.
void reconcile(host_actor* self, group_id group, group_slot& slot) {
  auto& st = self->state;
  if (slot.changing || !slot.member->leading() || !slot.announced)
    return;
  // Drained members hold no replica (unless no other member is up); stopping ones keep theirs
  // but lead nothing.
  std::vector<std::string> live, eligible;
  for (auto& [node, _] : st.peers) {
    live.push_back(node);
    if (st.drained.count(node) == 0)
      eligible.push_back(node);
  }
  auto desired = runtime::rendezvous_order(group, eligible.empty() ? live : eligible,
                                           st.config.replicas);
  auto configuration = slot.member->configuration();
  auto find = [&](const std::string& node) {
    return std::find_if(configuration.begin(), configuration.end(),
                        [&](const server& s) { return s.address == node; });
  };
  auto finished = [self, group](proposal_result) {
    if (auto it = self->state.groups.find(group); it != self->state.groups.end())
      it->second.changing = false;
  };
  for (auto& node : desired) {
    auto it = find(node);
    if (it == configuration.end()) {
      slot.changing = slot.member->add_server({raft_id_of(node), node, RAFT_VOTER}, finished);
      if (slot.changing)
        std::clog << "raft: group " << group << " adds a replica on " << node << std::endl;
      return;
    }
    if (it->role != RAFT_VOTER) {
      slot.changing = slot.member->promote(it->id, finished);
      return;
    }
  }
  // The group's leader is its first desired replica that is not stopping, so leadership spreads
  // like placement does without replication; a leader that is not (more members joined, it
  // stops or is drained) hands over to it.
  auto preferred = std::find_if(desired.begin(), desired.end(),
                                [&](const std::string& node) { return !st.stopping.count(node); });
  auto& successor = preferred == desired.end() ? desired.front() : *preferred;
  auto now = steady_ms();
  if (successor != st.config.node_id && now >= slot.next_transfer_ms) {
    slot.changing = slot.transferring = slot.member->transfer_leadership(
      find(successor)->id, [self, group] {
        auto& st = self->state;
        auto it = st.groups.find(group);
        if (it == st.groups.end())
          return;
        auto& slot = it->second;
        slot.changing = slot.transferring = false;
        if (slot.member->leading())
          slot.next_transfer_ms = steady_ms() + transfer_retry_ms;
        for (auto& held : std::exchange(slot.held, {}))
          propose(slot, std::move(held.command), std::move(held.promise));
      });
    if (!slot.changing)
      slot.next_transfer_ms = now + transfer_retry_ms;
    return;
  }
  for (auto& s : configuration) {
    if (s.id == st.self_id || std::find(desired.begin(), desired.end(), s.address) != desired.end())
      continue;
    bool is_live = st.peers.count(s.address) > 0;
    auto gone = st.gone_since.find(s.address);
    bool dead = !is_live && gone != st.gone_since.end() &&
                now - gone->second >= static_cast<std::uint64_t>(st.config.dead_after.count());
    if (is_live || dead) {
      slot.changing = slot.member->remove_server(s.id, [self, group,
                                                        removed = s.address](proposal_result done) {
        auto& st = self->state;
        if (auto it = st.groups.find(group); it != st.groups.end())
          it->second.changing = false;
        if (auto peer = st.peers.find(removed); done.applied && peer != st.peers.end()) {
          // Packets of this turn for the removed member would reach it after the forget (the
          // batch goes at the turn's end) and start the group there again.
          if (auto out = st.outbox.find(removed); out != st.outbox.end())
            std::erase_if(out->second, [group](const std::string& packet) {
              return keys::read_be32(packet) == group;
            });
          self->send(peer->second, forget_atom::value, group);
        }
      });
      if (slot.changing)
        std::clog << "raft: group " << group << " removes the replica on " << s.address
                  << std::endl;
      return;
    }
  }
}

// Drops this node's replica of `group` and its log.
void forget_group(host_actor* self, std::map<group_id, group_slot>::iterator it, const char* why) {
  auto& st = self->state;
  auto group = it->first;
  std::clog << "raft: group " << group << why << std::endl;
  // Out of the table before the replica closes: closing runs its pending callbacks (a
  // handover that just ended), which look their group up and must find none.
  auto slot = std::move(it->second);
  st.groups.erase(it);
  slot.member.reset();  // closes the replica before its log goes
  for (auto& held : slot.held)
    held.promise.deliver(aethex::make_error(errc::unavailable,
                                            "the partition moved to another leader", "moved", 1));
  st.store->remove(group);
}

// Replicas started by stragglers (see unconfirmed_replica_ms) go; the others are confirmed.
void drop_unconfirmed(host_actor* self) {
  auto& st = self->state;
  auto now = steady_ms();
  for (auto it = st.groups.begin(); it != st.groups.end();) {
    auto& slot = (it++)->second;
    if (slot.unconfirmed_since_ms == 0)
      continue;
    if (!slot.member->configuration().empty())
      slot.unconfirmed_since_ms = 0;
    else if (now - slot.unconfirmed_since_ms >= unconfirmed_replica_ms)
      forget_group(self, std::prev(it), " was never given to this node; its replica goes");
  }
}

caf::behavior host(host_actor* self, host_config config, std::shared_ptr<log_store> store) {
  auto& st = self->state;
  st.config = std::move(config);
  st.self_id = raft_id_of(st.config.node_id);
  st.store = std::move(store);
  st.peers.emplace(st.config.node_id, caf::actor{self});
  for (group_id g = 0; g < st.config.groups; ++g) {
    if (!st.store->empty(g))
      start_group(self, g, false);
    else if (st.config.found)
      start_group(self, g, true);
  }
  settle(self);
  self->delayed_send(self, tick_interval, tick_atom::value);
  return {
    [self](tick_atom) {
      auto& st = self->state;
      for (auto& [group, slot] : st.groups)
        slot.member->tick();
      if (++st.ticks % ticks_per_reconcile == 0) {
        drop_unconfirmed(self);
        for (auto& [group, slot] : st.groups)
          reconcile(self, group, slot);
      }
      settle_soon(self);
      self->delayed_send(self, tick_interval, tick_atom::value);
    },
    [self](peers_atom, const std::vector<std::string>& nodes, const std::vector<caf::actor>& hosts,
           const std::vector<std::string>& stopping, const std::vector<std::string>& drained) {
      auto& st = self->state;
      st.stopping = {stopping.begin(), stopping.end()};
      st.drained = {drained.begin(), drained.end()};
      auto now = steady_ms();
      for (auto& [node, _] : st.peers)
        if (std::find(nodes.begin(), nodes.end(), node) == nodes.end())
          st.gone_since.try_emplace(node, now);
      st.peers.clear();
      for (std::size_t i = 0; i < nodes.size() && i < hosts.size(); ++i) {
        st.peers.emplace(nodes[i], hosts[i]);
        st.gone_since.erase(nodes[i]);
      }
      st.peers.emplace(st.config.node_id, caf::actor{self});
      // A member on its way out waits for its groups' handover: start it now, not next round.
      if (!stopping.empty() || !drained.empty())
        for (auto& [group, slot] : st.groups)
          reconcile(self, group, slot);
      settle_soon(self);
    },
    [self](raft_atom, const std::string& from, const std::vector<std::string>& packets) {
      auto& st = self->state;
      auto from_id = raft_id_of(from);
      for (auto& packet : packets) {
        if (packet.size() < 4)
          continue;
        auto group = keys::read_be32(packet);
        if (group >= st.config.groups)
          continue;
        auto it = st.groups.find(group);
        if (it == st.groups.end()) {
          // A leader adding this node: the replica starts empty and learns the group from it.
          start_group(self, group, false);
          it = st.groups.find(group);
          it->second.unconfirmed_since_ms = steady_ms();
        }
        it->second.member->receive(from, from_id, std::string_view{packet}.substr(4));
      }
      settle_soon(self);
    },
    [self](propose_atom, std::uint32_t group, std::string& command) -> caf::result<std::string> {
      auto& st = self->state;
      auto it = st.groups.find(group);
      if (it == st.groups.end())
        return aethex::make_error(errc::unavailable,
                                  "this node does not lead partition " + std::to_string(group),
                                  "moved", 1);
      auto promise = self->make_response_promise<std::string>();
      propose(it->second, std::move(command), promise);
      settle_soon(self);
      return promise;
    },
    [self](forget_atom, std::uint32_t group) {
      auto& st = self->state;
      auto it = st.groups.find(group);
      if (it == st.groups.end() || it->second.member->leading())
        return;
      forget_group(self, it, " no longer has a replica here");
    },
    [self](settle_atom) {
      self->state.settle_pending = false;
      settle(self);
    },
    [self](lead_atom, const caf::actor& listener) {
      auto& st = self->state;
      st.listener = listener;
      for (auto& [group, slot] : st.groups)
        if (slot.announced)
          self->send(listener, lead_atom::value, group, slot.announced_term, true);
    },
    [self](runtime::raft_status_atom) {
      std::vector<std::string> lines;
      for (auto& [group, slot] : self->state.groups) {
        auto leader = slot.member->leader();
        std::string line = std::to_string(group) + " " + std::to_string(slot.member->term()) + " " +
                           (leader ? leader->address : "-");
        for (auto& s : slot.member->configuration())
          line += " " + s.address + (s.role == RAFT_VOTER ? "" : "?");
        lines.push_back(std::move(line));
      }
      return lines;
    },
  };
}

}  // namespace

std::uint64_t raft_id_of(std::string_view node_id) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : node_id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash == 0 ? 1 : hash;
}

caf::actor spawn_raft_host(caf::actor_system& sys, host_config config) {
  // Opened here so a locked or damaged folder is the caller's error, not a dead actor's.
  std::shared_ptr<log_store> store = log_store::open(config.dir);
  return sys.spawn<caf::detached>(host, std::move(config), std::move(store));
}

replication host_partition_log::replicate(std::uint32_t partition, std::string command) {
  auto host = caf::actor_cast<caf::actor>(host_);
  if (!host)
    return {replication::outcome::refused, {}};  // the node is stopping
  caf::scoped_actor self{sys_};
  replication done;
  self->request(host, timeout_, propose_atom::value, partition, std::move(command))
    .receive(
      [&](std::string& result) {
        done = {replication::outcome::applied, std::move(result)};
      },
      [&](caf::error& err) {
        // Only the host's own "moved" refusal says the command never entered the log; a
        // timeout or a lost leadership leaves its fate to the next leader.
        if (err.category() == error_category && reason_of(err) == "moved")
          done.status = replication::outcome::refused;
      });
  return done;
}

}  // namespace aethex::storage::raft
