#include "actors/identity/session.hpp"

#include <optional>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t max_watchers = 64;

// Stored events; their JSON is what this entity always wrote.
struct created {
  static constexpr std::string_view type = "session.created";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::int64_t expires_at_ms = 0;
};
void to_json(json& j, const created& e) {
  j = json{{"user", e.user}, {"expires_at_ms", e.expires_at_ms}};
}
void from_json(const json& j, created& e) {
  e.user = j.value("user", "");
  e.expires_at_ms = j.value("expires_at_ms", std::int64_t{0});
}

struct revoked {
  static constexpr std::string_view type = "session.revoked";
  static constexpr std::uint32_t schema = 1;
};
void to_json(json& j, const revoked&) { j = json::object(); }
void from_json(const json&, revoked&) {}

struct session_state {
  static constexpr std::string_view kind = "session";
  static inline const char* name = "session";
  using events = event_list<created, revoked>;

  session_view view;
  bool is_revoked = false;
  std::vector<caf::actor> watchers;  // open connections signed in with this session

  bool keep_active() const { return !watchers.empty(); }
  void apply(const created& e, const event_meta&) {
    view.user = e.user;
    view.expires_at_ms = e.expires_at_ms;
  }
  void apply(const revoked&, const event_meta&) { is_revoked = true; }

  bool valid(std::int64_t now_ms) const {
    return !is_revoked && !view.user.empty() && now_ms < view.expires_at_ms;
  }
};

using session_actor = caf::stateful_actor<event_sourced<session_state>>;

caf::behavior session_behavior(session_actor* self, caf::actor registry,
                               storage::event_store* store, std::string digest,
                               const runtime::clock* clock) {
  auto& st = self->state;
  // Sessions are many and short-lived in memory: forget them soon after use.
  if (auto err = st.activate(self, *store, digest, {registry, clock, 30s, 120s}))
    return st.refuse(self, std::move(err));
  auto valid = [self] {
    auto& st = self->state;
    return st.exists() && st.valid(st.clock().now_ms());
  };
  self->set_down_handler([self](const caf::down_msg& down) {
    std::erase_if(self->state.watchers,
                  [&](const caf::actor& w) { return w.address() == down.source; });
  });
  return {
    [self](create_atom, const std::string& user,
           std::int64_t expires_at_ms) -> caf::result<session_view> {
      auto& st = self->state;
      st.touch();
      if (st.exists())
        return make_error(errc::conflict, "session already exists");
      if (user.empty())
        return make_error(errc::invalid_argument, "a session needs a user");
      if (auto err = st.emit(created{user, expires_at_ms}))
        return err;
      return st.view;
    },
    [self, valid](get_atom) -> caf::result<session_view> {
      auto& st = self->state;
      st.touch();
      // Unknown digests (typos, guessing) need no memory at all.
      if (auto err = st.require_exists(self, make_error(errc::unauthorized,
                                                        "invalid or expired session")))
        return err;
      if (!valid())
        return make_error(errc::unauthorized, "invalid or expired session");
      return st.view;
    },
    [self](revoke_atom) -> caf::result<bool> {
      auto& st = self->state;
      st.touch();
      if (!st.exists() || st.is_revoked)
        return false;
      if (auto err = st.emit(revoked{}))
        return err;
      for (auto& watcher : st.watchers)
        self->send(watcher, revoke_atom::value);
      st.watchers.clear();
      return true;
    },
    [self, valid](watch_atom, const caf::actor& watcher) -> bool {
      auto& st = self->state;
      st.touch();
      if (!valid() || !watcher)
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
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

caf::actor spawn_session(caf::actor_system& sys, const caf::actor& registry,
                         storage::event_store& store, const std::string& digest,
                         const runtime::clock& clock) {
  return sys.spawn(session_behavior, registry, &store, digest, &clock);
}

void add_session_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock) {
  kinds.factories["session"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                                const std::string& id) {
    return spawn_session(sys, registry, store, id, clock);
  };
}

}  // namespace aethex::actors
