#include "actors/identity/session.hpp"

#include <optional>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_journal.hpp"
#include "actors/core/entity_support.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t max_watchers = 64;

struct session_state {
  session_view view;
  bool revoked = false;
  std::optional<entity_journal> journal;
  caf::actor registry;
  // Sessions are many and short-lived in memory: forget them soon after use.
  idle_tracker idle{30s, 120s};
  std::vector<caf::actor> watchers;  // open connections signed in with this session
  static inline const char* name = "session";

  void apply(const storage::event& ev) {
    auto body = json::parse(ev.payload, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return;
    if (ev.type == "session.created") {
      view.user = body.value("user", "");
      view.expires_at_ms = body.value("expires_at_ms", std::int64_t{0});
    } else if (ev.type == "session.revoked") {
      revoked = true;
    }
  }

  bool valid() const {
    return journal->exists() && !revoked && !view.user.empty() && now_ms() < view.expires_at_ms;
  }
};

using session_actor = caf::stateful_actor<session_state>;

caf::error commit(session_actor* self, storage::event ev) {
  auto& st = self->state;
  return st.journal->commit({ev}, [&st](const storage::event& e) { st.apply(e); });
}

caf::behavior session_behavior(session_actor* self, caf::actor registry,
                               storage::event_store* store, std::string digest) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.journal.emplace(*store, "session/" + digest);
  st.journal->recover([](const std::string&) {}, [&st](const storage::event& ev) { st.apply(ev); });
  st.idle.arm(self);
  self->set_down_handler([self](const caf::down_msg& down) {
    std::erase_if(self->state.watchers,
                  [&](const caf::actor& w) { return w.address() == down.source; });
  });
  return {
    [self](create_atom, const std::string& user,
           std::int64_t expires_at_ms) -> caf::result<session_view> {
      auto& st = self->state;
      st.idle.touch();
      if (st.journal->exists())
        return make_error(errc::conflict, "session already exists");
      if (user.empty())
        return make_error(errc::invalid_argument, "a session needs a user");
      auto payload = json{{"user", user}, {"expires_at_ms", expires_at_ms}}.dump();
      if (auto err = commit(self, make_event("session.created", payload)))
        return err;
      return st.view;
    },
    [self](get_atom) -> caf::result<session_view> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.valid())
        return make_error(errc::unauthorized, "invalid or expired session");
      return st.view;
    },
    [self](revoke_atom) -> caf::result<bool> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.journal->exists() || st.revoked)
        return false;
      if (auto err = commit(self, make_event("session.revoked", "{}")))
        return err;
      for (auto& watcher : st.watchers)
        self->send(watcher, revoke_atom::value);
      st.watchers.clear();
      return true;
    },
    [self](watch_atom, const caf::actor& watcher) -> bool {
      auto& st = self->state;
      st.idle.touch();
      if (!st.valid() || !watcher)
        return false;
      // One person rarely has more than a few tabs open; the oldest watcher gives way.
      if (st.watchers.size() >= max_watchers) {
        self->demonitor(st.watchers.front());
        st.watchers.erase(st.watchers.begin());
      }
      self->monitor(watcher);
      st.watchers.push_back(watcher);
      return true;
    },
    stop_on_request(self),
    [self](idle_check_atom) {
      auto& st = self->state;
      // Unknown digests (typos, guessing) need no memory at all.
      if (!st.journal->exists())
        return idle_tracker::passivate(self, st.registry);
      st.idle.check(self, st.registry, !st.watchers.empty());
    },
  };
}

}  // namespace

caf::actor spawn_session(caf::actor_system& sys, const caf::actor& registry,
                         storage::event_store& store, const std::string& digest) {
  return sys.spawn(session_behavior, registry, &store, digest);
}

void add_session_kind(runtime::entity_kinds& kinds, storage::event_store& store) {
  kinds.factories["session"] = [&store](caf::actor_system& sys, const caf::actor& registry,
                                        const std::string& id) {
    return spawn_session(sys, registry, store, id);
  };
}

}  // namespace aethex::actors
