#include "actors/vod/vod_hold.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

struct hold_set {
  static constexpr std::string_view type = "vodhold.set";
  static constexpr std::uint32_t schema = 1;
  std::string key;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};
void to_json(json& j, const hold_set& e) {
  j = json{{"key", e.key}, {"from_ms", e.from_ms}, {"to_ms", e.to_ms}};
}
void from_json(const json& j, hold_set& e) {
  e.key = j.value("key", "");
  e.from_ms = j.value("from_ms", std::int64_t{0});
  e.to_ms = j.value("to_ms", std::int64_t{0});
}

struct vodhold_state {
  static constexpr std::string_view kind = "vodhold";
  using events = event_list<hold_set>;

  std::map<std::string, std::pair<std::int64_t, std::int64_t>> windows;

  void apply(const hold_set& e, const event_meta& meta) {
    std::erase_if(windows, [&](const auto& w) { return w.second.second < meta.timestamp_ms; });
    if (e.to_ms == 0)
      windows.erase(e.key);
    else
      windows[e.key] = {e.from_ms, e.to_ms};
  }

  bool held(std::int64_t at_ms) const {
    for (const auto& [key, w] : windows)
      if (at_ms >= w.first && at_ms < w.second)
        return true;
    return false;
  }

  std::string snapshot() const {
    json list = json::array();
    for (const auto& [key, w] : windows)
      list.push_back(json{{"key", key}, {"from_ms", w.first}, {"to_ms", w.second}});
    return json{{"windows", list}}.dump();
  }
  void restore(const std::string& text) {
    windows.clear();
    auto j = json::parse(text);
    for (const auto& w : j.at("windows"))
      windows[w.at("key").get<std::string>()] = {w.at("from_ms").get<std::int64_t>(),
                                                 w.at("to_ms").get<std::int64_t>()};
  }
};

using vodhold_actor = caf::stateful_actor<event_sourced<vodhold_state>>;

caf::result<bool> set_hold(vodhold_actor* self, const std::string& key, std::int64_t from_ms,
                           std::int64_t to_ms) {
  auto& st = self->state;
  st.touch();
  if (key.empty() || key.size() > vod_hold_key_max)
    return make_error(errc::invalid_argument, "a hold's key is 1-64 characters");
  if (to_ms != 0 && to_ms <= from_ms)
    return make_error(errc::invalid_argument, "a hold ends after it starts");
  auto it = st.windows.find(key);
  if (to_ms == 0 && it == st.windows.end())
    return true;
  if (it != st.windows.end() && it->second == std::pair{from_ms, to_ms})
    return true;
  if (it == st.windows.end() && to_ms != 0 && st.windows.size() >= vod_holds_max) {
    // Ended windows go with the next event; only live ones count against the limit.
    auto now = st.clock().now_ms();
    auto live = std::count_if(st.windows.begin(), st.windows.end(),
                              [now](const auto& w) { return w.second.second >= now; });
    if (static_cast<std::size_t>(live) >= vod_holds_max)
      return make_error(errc::conflict, "the channel has too many VOD holds");
  }
  if (auto err = st.emit(hold_set{key, from_ms, to_ms}))
    return err;
  return true;
}

caf::behavior vodhold_behavior(vodhold_actor* self, caf::actor registry,
                               storage::event_store* store, std::string channel,
                               const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = 64;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](vod_hold_atom, const std::string& key, std::int64_t from_ms, std::int64_t to_ms) {
      return set_hold(self, key, from_ms, to_ms);
    },
    [self](vod_held_atom, std::int64_t at_ms) {
      self->state.touch();
      return self->state.held(at_ms);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_vod_hold_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                       const runtime::clock& clock) {
  kinds.factories["vodhold"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                                const std::string& channel) {
    return sys.spawn(vodhold_behavior, registry, &store, channel, &clock);
  };
}

}  // namespace aethex::actors
