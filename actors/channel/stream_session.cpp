#include "actors/channel/stream_session.hpp"

#include <algorithm>
#include <optional>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Stored events; their JSON is what this entity always wrote.
struct started {
  static constexpr std::string_view type = "stream.started";
  static constexpr std::uint32_t schema = 1;
  std::string channel;
  std::string session;
};
void to_json(json& j, const started& e) {
  j = json{{"channel", e.channel}, {"session", e.session}};
}
void from_json(const json& j, started& e) {
  e.channel = j.value("channel", "");
  e.session = j.value("session", "");
}

struct peak_viewers {
  static constexpr std::string_view type = "stream.peak_viewers";
  static constexpr std::uint32_t schema = 1;
  std::uint32_t peak = 0;
};
void to_json(json& j, const peak_viewers& e) { j = json{{"peak", e.peak}}; }
void from_json(const json& j, peak_viewers& e) { e.peak = j.value("peak", std::uint32_t{0}); }

struct ended {
  static constexpr std::string_view type = "stream.ended";
  static constexpr std::uint32_t schema = 1;
};
void to_json(json& j, const ended&) { j = json::object(); }
void from_json(const json&, ended&) {}

struct stream_session_state {
  static constexpr std::string_view kind = "stream";
  static inline const char* name = "stream_session";
  using events = event_list<started, peak_viewers, ended>;

  stream_session_view view;

  void apply(const started& e, const event_meta& meta) {
    view.channel = e.channel;
    view.session_id = e.session;
    view.started_at_ms = meta.timestamp_ms;
    view.live = true;
  }
  void apply(const peak_viewers& e, const event_meta&) {
    view.peak_viewers = std::max(view.peak_viewers, e.peak);
  }
  void apply(const ended&, const event_meta& meta) {
    view.ended_at_ms = meta.timestamp_ms;
    view.live = false;
  }

  stream_session_view current(std::int64_t now_ms) const {
    auto out = view;
    auto end = view.live ? now_ms : view.ended_at_ms;
    out.duration_ms = std::max<std::int64_t>(0, end - view.started_at_ms);
    return out;
  }
};

using stream_actor = caf::stateful_actor<event_sourced<stream_session_state>>;

caf::behavior stream_behavior(stream_actor* self, caf::actor registry, storage::event_store* store,
                              std::string id, const runtime::clock* clock) {
  auto& st = self->state;
  if (auto err = st.activate(self, *store, id, {registry, clock, 60s, 300s}))
    return st.refuse(self, std::move(err));
  auto view = [self] { return self->state.current(self->state.clock().now_ms()); };
  auto require_exists = [self] {
    return self->state.require_exists(self,
                                      make_error(errc::not_found, "stream session not found"));
  };
  return {
    [self, id, view](create_atom, const std::string& channel) -> caf::result<stream_session_view> {
      auto& st = self->state;
      st.touch();
      if (st.exists())
        return make_error(errc::conflict, "stream session already started");
      auto prefix = channel + "-";
      if (channel.empty() || id.size() <= prefix.size() ||
          id.compare(0, prefix.size(), prefix) != 0)
        return make_error(errc::invalid_argument, "stream session id must be <channel>-<session>");
      if (auto err = st.emit(started{channel, id.substr(prefix.size())}))
        return err;
      return view();
    },
    [self, view, require_exists](get_atom) -> caf::result<stream_session_view> {
      self->state.touch();
      if (auto err = require_exists())
        return err;
      return view();
    },
    [self, view, require_exists](update_atom,
                                 std::uint32_t viewers) -> caf::result<stream_session_view> {
      auto& st = self->state;
      st.touch();
      if (auto err = require_exists())
        return err;
      if (st.view.live && viewers > st.view.peak_viewers)
        if (auto err = st.emit(peak_viewers{viewers}))
          return err;
      return view();
    },
    [self, view, require_exists](end_atom) -> caf::result<stream_session_view> {
      auto& st = self->state;
      st.touch();
      if (auto err = require_exists())
        return err;
      if (st.view.live)
        if (auto err = st.emit(ended{}))
          return err;
      return view();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

caf::actor spawn_stream_session(caf::actor_system& sys, const caf::actor& registry,
                                storage::event_store& store, const std::string& id,
                                const runtime::clock& clock) {
  return sys.spawn(stream_behavior, registry, &store, id, &clock);
}

std::string stream_session_id(const std::string& channel, const std::string& session_id) {
  return channel + "-" + session_id;
}

void add_stream_session_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                             const runtime::clock& clock) {
  kinds.factories["stream"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                               const std::string& id) {
    return spawn_stream_session(sys, registry, store, id, clock);
  };
}

}  // namespace aethex::actors
