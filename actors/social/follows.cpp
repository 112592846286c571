#include "actors/social/follows.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// Stored events: the follower is the stream's id, the channel the payload.
struct follow_started {
  static constexpr std::string_view type = "follow.started";
  static constexpr std::uint32_t schema = 1;
  std::string channel;
};
struct follow_stopped {
  static constexpr std::string_view type = "follow.stopped";
  static constexpr std::uint32_t schema = 1;
  std::string channel;
};
struct follow_prefs_changed {
  static constexpr std::string_view type = "follow.prefs_changed";
  static constexpr std::uint32_t schema = 1;
  std::string channel;
  bool notify = true;
  bool email = false;
};
void to_json(json& j, const follow_started& e) { j = json{{"channel", e.channel}}; }
void to_json(json& j, const follow_stopped& e) { j = json{{"channel", e.channel}}; }
void to_json(json& j, const follow_prefs_changed& e) {
  j = json{{"channel", e.channel}, {"notify", e.notify}, {"email", e.email}};
}
void from_json(const json& j, follow_started& e) { e.channel = j.value("channel", ""); }
void from_json(const json& j, follow_stopped& e) { e.channel = j.value("channel", ""); }
void from_json(const json& j, follow_prefs_changed& e) {
  e.channel = j.value("channel", "");
  e.notify = j.value("notify", true);
  e.email = j.value("email", false);
}

struct follows_state {
  static constexpr std::string_view kind = "follows";
  static inline const char* name = "follows";
  using events = event_list<follow_started, follow_stopped, follow_prefs_changed>;

  follows_view view;

  followed_channel* find(std::string_view channel) {
    auto it = std::find_if(view.channels.begin(), view.channels.end(),
                           [channel](const followed_channel& c) { return c.channel == channel; });
    return it == view.channels.end() ? nullptr : &*it;
  }
  bool follows(std::string_view channel) { return find(channel) != nullptr; }
  void apply(const follow_started& e, const event_meta& meta) {
    if (!follows(e.channel))
      view.channels.push_back({e.channel, meta.timestamp_ms, true, false, meta.timestamp_ms});
  }
  void apply(const follow_prefs_changed& e, const event_meta& meta) {
    if (auto* followed = find(e.channel)) {
      if (e.notify && !followed->notify)
        followed->notify_since_ms = meta.timestamp_ms;
      followed->notify = e.notify;
      followed->email = e.email;
    }
  }
  void apply(const follow_stopped& e, const event_meta&) {
    std::erase_if(view.channels, [&](const followed_channel& c) { return c.channel == e.channel; });
  }
};

using follows_actor = caf::stateful_actor<event_sourced<follows_state>>;

caf::behavior follows_behavior(follows_actor* self, caf::actor registry,
                               storage::event_store* store, std::string user,
                               const runtime::clock* clock) {
  auto& st = self->state;
  st.view.user = user;
  if (auto err = st.activate(self, *store, user, {registry, clock}))
    return st.refuse(self, std::move(err));
  return {
    [self](follow_atom, const std::string& channel) -> caf::result<follows_view> {
      auto& st = self->state;
      st.touch();
      if (st.follows(channel))
        return st.view;
      if (st.view.channels.size() >= max_follows)
        return make_error(errc::forbidden, "you follow as many channels as an account may (" +
                                             std::to_string(max_follows) + ")");
      if (auto err = st.emit(follow_started{channel}))
        return err;
      return st.view;
    },
    [self](unfollow_atom, const std::string& channel) -> caf::result<follows_view> {
      auto& st = self->state;
      st.touch();
      if (!st.follows(channel))
        return st.view;
      if (auto err = st.emit(follow_stopped{channel}))
        return err;
      return st.view;
    },
    [self](follow_prefs_atom, const std::string& channel,
           const follow_prefs& prefs) -> caf::result<follows_view> {
      auto& st = self->state;
      st.touch();
      auto* followed = st.find(channel);
      if (!followed)
        return make_error(errc::not_found, "you do not follow " + channel);
      follow_prefs_changed changed{channel, prefs.notify < 0 ? followed->notify : prefs.notify > 0,
                                   prefs.email < 0 ? followed->email : prefs.email > 0};
      if (changed.notify == followed->notify && changed.email == followed->email)
        return st.view;
      if (auto err = st.emit(changed))
        return err;
      return st.view;
    },
    // A user who follows nobody holds no memory: asking about them must not park an actor.
    [self](get_atom) -> follows_view { return self->state.answer_read(self, self->state.view); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_follows_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock) {
  kinds.factories["follows"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                                const std::string& user) {
    return sys.spawn(follows_behavior, registry, &store, user, &clock);
  };
}

}  // namespace aethex::actors
