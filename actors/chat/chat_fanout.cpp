#include "actors/chat/chat_fanout.hpp"
#include "actors/chat/chat_room.hpp"

#include <atomic>
#include <chrono>
#include <unordered_map>
#include <utility>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"

namespace aethex::actors {
namespace {

using namespace std::chrono_literals;

// Viewer counts are reported at most this often, so a burst of joins is one message to the room.
constexpr auto presence_report_delay = 100ms;
// Finding the room gives up after attach_timeout and tries again after reattach_delay.
constexpr auto attach_timeout = 5s;
constexpr auto reattach_delay = 500ms;
using reattach_atom = caf::atom_constant<caf::atom("reattach")>;

struct member {
  chat_sink_ptr sink;
  chat_lane* lane = nullptr;  // the sink's lane while live (nullptr: pushed one by one)
  std::size_t index = 0;      // position in that lane's (or the loose) list
  bool live = false;          // true once the history frame went out
};

// The live sinks of one lane. Delivery hands the lane an immutable snapshot, rebuilt only when
// membership changed since the last frame.
struct lane_group {
  std::shared_ptr<chat_lane> lane;
  std::vector<chat_sink_ptr> sinks;
  std::shared_ptr<const std::vector<chat_sink_ptr>> snapshot;
};

struct fanout_state {
  static inline const char* name = "chat_fanout";
  std::string channel;
  caf::actor registry;
  caf::actor room;
  std::unordered_map<chat_sink*, member> members;
  std::unordered_map<chat_lane*, lane_group> lanes;
  std::vector<chat_sink_ptr> loose;  // live sinks without a lane
  std::uint32_t reported = 0;
  bool report_pending = false;
  bool attached_before = false;  // a later attach follows a room restart or partition move

  std::vector<chat_sink_ptr>& list_of(const member& m) {
    return m.lane ? lanes[m.lane].sinks : loose;
  }

  void go_live(member& m) {
    auto lane = m.sink->lane();
    m.lane = lane.get();
    if (lane) {
      auto& group = lanes[m.lane];
      if (!group.lane)
        group.lane = std::move(lane);
      group.snapshot.reset();
    }
    auto& list = list_of(m);
    m.index = list.size();
    list.push_back(m.sink);
    m.live = true;
  }

  void remove(chat_sink* key) {
    auto it = members.find(key);
    if (it == members.end())
      return;
    if (it->second.live) {
      auto& list = list_of(it->second);
      // Swap-remove keeps a leave O(1) with thousands of viewers.
      auto last = std::move(list.back());
      list.pop_back();
      if (it->second.index < list.size()) {
        members[last.get()].index = it->second.index;
        list[it->second.index] = std::move(last);
      }
      if (it->second.lane) {
        auto& group = lanes[it->second.lane];
        group.snapshot.reset();
        if (group.sinks.empty())
          lanes.erase(it->second.lane);
      }
    }
    members.erase(it);
  }

