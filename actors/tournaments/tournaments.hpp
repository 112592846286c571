// tournament/<id>: one tournament — settings, entrants, check-ins, reports, disputes, results,
// schedule, stream/VOD links and the prize pool. Contract: docs/esports.md, section Tournaments.
//
// The entity stores only inputs as events; the bracket (matches, standings, champion) is derived
// from them by compute_bracket (bracket.hpp) on every change, so an organizer's edit of an early
// result recomputes everything downstream.
//
// Events (JSON, schema 1): tournament.created {settings, "organizer", "entrants"},
// tournament.updated {patch}, tournament.entrant_added {"name","by"},
// tournament.entrant_removed {"name","by","reason": "withdrew"|"removed"|"no_check_in"},
// tournament.checked_in {"name"}, tournament.started {"seeds":[names],"rosters":{team:{...}}},
// tournament.withdrawn {"name"} (after start: forfeits every match left),
// tournament.reported {"match","side","winner","score","opponents"},
// tournament.result {"match","winner","score","opponents","forfeit","by"},
// tournament.scheduled {"match","at_ms"}, tournament.streams {"match","channels"},
// tournament.vod_linked {"match","channel","vod","offset_s"}, tournament.organizer_added {"user"},
// tournament.prize_funded {"transfer","amount"}, tournament.prize_paid {"payouts":[…]},
// tournament.canceled {"by"}, tournament.finished {"champion"} (the derived fact that the bracket
// finished, so the achievement, roster unlocks and the index happen once),
// tournament.indexed {summary + calendar + next_due_ms} (what the read model lists; written when
// it changed), notify.personal {"id","users","kind","title","link"} (a match reminder; the notify
// domain's read model stores it in each user's inbox).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using trn_create_atom = caf::atom_constant<caf::atom("trncreate")>;
using trn_get_atom = caf::atom_constant<caf::atom("trnget")>;
using trn_patch_atom = caf::atom_constant<caf::atom("trnpatch")>;
using trn_enter_atom = caf::atom_constant<caf::atom("trnenter")>;
using trn_leave_atom = caf::atom_constant<caf::atom("trnleave")>;
using trn_checkin_atom = caf::atom_constant<caf::atom("trncheck")>;
using trn_start_atom = caf::atom_constant<caf::atom("trnstart")>;
using trn_result_atom = caf::atom_constant<caf::atom("trnresult")>;
using trn_report_atom = caf::atom_constant<caf::atom("trnreport")>;
using trn_forfeit_atom = caf::atom_constant<caf::atom("trnforfeit")>;
using trn_schedule_atom = caf::atom_constant<caf::atom("trnsched")>;
using trn_streams_atom = caf::atom_constant<caf::atom("trnstreams")>;
using trn_organizer_atom = caf::atom_constant<caf::atom("trnorg")>;
using trn_cancel_atom = caf::atom_constant<caf::atom("trncancel")>;
using trn_fund_atom = caf::atom_constant<caf::atom("trnfund")>;
using trn_pay_atom = caf::atom_constant<caf::atom("trnpay")>;
using trn_ical_atom = caf::atom_constant<caf::atom("trnical")>;
using trn_tick_atom = caf::atom_constant<caf::atom("trntick")>;
using trn_vod_atom = caf::atom_constant<caf::atom("trnvod")>;

