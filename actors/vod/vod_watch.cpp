#include "actors/vod/vod_watch.hpp"

#include <algorithm>
#include <cmath>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/vod/vod_events.hpp"
#include "runtime/errors.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using vod_events::watch_progressed;

// A player reports every few seconds: snapshots keep the activation short.
constexpr std::uint64_t watch_snapshot_every = 64;

std::int64_t to_ms(double seconds) { return std::llround(seconds * 1000.0); }

struct vodwatch_state {
  static constexpr std::string_view kind = "vodwatch";
  using events = event_list<watch_progressed>;

  vodwatch_view view;

  void apply(const watch_progressed& e, const event_meta& meta) {
    std::erase_if(view.entries, [&](const watch_entry& w) { return w.vod == e.vod; });
    view.entries.insert(view.entries.begin(), watch_entry{e.vod, to_ms(e.position_s),
                                                          to_ms(e.duration_s), meta.timestamp_ms});
    if (view.entries.size() > max_watched)
      view.entries.resize(max_watched);
  }

  std::string snapshot() const {
    json list = json::array();
    for (auto& w : view.entries)
      list.push_back(json{{"vod", w.vod},
                          {"position_ms", w.position_ms},
                          {"duration_ms", w.duration_ms},
                          {"at_ms", w.at_ms}});
    return json{{"entries", list}}.dump();
  }
  void restore(const std::string& text) {
    view.entries.clear();
    auto j = json::parse(text);  // outlives the loop (a temporary's member would not)
    for (auto& w : j.at("entries"))
      view.entries.push_back(watch_entry{
        w.at("vod").get<std::string>(), w.at("position_ms").get<std::int64_t>(),
        w.at("duration_ms").get<std::int64_t>(), w.at("at_ms").get<std::int64_t>()});
  }
};

using vodwatch_actor = caf::stateful_actor<event_sourced<vodwatch_state>>;

caf::behavior vodwatch_behavior(vodwatch_actor* self, caf::actor registry,
                                storage::event_store* store, std::string user,
                                const runtime::clock* clock) {
  auto& st = self->state;
  st.view.user = user;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = watch_snapshot_every;
  if (auto err = st.activate(self, *store, user, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](vod_watch_atom, const std::string& vod, std::int64_t position_ms,
           std::int64_t duration_ms) -> caf::result<watch_entry> {
      auto& st = self->state;
      st.touch();
      if (!actors::vod_files::valid_id(vod))
        return make_error(errc::invalid_argument, "a VOD id is 12 lower-case hex digits");
      if (position_ms < 0 || duration_ms < 0)
        return make_error(errc::invalid_argument, "position_s must be a number >= 0");
      if (auto err = st.emit(watch_progressed{vod, static_cast<double>(position_ms) / 1000.0,
                                              static_cast<double>(duration_ms) / 1000.0}))
        return err;
      return st.view.entries.front();
    },
    [self](get_atom) -> vodwatch_view { return self->state.answer_read(self, self->state.view); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_vodwatch_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                       const runtime::clock& clock) {
  kinds.factories["vodwatch"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                                 const std::string& user) {
    return sys.spawn(vodwatch_behavior, registry, &store, user, &clock);
  };
}

}  // namespace aethex::actors
