#include "actors/raid/raid.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/engagement/engagement.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace ev {
struct started {
  static constexpr std::string_view type = "raid.started";
  static constexpr std::uint32_t schema = 1;
  std::string target;
  std::uint64_t viewers = 0;
  std::int64_t go_at_ms = 0;
};
struct cancelled {
  static constexpr std::string_view type = "raid.cancelled";
  static constexpr std::uint32_t schema = 1;
};
struct completed {
  static constexpr std::string_view type = "raid.completed";
  static constexpr std::uint32_t schema = 1;
  std::string target;
  std::uint64_t viewers = 0;
};
struct received {
  static constexpr std::string_view type = "raid.received";
  static constexpr std::uint32_t schema = 1;
  std::string from;
  std::uint64_t viewers = 0;
};
struct settings_changed {
  static constexpr std::string_view type = "raid.settings_changed";
  static constexpr std::uint32_t schema = 1;
  std::string accept;
};
struct blocked {
  static constexpr std::string_view type = "raid.blocked";
  static constexpr std::uint32_t schema = 1;
  std::string channel;
};
struct unblocked {
  static constexpr std::string_view type = "raid.unblocked";
  static constexpr std::uint32_t schema = 1;
  std::string channel;
};

void to_json(json& j, const started& e) {
  j = json{{"target", e.target}, {"viewers", e.viewers}, {"go_at_ms", e.go_at_ms}};
}
void from_json(const json& j, started& e) {
  e.target = j.value("target", "");
  e.viewers = j.value("viewers", std::uint64_t{0});
  e.go_at_ms = j.value("go_at_ms", std::int64_t{0});
}
void to_json(json& j, const cancelled&) { j = json::object(); }
void from_json(const json&, cancelled&) {}
void to_json(json& j, const completed& e) {
  j = json{{"target", e.target}, {"viewers", e.viewers}};
}
void from_json(const json& j, completed& e) {
  e.target = j.value("target", "");
  e.viewers = j.value("viewers", std::uint64_t{0});
}
void to_json(json& j, const received& e) { j = json{{"from", e.from}, {"viewers", e.viewers}}; }
void from_json(const json& j, received& e) {
  e.from = j.value("from", "");
  e.viewers = j.value("viewers", std::uint64_t{0});
}
void to_json(json& j, const settings_changed& e) { j = json{{"accept", e.accept}}; }
void from_json(const json& j, settings_changed& e) {
  e.accept = j.value("accept", std::string{raid_accept::everyone});
}
void to_json(json& j, const blocked& e) { j = json{{"channel", e.channel}}; }
void from_json(const json& j, blocked& e) { e.channel = j.value("channel", ""); }
void to_json(json& j, const unblocked& e) { j = json{{"channel", e.channel}}; }
void from_json(const json& j, unblocked& e) { e.channel = j.value("channel", ""); }
}  // namespace ev

struct raid_state {
  static constexpr std::string_view kind = "raid";
  static inline const char* name = "raid";
  using events = event_list<ev::started, ev::cancelled, ev::completed, ev::received,
                            ev::settings_changed, ev::blocked, ev::unblocked>;

  raid_status status;
  raid_settings settings;

  bool counting() const { return !status.target.empty(); }
  // A countdown must not be passivated away: its timer lives in this actor.
  bool keep_active() const { return counting(); }
  bool blocks(std::string_view channel) const {
    return std::find(settings.blocked.begin(), settings.blocked.end(), channel) !=
           settings.blocked.end();
  }

  void apply(const ev::started& e, const event_meta&) {
    status.target = e.target;
    status.viewers = e.viewers;
    status.go_at_ms = e.go_at_ms;
    status.state = "countdown";
  }
  void apply(const ev::cancelled&, const event_meta&) { clear(); }
  void apply(const ev::completed&, const event_meta&) { clear(); }
  void apply(const ev::received&, const event_meta&) {}
  void apply(const ev::settings_changed& e, const event_meta&) { settings.accept = e.accept; }
  void apply(const ev::blocked& e, const event_meta&) {
    if (!blocks(e.channel))
      settings.blocked.push_back(e.channel);
  }
  void apply(const ev::unblocked& e, const event_meta&) { std::erase(settings.blocked, e.channel); }
  void clear() {
    status.target.clear();
    status.viewers = 0;
    status.go_at_ms = 0;
    status.state = "none";
  }

  std::string snapshot() const {
    return json{{"accept", settings.accept},
                {"blocked", settings.blocked},
                {"target", status.target},
                {"viewers", status.viewers},
                {"go_at_ms", status.go_at_ms}}
      .dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text);
    settings.accept = j.at("accept").get<std::string>();
    settings.blocked = j.at("blocked").get<std::vector<std::string>>();
    status.target = j.at("target").get<std::string>();
    status.viewers = j.at("viewers").get<std::uint64_t>();
    status.go_at_ms = j.at("go_at_ms").get<std::int64_t>();
    status.state = status.target.empty() ? "none" : "countdown";
  }
};

using raid_actor = caf::stateful_actor<event_sourced<raid_state>>;