  void deliver(const chat_frame& frame) {
    for (auto& [_, group] : lanes) {
      if (!group.snapshot)
        group.snapshot = std::make_shared<const std::vector<chat_sink_ptr>>(group.sinks);
      group.lane->deliver(frame, group.snapshot);
    }
    for (auto& sink : loose)
      sink->push(frame);
  }
};

using fanout_actor = caf::stateful_actor<fanout_state>;

void report_presence(fanout_actor* self) {
  auto& st = self->state;
  if (st.report_pending)
    return;
  st.report_pending = true;
  self->delayed_send(self, presence_report_delay, presence_atom::value);
}

// Finds the room through the registry and subscribes to it; joins wait until this is done.
// While its partition has no owner (a replicated partition electing a leader, a dead owner not
// yet noticed) it tries again shortly: viewers stay connected through a failover.
void attach_room(fanout_actor* self) {
  self
    ->request(self->state.registry, attach_timeout, get_atom::value,
              std::string{chat_protocol::kind}, self->state.channel)
    .await(
      [self](const caf::actor& room) {
        self->state.room = room;
        self->monitor(room);
        // After a restart or move, messages sent while we re-subscribed reach viewers only
        // through the room's history: live viewers get it again (clients replace their list).
        auto resync = std::exchange(self->state.attached_before, true);
        self->request(room, caf::infinite, chat_sub_atom::value, caf::actor{self})
          .then(
            [self, resync](std::string& history) {
              if (resync)
                self->state.deliver(std::make_shared<const std::string>(std::move(history)));
            },
            [](const caf::error&) {});
        self->state.reported = 0;
        report_presence(self);
      },
      [self](const caf::error&) {
        self->delayed_send(self, reattach_delay, reattach_atom::value);
      });
}

void push_history(fanout_actor* self, const chat_sink_ptr& sink) {
  self->request(self->state.room, caf::infinite, chat_hist_atom::value)
    .then(
      [self, key = sink.get()](std::string& frame) {
        auto it = self->state.members.find(key);
        if (it == self->state.members.end() || it->second.live)
          return;
        it->second.sink->push(std::make_shared<const std::string>(std::move(frame)));
        self->state.go_live(it->second);
      },
      [](const caf::error&) {});
}

struct delivery_counters {
  std::atomic<std::uint64_t> frames{0};    // every frame a room sent this node
  std::atomic<std::uint64_t> messages{0};  // of those, chat messages
};

caf::behavior fanout_behavior(fanout_actor* self, caf::actor registry, std::string channel,
                              std::shared_ptr<delivery_counters> counters) {
  self->state.registry = std::move(registry);
  self->state.channel = std::move(channel);
  attach_room(self);
  self->set_down_handler([self](const caf::down_msg& down) {
    if (down.source == self->state.room.address())
      attach_room(self);  // the room restarted (crash or failover): subscribe to the new one
  });
  return {
    [self](chat_join_atom, const chat_sink_ptr& sink) {
      auto& st = self->state;
      st.remove(sink.get());
      st.members.emplace(sink.get(), member{sink});
      report_presence(self);
      // Asked after subscribing, so the room answers with a history that already contains
      // every frame sent to us before the answer: nothing lost, nothing twice.
      push_history(self, sink);
    },
    [self](chat_leave_atom, const chat_sink_ptr& sink) {
      auto before = self->state.members.size();
      self->state.remove(sink.get());
      if (self->state.members.size() != before)
        report_presence(self);
    },
    [self, counters](chat_deliver_atom, std::string& text) {
      counters->frames.fetch_add(1, std::memory_order_relaxed);
      // Chat messages are the room's "msg" frames (JSON keys are written sorted, so the type
      // sits after the other fields; a user's text cannot contain this unescaped quote).
      if (text.find(R"("type":"msg")") != std::string::npos)
        counters->messages.fetch_add(1, std::memory_order_relaxed);
      self->state.deliver(std::make_shared<const std::string>(std::move(text)));
    },
    [self](reattach_atom) { attach_room(self); },
    [self](presence_atom) {
      auto& st = self->state;
      st.report_pending = false;
      auto count = static_cast<std::uint32_t>(st.members.size());
      if (count == st.reported || !st.room)
        return;
      st.reported = count;
      self->send(st.room, presence_atom::value, caf::actor{self}, count);
    },
  };
}

struct hub_entry {
  caf::actor fanout;
  std::size_t sessions = 0;
};

struct hub_state {
  static inline const char* name = "chat_hub";
  caf::actor registry;
  std::unordered_map<std::string, hub_entry> rooms;
  // What the node's fan-outs delivered (each fan-out adds its own), for /metrics.
  std::shared_ptr<delivery_counters> counters = std::make_shared<delivery_counters>();
};

caf::behavior hub_behavior(caf::stateful_actor<hub_state>* self, caf::actor registry) {
  self->state.registry = std::move(registry);
  self->set_default_handler(caf::drop);  // a stray message must not take every session down
  // Children (fan-outs, sessions) come and go; only a shutdown stops the hub.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::user_shutdown || msg.reason == caf::exit_reason::kill)
      return self->quit(msg.reason);
    // A fan-out that failed is forgotten; the next viewer of its room gets a new one.
    std::erase_if(self->state.rooms,
                  [&](auto& kv) { return kv.second.fanout.address() == msg.source; });
  });
  return {
    [self](chat_join_atom, const std::string& channel, const chat_sink_ptr& sink) {
      auto& entry = self->state.rooms[channel];
      if (!entry.fanout)
        entry.fanout = self->spawn<caf::linked>(fanout_behavior, self->state.registry, channel,
                                                self->state.counters);
      ++entry.sessions;
      self->send(entry.fanout, chat_join_atom::value, sink);
    },
    // Connections in a room on this node (GET /api/v1/cluster reports them as load).
    [self](runtime::load_atom) {
      std::uint64_t sockets = 0;
      for (auto& [_, entry] : self->state.rooms)
        sockets += entry.sessions;
      return sockets;
    },
    // {connections, frames, chat messages delivered since start} for /metrics.
    [self](metrics_atom) {
      std::uint64_t sockets = 0;
      for (auto& [_, entry] : self->state.rooms)
        sockets += entry.sessions;
      return std::vector<std::uint64_t>{sockets, self->state.counters->frames.load(),
                                        self->state.counters->messages.load()};
    },
    [self](chat_leave_atom, const std::string& channel, const chat_sink_ptr& sink) {
      auto it = self->state.rooms.find(channel);
      if (it == self->state.rooms.end())
        return;
      self->send(it->second.fanout, chat_leave_atom::value, sink);
      if (--it->second.sessions == 0) {
        // The last viewer left: stop the fan-out (after it handled the leave) and unsubscribe
        // implicitly (the room monitors it).
        self->unlink_from(it->second.fanout);
        self->send_exit(it->second.fanout, caf::exit_reason::user_shutdown);
        self->state.rooms.erase(it);
      }
    },
  };
}

}  // namespace

caf::actor spawn_chat_hub(caf::actor_system& sys, const caf::actor& registry) {
  return sys.spawn(hub_behavior, registry);
}

}  // namespace aethex::actors