namespace tournament_limits {
inline constexpr std::size_t name_max = 80;  // code points, trimmed
inline constexpr std::size_t description_max = 2000;
inline constexpr std::size_t entrants_max = 256;
inline constexpr std::size_t co_organizers_max = 10;
inline constexpr std::size_t channels_per_match_max = 4;
/// Tournaments one organizer has open (registration or running) at once.
inline constexpr std::size_t open_per_organizer_max = 20;
inline constexpr std::int64_t check_in_minutes_max = 1440;
inline constexpr std::size_t prize_places_max = 16;
/// Personal reminders go this long before a scheduled match.
inline constexpr std::int64_t reminder_before_ms = 15 * 60'000;
/// After a match with stream channels is settled, its VODs are looked for this long after it
/// (the VOD of a live session appears when recording starts and grows while it runs).
inline constexpr std::int64_t vod_lookups_ms[] = {2 * 60'000, 10 * 60'000, 60 * 60'000,
                                                  6 * 60 * 60'000};
inline constexpr std::size_t id_length = 10;  // a-z0-9
}  // namespace tournament_limits

/// Whether `id` looks like a tournament id (10 of a-z0-9).
bool valid_tournament_id(std::string_view id);
/// A fresh random tournament id.
std::string new_tournament_id();

/// Protocol of tournament/<id>. `by` is "admin" for the admin token, else the account name;
/// answers are tournament JSON text (docs/esports.md) unless said otherwise. Who may do what is
/// decided here (organizers, sides); the routes check only that the caller is signed in.
///  (trn_create_atom, by, body JSON)          -> tournament | conflict (exists) | invalid_argument
///  (trn_get_atom)                            -> tournament | not_found
///  (trn_patch_atom, by, patch JSON)          -> tournament | forbidden | conflict (started)
///  (trn_enter_atom, by, body JSON)           -> tournament: {"name"} by an organizer, {} (self)
///                                               or {"team"} (the team's captain) | conflict
///  (trn_leave_atom, by, name)                -> tournament (withdraw before start, forfeit-all
///                                               after)
///  (trn_checkin_atom, by, body JSON)         -> tournament ({"team"?}) | conflict (window)
///  (trn_start_atom, by)                      -> tournament (locks rosters) | conflict
///  (trn_result_atom, by, match, body JSON)   -> tournament; organizer {"winner","score"}
///  (trn_report_atom, by, match, body JSON)   -> tournament; a side {"winner","score"}
///  (trn_forfeit_atom, by, match, body JSON)  -> tournament; {"entrant"} by that side or an
///                                               organizer
///  (trn_schedule_atom, by, match, body JSON) -> tournament; organizer {"at"}
///  (trn_streams_atom, by, match, body JSON)  -> tournament; organizer {"channels"}
///  (trn_organizer_atom, by, user)            -> tournament
///  (trn_cancel_atom, by)                     -> tournament
///  (trn_fund_atom, by, amount)               -> tournament (admin: into the pool)
///  (trn_pay_atom, by)                        -> tournament with prize_pool.payouts
///  (trn_ical_atom)                           -> iCalendar text | not_found
///  (trn_tick_atom)                           -> {"id","state","next_due_ms","vods_wanted":
///                                               [{"match","channel","at_ms"}]} after closing a
///                                               due check-in and sending due reminders
///  (trn_vod_atom, match, channel, vod, offset_s) -> tournament (links a settled match's VOD;
///                                               the ticker finds it for a vods_wanted entry)
///  (room_host_atom)                          -> channel_view of the tournament's chat room
///                                               (actors/chat/chat_room.hpp)
struct tournament_protocol {
  static constexpr std::string_view kind = "tournament";
  static std::string reply_to(trn_create_atom, std::string by, std::string body);
  static std::string reply_to(trn_get_atom);
  static std::string reply_to(trn_patch_atom, std::string by, std::string patch);
  static std::string reply_to(trn_enter_atom, std::string by, std::string body);
  static std::string reply_to(trn_leave_atom, std::string by, std::string name);
  static std::string reply_to(trn_checkin_atom, std::string by, std::string body);
  static std::string reply_to(trn_start_atom, std::string by);
  static std::string reply_to(trn_result_atom, std::string by, std::string match, std::string body);
  static std::string reply_to(trn_report_atom, std::string by, std::string match, std::string body);
  static std::string reply_to(trn_forfeit_atom, std::string by, std::string match,
                              std::string body);
  static std::string reply_to(trn_schedule_atom, std::string by, std::string match,
                              std::string body);
  static std::string reply_to(trn_streams_atom, std::string by, std::string match,
                              std::string body);
  static std::string reply_to(trn_organizer_atom, std::string by, std::string user);
  static std::string reply_to(trn_cancel_atom, std::string by);
  static std::string reply_to(trn_fund_atom, std::string by, std::int64_t amount);
  static std::string reply_to(trn_pay_atom, std::string by);
  static std::string reply_to(trn_ical_atom);
  static std::string reply_to(trn_tick_atom);
  static std::string reply_to(trn_vod_atom, std::string match, std::string channel, std::string vod,
                              std::int64_t offset_s);
};

void add_tournament_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
