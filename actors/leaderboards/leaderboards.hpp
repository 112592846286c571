// leaderboard/<game>: one game's leaderboard — ratings (Glicko-2) or best scores, ranked per
// window (weekly, monthly, all-time), with the previous window's ranks for "change", per-player
// stats and rating history, achievement badges and the game keys of integrations.
// Contract: docs/esports.md, section Leaderboards.
//
// Events: lb.created {"name","mode","order","owner"}, lb.key_added {"key_id","hash"},
// lb.key_removed {"key_id"}, lb.score {"player","score","stats"}, lb.match {"match_id","winner",
// "loser","draw","stats"}, lb.rolled {"window","start_ms"}, lb.badge {"player","badge","detail"},
// lb.badge_shown {"player","badge","show"}.
// Submissions are appended in batches (like actors/polls); snapshots are taken every few thousand
// events, so a leaderboard of a million players is not re-serialized on every submission.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

/// A match result (from tournaments, or from the matches route after its checks).
using lb_match_atom = caf::atom_constant<caf::atom("lbmatch")>;
/// A badge awarded from outside (tournaments: tournament_winner).
using lb_achievement_atom = caf::atom_constant<caf::atom("lbachieve")>;
using lb_create_atom = caf::atom_constant<caf::atom("lbcreate")>;
using lb_top_atom = caf::atom_constant<caf::atom("lbtop")>;
using lb_player_atom = caf::atom_constant<caf::atom("lbplayer")>;
using lb_stats_atom = caf::atom_constant<caf::atom("lbstats")>;
using lb_key_new_atom = caf::atom_constant<caf::atom("lbkeynew")>;
using lb_key_del_atom = caf::atom_constant<caf::atom("lbkeydel")>;
using lb_score_atom = caf::atom_constant<caf::atom("lbscore")>;
using lb_key_match_atom = caf::atom_constant<caf::atom("lbkeymatch")>;
using lb_tick_atom = caf::atom_constant<caf::atom("lbtick")>;
using lb_chat_show_atom = caf::atom_constant<caf::atom("lbchatshow")>;

/// Players per leaderboard; further new players are refused (invalid_argument "players").
inline constexpr std::size_t lb_players_max = 2'000'000;
/// Rating points kept per player (the oldest drop out).
inline constexpr std::size_t lb_history_max = 200;
/// Stat names per submission.
inline constexpr std::size_t lb_stats_max = 20;
/// Game keys per leaderboard.
inline constexpr std::size_t lb_keys_max = 10;
/// Leaderboards one owner may create (the admin is not limited).
inline constexpr std::size_t lb_per_owner_max = 20;

/// Protocol of leaderboard/<game>. Answers are JSON text (docs/esports.md). `caller` is the
/// principal's display name ("admin" for the admin token, which no account can be named).
///  (lb_create_atom, caller, body JSON)       -> leaderboard | conflict (exists) | invalid_argument
///  (get_atom)                                -> leaderboard {"game","name","mode","order",
///                                               "owner","players","windows"} | not_found
///  (lb_top_atom, window, offset, limit)      -> {"game",…,"window","window_start_ms","entries":
///                                               [{"rank","player","value","change"}]}
///  (lb_player_atom, player, window, around)  -> {"rank","player","value","change","neighbours":
///                                               [entry…]} | not_found (player not ranked)
///  (lb_stats_atom, player)                   -> {"matches","wins","losses","win_rate","rating",
///                                               "rating_history","stats","achievements"}
///  (lb_key_new_atom, caller)                 -> {"key_id","key"} (the key is shown only here)
///                                               | forbidden (not the owner) | invalid_argument
///  (lb_key_del_atom, caller, key_id)         -> {"deleted": key_id} | forbidden | not_found
///  (lb_score_atom, game key, body JSON)      -> the player's entry | unauthorized (no such key)
///                                               | conflict (rating board) | invalid_argument
///  (lb_key_match_atom, game key, caller, body JSON) -> as lb_match_atom, for the matches route:
///                                               a valid game key, or caller = owner/admin
///  (lb_match_atom, body JSON {"winner","loser","draw","match_id","stats"?})
///                                            -> {"winner": entry, "loser": entry} (entries of
///                                               the two players, all-time window) | not_found
///                                               (no such leaderboard) | invalid_argument;
///                                               idempotent by match_id (a repeat answers the
///                                               current entries and changes nothing)
///  (lb_achievement_atom, player, badge, detail JSON) -> {"awarded": bool} (false: already had
///                                               it) | not_found | invalid_argument (badge)
///  (lb_chat_show_atom, caller, player, badge, show 0|1) -> {"player","badge","show_in_chat"}:
///                                               the player's own choice to show a badge in
///                                               chat | forbidden (caller is not the player)
///                                               | not_found (no such badge)
///  (lb_tick_atom)                            -> {"rolled": [window…]} after rolling over windows
///                                               whose period ended on the clock
struct leaderboard_protocol {
  static constexpr std::string_view kind = "leaderboard";
  static std::string reply_to(lb_create_atom, std::string caller, std::string body);
  static std::string reply_to(get_atom);
  static std::string reply_to(lb_top_atom, std::string window, std::int64_t offset,
                              std::int64_t limit);
  static std::string reply_to(lb_player_atom, std::string player, std::string window,
                              std::int64_t around);
  static std::string reply_to(lb_stats_atom, std::string player);
  static std::string reply_to(lb_key_new_atom, std::string caller);
  static std::string reply_to(lb_key_del_atom, std::string caller, std::string key_id);
  static std::string reply_to(lb_score_atom, std::string key, std::string body);
  static std::string reply_to(lb_key_match_atom, std::string key, std::string caller,
                              std::string body);
  static std::string reply_to(lb_match_atom, std::string body);
  static std::string reply_to(lb_achievement_atom, std::string player, std::string badge,
                              std::string detail);
  static std::string reply_to(lb_chat_show_atom, std::string caller, std::string player,
                              std::string badge, std::int64_t show);
  static std::string reply_to(lb_tick_atom);
};

void add_leaderboard_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                          const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
