// vodwatch/<user>: where a signed-in user stopped in the VODs they watched, for "continue
// watching". Bounded to the `max_watched` most recently watched VODs: an older one is dropped.
//
// Events: watch.progressed {"vod","position_s","duration_s"}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using vod_watch_atom = caf::atom_constant<caf::atom("vodwatch")>;

inline constexpr std::size_t max_watched = 100;

/// Positions in milliseconds: CAF 0.17 corrupts NaN/Inf floats on the wire.
struct watch_entry {
  std::string vod;
  std::int64_t position_ms = 0;
  std::int64_t duration_ms = 0;  // the VOD's length when the position was stored
  std::int64_t at_ms = 0;        // when
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_entry& x) {
  return f(caf::meta::type_name("watch_entry"), x.vod, x.position_ms, x.duration_ms, x.at_ms);
}

/// Most recently watched first.
struct vodwatch_view {
  std::string user;
  std::vector<watch_entry> entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vodwatch_view& x) {
  return f(caf::meta::type_name("vodwatch_view"), x.user, x.entries);
}

/// Protocol of vodwatch/<user>:
///  (vod_watch_atom, vod, position_ms, duration_ms) -> watch_entry | invalid_argument
///  (get_atom)                                      -> vodwatch_view (empty for a new user)
/// The caller checks that the user may see the VOD.
struct vodwatch_protocol {
  static constexpr std::string_view kind = "vodwatch";
  static watch_entry reply_to(vod_watch_atom, std::string vod, std::int64_t position_ms,
                              std::int64_t duration_ms);
  static vodwatch_view reply_to(get_atom);
};

void add_vodwatch_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                       const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
