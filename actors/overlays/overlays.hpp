// overlays/<channel>: a channel's OBS browser-source overlays (docs/obs.md, docs/api.md#overlays).
// Holds the channel's overlay token and the "now playing" line the now_playing overlay shows.
//
// The token is a random 256-bit capability in the overlay URLs (/overlay/<channel>/<kind>?token=…).
// What it protects: the overlay pages of the kinds below render only with it, and their config
// (GET /overlays/{channel}/{kind}) answers only to it (403 overlay_token otherwise); rotating it
// turns every URL given out so far into a refusal at once. What an overlay shows is public anyway
// (the channel's room frames), so the token is about the owner controlling which pages render the
// overlays, not secrecy. It is stored as it is (the owner sees it again in the dashboard, as with
// the stream key), compared in constant time, never logged and never shown in the console.
//
// Events: overlays.token {token} (issued on the owner's first read, or rotated),
// overlays.now_playing {title, artist} (both empty: cleared), overlays.goals {followers} (0: none).
//
// Frames to the channel's chat room (chat_relay_atom): {"type":"now_playing","title","artist",
// "at_ms"} on every change, so open now_playing overlays update live; {"type":"overlay_goals",
// "followers"} when the follower goal changes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using overlays_token_atom = caf::atom_constant<caf::atom("ovtoken")>;
using overlays_rotate_atom = caf::atom_constant<caf::atom("ovrotate")>;
using overlays_check_atom = caf::atom_constant<caf::atom("ovcheck")>;
using overlays_playing_atom = caf::atom_constant<caf::atom("ovplaying")>;
using overlays_set_playing_atom = caf::atom_constant<caf::atom("ovplayset")>;
using overlays_goals_atom = caf::atom_constant<caf::atom("ovgoals")>;
using overlays_set_goals_atom = caf::atom_constant<caf::atom("ovgoalset")>;

/// One overlay: its kind (the URL's last segment), the browser-source size OBS should use, and
/// its title in the dashboard.
struct overlay_kind {
  std::string_view kind;
  int width;
  int height;
  std::string_view title;
};

/// Every overlay a channel has (docs/obs.md#overlays).
inline constexpr std::array<overlay_kind, 7> overlay_kinds{{
  {"chat", 400, 600, "Chat"},
  {"alerts", 800, 600, "Alerts"},
  {"polls", 800, 600, "Polls"},
  {"predictions", 800, 600, "Predictions"},
  {"hype_train", 1280, 200, "Hype train"},
  {"now_playing", 800, 160, "Now playing"},
  {"goals", 1280, 260, "Goals"},
}};

const overlay_kind* find_overlay_kind(std::string_view kind);

struct overlay_limits {
  static constexpr std::size_t token_bytes = 32;  // 64 hex characters
  static constexpr std::size_t max_title = 120;   // code points, now playing
  static constexpr std::size_t max_artist = 120;
  static constexpr std::int64_t max_goal = 100'000'000;  // followers
};

/// Protocol of overlays/<channel>; JSON text in and out. The caller checked who asks.
///  (overlays_token_atom)            -> {"token"}: the owner's view; issues one the first time
///  (overlays_rotate_atom)           -> {"token"}: a new one; the old one stops working
///  (overlays_check_atom, token)     -> {"now_playing": {...}|null, "goals": {"followers"}}
///                                      | forbidden (wrong or none)
///  (overlays_playing_atom)          -> {"title","artist","at_ms"} or null
///  (overlays_set_playing_atom, body)-> the same after the change | invalid_argument
///  (overlays_goals_atom)            -> {"followers": n|null}: the goals overlay's follower goal
///  (overlays_set_goals_atom, body)  -> the same after the change | invalid_argument
struct overlays_protocol {
  static constexpr std::string_view kind = "overlays";
  static std::string reply_to(overlays_token_atom);
  static std::string reply_to(overlays_rotate_atom);
  static std::string reply_to(overlays_check_atom, std::string token);
  static std::string reply_to(overlays_playing_atom);
  static std::string reply_to(overlays_set_playing_atom, std::string body);
  static std::string reply_to(overlays_goals_atom);
  static std::string reply_to(overlays_set_goals_atom, std::string body);
};

void add_overlays_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                       const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
