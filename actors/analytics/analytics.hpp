// analytics/<channel>: turns the watch heartbeats of a channel's viewers into one
// `analytics.minute` event per minute (docs/analytics.md has the watch-time rule).
//
// Players send a beat when playback starts, every 15 s while it plays and one with `ended` when
// it stops. Per viewer key (the user name when signed in, else the player's viewer id) the beats
// form spans: a beat within 45 s of the previous one continues the span and credits the gap; a
// longer gap (or none before) starts a span, which is a view. Open spans and the figures of the
// current minute live in memory only; a minute is written once it is over, at the first beat or
// tick after its end, and holds the minute's peak of open spans, each viewer's watch seconds and
// the views started in it.
//
// Events: analytics.minute {minute_ms, peak_viewers, watch_s: {key: s}, views: [{viewer, source,
// referrer}], extra_views: {source: n}} (extra_views: views beyond the per-minute list's bound).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using analytics_beat_atom = caf::atom_constant<caf::atom("anbeat")>;
/// Closes the minutes that are over (as of the entity's clock) and answers how many it wrote.
using analytics_tick_atom = caf::atom_constant<caf::atom("antick")>;
/// Writes what the current minute counted so far at once (tests, operators); the rest of the
/// minute goes into a second event for it, which readers add up.
using analytics_flush_atom = caf::atom_constant<caf::atom("anflush")>;

namespace analytics_limits {
/// A beat continues its span when it comes at most this long after the previous one.
inline constexpr std::int64_t span_gap_ms = 45'000;
/// Open spans per channel; a beat that would open one more is refused (busy).
inline constexpr std::size_t max_open_spans = 20'000;
/// Views listed per minute event; more are counted per source in extra_views.
inline constexpr std::size_t max_minute_views = 20'000;
/// Viewers with watch seconds per minute event; the seconds of more go to the key "~other".
inline constexpr std::size_t max_minute_watchers = 40'000;
inline constexpr std::size_t max_viewer_chars = 64;
inline constexpr std::size_t max_referrer_chars = 200;
inline constexpr std::int64_t minute_ms = 60'000;
}  // namespace analytics_limits

/// One heartbeat as the entity takes it: `viewer` is already the viewer key ("u:<user>" for a
/// signed-in user, "v:<viewer id>" otherwise), `source` one of the sources below.
struct watch_beat {
  std::string viewer;
  std::string source;
  std::string referrer;
  bool ended = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_beat& x) {
  return f(caf::meta::type_name("watch_beat"), x.viewer, x.source, x.referrer, x.ended);
}

/// What analytics/<channel> holds in memory now (the console's `get`).
struct analytics_live_view {
  std::string channel;
  std::uint32_t open_spans = 0;
  std::int64_t minute_ms = 0;  // the minute being counted; 0 when none
  std::uint32_t minute_peak = 0;
  std::uint64_t minute_watch_s = 0;
  std::uint32_t minute_views = 0;
  std::int64_t last_written_minute_ms = 0;  // the last minute event's minute; 0 when none
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, analytics_live_view& x) {
  return f(caf::meta::type_name("analytics_live_view"), x.channel, x.open_spans, x.minute_ms,
           x.minute_peak, x.minute_watch_s, x.minute_views, x.last_written_minute_ms);
}

/// Protocol of analytics/<channel> (the channel's existence is the caller's check):
///  (analytics_beat_atom, watch_beat) -> bool true | rate_limited ("busy": too many open spans)
///     | invalid_argument
///  (analytics_tick_atom)             -> std::uint32_t minute events written
///  (analytics_flush_atom)            -> std::uint32_t minute events written (0 or 1)
///  (get_atom)                        -> analytics_live_view
struct analytics_protocol {
  static constexpr std::string_view kind = "analytics";
  static bool reply_to(analytics_beat_atom, watch_beat beat);
  static std::uint32_t reply_to(analytics_tick_atom);
  static std::uint32_t reply_to(analytics_flush_atom);
  static analytics_live_view reply_to(get_atom);
};

void add_analytics_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock = runtime::system_clock());

/// direct | browse | search | following | notification | raid | embed | external.
bool valid_watch_source(std::string_view source);
/// 1-64 characters of [A-Za-z0-9_-].
bool valid_viewer_id(std::string_view viewer);

}  // namespace aethex::actors
