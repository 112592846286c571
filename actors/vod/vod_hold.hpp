// vodhold/<channel>: windows of time in which the channel's recordings are born private. A VOD
// whose recording starts inside one is created with privacy `private` in the same append as
// its vod.recorded, so there is no moment in which it is public. Another domain sets a window
// for something it protects (an attendee-only webinar: actors/webinars), keyed by its own name
// ("webinar/<id>"); the VOD domain knows nothing of why.
//
// Events: vodhold.set {"key","from_ms","to_ms"} (to_ms 0: the window is removed). Windows that
// ended before an event's time are forgotten when it is applied (deterministic on replay).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using vod_hold_atom = caf::atom_constant<caf::atom("vodhold")>;
using vod_held_atom = caf::atom_constant<caf::atom("vodheld")>;

inline constexpr std::size_t vod_holds_max = 64;     // windows per channel
inline constexpr std::size_t vod_hold_key_max = 64;  // characters of a key

/// Protocol of vodhold/<channel>:
///  (vod_hold_atom, key, from_ms, to_ms) -> true | invalid_argument (empty or long key, to <=
///      from) | conflict (vod_holds_max windows); to_ms 0 removes `key`'s window
///  (vod_held_atom, at_ms)               -> whether a recording starting at at_ms is born private
struct vod_hold_protocol {
  static constexpr std::string_view kind = "vodhold";
  static bool reply_to(vod_hold_atom, std::string key, std::int64_t from_ms, std::int64_t to_ms);
  static bool reply_to(vod_held_atom, std::int64_t at_ms);
};

void add_vod_hold_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                       const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
