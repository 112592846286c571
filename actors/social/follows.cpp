#include "actors/social/follows.hpp"

#include <algorithm>
#include <optional>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_journal.hpp"
#include "actors/core/entity_support.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct follows_state {
  follows_view view;
  std::optional<entity_journal> journal;
  caf::actor registry;
  idle_tracker idle{60s, 600s};
  bool passivating = false;
  static inline const char* name = "follows";

  bool follows(std::string_view channel) const {
    return std::any_of(view.channels.begin(), view.channels.end(),
                       [channel](const followed_channel& c) { return c.channel == channel; });
  }

  void apply(const storage::event& ev) {
    auto body = json::parse(ev.payload, nullptr, false);
    if (!body.is_object())
      return;
    auto channel = body.value("channel", "");
    if (ev.type == "follow.started" && !follows(channel))
      view.channels.push_back({channel, ev.timestamp_ms});
    else if (ev.type == "follow.stopped")
      std::erase_if(view.channels, [&](const followed_channel& c) { return c.channel == channel; });
  }
};

using follows_actor = caf::stateful_actor<follows_state>;

caf::result<follows_view> change(follows_actor* self, const char* type, const std::string& channel) {
  auto& st = self->state;
  st.idle.touch();
  auto ev = make_event(type, json{{"channel", channel}}.dump());
  if (auto err = st.journal->commit({ev}, [&st](const storage::event& e) { st.apply(e); }))
    return err;
  return st.view;
}

caf::behavior follows_behavior(follows_actor* self, caf::actor registry,
                               storage::event_store* store, std::string user) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.view.user = user;
  st.journal.emplace(*store, "follows/" + user);
  st.journal->recover([](const std::string&) {}, [&st](const storage::event& ev) { st.apply(ev); });
  st.idle.arm(self);
  return {
    [self](follow_atom, const std::string& channel) -> caf::result<follows_view> {
      auto& st = self->state;
      if (st.follows(channel))
        return st.view;
      if (st.view.channels.size() >= max_follows)
        return make_error(errc::forbidden, "you follow as many channels as an account may (" +
                                             std::to_string(max_follows) + ")");
      return change(self, "follow.started", channel);
    },
    [self](unfollow_atom, const std::string& channel) -> caf::result<follows_view> {
      if (!self->state.follows(channel))
        return self->state.view;
      return change(self, "follow.stopped", channel);
    },
    [self](get_atom) -> follows_view {
      auto& st = self->state;
      st.idle.touch();
      // A user who follows nobody holds no memory: asking about them must not park an actor.
      if (!st.journal->exists() && !st.passivating) {
        st.passivating = true;
        idle_tracker::passivate(self, st.registry);
      }
      return st.view;
    },
    stop_on_request(self),
    [self](idle_check_atom) { self->state.idle.check(self, self->state.registry); },
  };
}

}  // namespace

void add_follows_kind(runtime::entity_kinds& kinds, storage::event_store& store) {
  kinds.factories["follows"] = [&store](caf::actor_system& sys, const caf::actor& registry,
                                        const std::string& user) {
    return sys.spawn(follows_behavior, registry, &store, user);
  };
}

}  // namespace aethex::actors
