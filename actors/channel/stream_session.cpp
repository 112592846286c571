#include "actors/channel/stream_session.hpp"

#include <algorithm>
#include <optional>

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

struct stream_session_state {
  stream_session_view view;
  std::optional<entity_journal> journal;
  caf::actor registry;
  idle_tracker idle{60s, 300s};
  static inline const char* name = "stream_session";

  void apply(const storage::event& ev) {
    auto body = json::parse(ev.payload, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return;
    if (ev.type == "stream.started") {
      view.channel = body.value("channel", "");
      view.session_id = body.value("session", "");
      view.started_at_ms = ev.timestamp_ms;
      view.live = true;
    } else if (ev.type == "stream.peak_viewers") {
      view.peak_viewers = std::max(view.peak_viewers, body.value("peak", std::uint32_t{0}));
    } else if (ev.type == "stream.ended") {
      view.ended_at_ms = ev.timestamp_ms;
      view.live = false;
    }
  }

  stream_session_view current() const {
    auto out = view;
    auto end = view.live ? now_ms() : view.ended_at_ms;
    out.duration_ms = std::max<std::int64_t>(0, end - view.started_at_ms);
    return out;
  }
};

using stream_actor = caf::stateful_actor<stream_session_state>;

caf::error commit(stream_actor* self, storage::event ev) {
  auto& st = self->state;
  return st.journal->commit({ev}, [&st](const storage::event& e) { st.apply(e); });
}

caf::behavior stream_behavior(stream_actor* self, caf::actor registry,
                              storage::event_store* store, std::string id) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.journal.emplace(*store, "stream/" + id);
  st.journal->recover([](const std::string&) {}, [&st](const storage::event& ev) { st.apply(ev); });
  st.idle.arm(self);
  auto not_found = [] { return make_error(errc::not_found, "stream session not found"); };
  return {
    [self, id](create_atom, const std::string& channel) -> caf::result<stream_session_view> {
      auto& st = self->state;
      st.idle.touch();
      if (st.journal->exists())
        return make_error(errc::conflict, "stream session already started");
      auto prefix = channel + "-";
      if (channel.empty() || id.size() <= prefix.size() || id.compare(0, prefix.size(), prefix) != 0)
        return make_error(errc::invalid_argument, "stream session id must be <channel>-<session>");
      auto payload = json{{"channel", channel}, {"session", id.substr(prefix.size())}}.dump();
      if (auto err = commit(self, make_event("stream.started", payload)))
        return err;
      return st.current();
    },
    [self, not_found](get_atom) -> caf::result<stream_session_view> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.journal->exists())
        return not_found();
      return st.current();
    },
    [self, not_found](update_atom,
                      std::uint32_t viewers) -> caf::result<stream_session_view> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.journal->exists())
        return not_found();
      if (st.view.live && viewers > st.view.peak_viewers)
        if (auto err = commit(self, make_event("stream.peak_viewers",
                                               json{{"peak", viewers}}.dump())))
          return err;
      return st.current();
    },
    [self, not_found](end_atom) -> caf::result<stream_session_view> {
      auto& st = self->state;
      st.idle.touch();
      if (!st.journal->exists())
        return not_found();
      if (st.view.live)
        if (auto err = commit(self, make_event("stream.ended", "{}")))
          return err;
      return st.current();
    },
    stop_on_request(self),
    [self](idle_check_atom) {
      auto& st = self->state;
      if (!st.journal->exists())
        return idle_tracker::passivate(self, st.registry);
      st.idle.check(self, st.registry);
    },
  };
}

}  // namespace

caf::actor spawn_stream_session(caf::actor_system& sys, const caf::actor& registry,
                                storage::event_store& store, const std::string& id) {
  return sys.spawn(stream_behavior, registry, &store, id);
}

std::string stream_session_id(const std::string& channel, const std::string& session_id) {
  return channel + "-" + session_id;
}

void add_stream_session_kind(runtime::entity_kinds& kinds, storage::event_store& store) {
  kinds.factories["stream"] = [&store](caf::actor_system& sys, const caf::actor& registry,
                                       const std::string& id) {
    return spawn_stream_session(sys, registry, store, id);
  };
}

}  // namespace aethex::actors