constexpr std::uint64_t snapshot_every = 64;
// The countdown is checked against the injected clock this often (real time).
constexpr auto tick_every = std::chrono::seconds(1);

void relay(raid_actor* self, const std::string& room, const json& frame) {
  entity_ref<chat_protocol>{self->state.registry(), room}.tell(chat_relay_atom::value,
                                                               frame.dump());
}

caf::result<raid_status> go(raid_actor* self) {
  auto& st = self->state;
  if (!st.counting())
    return make_error(errc::not_found, "no raid is counting down");
  auto done = st.status;
  if (auto err = st.emit(ev::completed{done.target, done.viewers}))
    return err;
  relay(self, st.id(), json{{"type", "raid_go"}, {"target", done.target}});
  entity_ref<raid_protocol>{st.registry(), done.target}.tell(raid_arrive_atom::value, st.id(),
                                                             done.viewers);
  done.state = "done";
  return done;
}

caf::behavior raid_behavior(raid_actor* self, caf::actor registry, storage::event_store* store,
                            std::string channel, const runtime::clock* clock) {
  auto& st = self->state;
  st.status.channel = channel;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  if (st.counting())  // restarted during a countdown: it goes on (or goes now, if it is over)
    self->send(self, raid_tick_atom::value);
  return {
    [self](raid_start_atom, const std::string& target,
           std::uint64_t viewers) -> caf::result<raid_status> {
      auto& st = self->state;
      st.touch();
      if (st.counting())
        return make_error(errc::conflict,
                          "a raid on " + st.status.target + " is counting down; cancel it first");
      auto go_at = st.clock().now_ms() +
                   std::chrono::duration_cast<std::chrono::milliseconds>(raid_countdown).count();
      if (auto err = st.emit(ev::started{target, viewers, go_at}))
        return err;
      relay(self, st.id(),
            json{{"type", "raid"}, {"target", target}, {"viewers", viewers}, {"go_at_ms", go_at}});
      self->delayed_send(self, tick_every, raid_tick_atom::value);
      return st.status;
    },
    [self](raid_go_atom) {
      self->state.touch();
      return go(self);
    },
    [self](raid_cancel_atom) -> caf::result<raid_status> {
      auto& st = self->state;
      st.touch();
      if (!st.counting())
        return make_error(errc::not_found, "no raid is counting down");
      if (auto err = st.emit(ev::cancelled{}))
        return err;
      relay(self, st.id(), json{{"type", "raid_cancelled"}});
      return st.status;
    },
    [self](raid_tick_atom) {
      auto& st = self->state;
      if (!st.counting())
        return;
      if (st.clock().now_ms() >= st.status.go_at_ms)
        (void)go(self);
      else
        self->delayed_send(self, tick_every, raid_tick_atom::value);
    },
    [self](get_atom) -> raid_status { return self->state.answer_read(self, self->state.status); },
    [self](raid_accept_atom, const std::string& from) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.settings.accept == raid_accept::nobody || st.blocks(from))
        return make_error(errc::forbidden, st.id() + " does not accept raids from you");
      return st.settings.accept;
    },
    [self](raid_arrive_atom, const std::string& from, std::uint64_t viewers) {
      auto& st = self->state;
      st.touch();
      if (st.emit(ev::received{from, viewers}))
        return;  // not recorded: not shown either (the store refused; the raid itself went)
      relay(self, st.id(), json{{"type", "raided"}, {"from", from}, {"viewers", viewers}});
      // The raiders' beats (source "raid") earn channel points for a few minutes.
      entity_ref<engagement_protocol>{st.registry(), st.id()}.tell(points_raided_atom::value, from);
    },
    [self](raid_settings_atom) -> raid_settings {
      return self->state.answer_read(self, self->state.settings);
    },
    [self](raid_settings_atom, const std::string& accept) -> caf::result<raid_settings> {
      auto& st = self->state;
      st.touch();
      if (accept != raid_accept::everyone && accept != raid_accept::followed &&
          accept != raid_accept::nobody)
        return make_error(errc::invalid_argument,
                          "'accept' must be \"everyone\", \"followed\" or \"nobody\"");
      if (accept != st.settings.accept)
        if (auto err = st.emit(ev::settings_changed{accept}))
          return err;
      return st.settings;
    },
    [self](raid_block_atom, const std::string& channel, bool block) -> caf::result<raid_settings> {
      auto& st = self->state;
      st.touch();
      if (block == st.blocks(channel))
        return st.settings;
      if (block && st.settings.blocked.size() >= max_raid_blocks)
        return make_error(errc::forbidden, "a channel may block at most " +
                                             std::to_string(max_raid_blocks) + " raiders");
      auto err = block ? st.emit(ev::blocked{channel}) : st.emit(ev::unblocked{channel});
      if (err)
        return err;
      return st.settings;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_raid_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock) {
  kinds.factories["raid"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                             const std::string& channel) {
    return sys.spawn(raid_behavior, registry, &store, channel, &clock);
  };
}

}  // namespace aethex::actors
