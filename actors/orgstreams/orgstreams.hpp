// orgstreams/<slug>: an org's multi-streamer policy (docs/organisations.md, "Multi-streamer
// management") — shared moderators, the shared ban list, go-live rules with per-member stream
// keys, and the org schedule. Other domains include this header: the channel checks a member key
// at ingest through it, and chat rooms receive the policy it pushes (chat_org_atom).
//
// Events (JSON, schema 1): orgstreams.moderator_added {"user","by"}, .moderator_removed
// {"user","by"}, .banned {"user","reason","by"}, .unbanned {"user","by"}, .rule_set
// {"channel","members":[user],"by"}, .key_issued {"channel","member","digest"} (SHA-256 of the
// key; the key itself is shown once and never stored), .key_revoked {"channel","member"},
// .scheduled {"id","channel","title","starts_at_ms","duration_min","streamer"},
// .unscheduled {"id"}, .went_live {"channel","member","session"}, .emotes_set {"codes":[code]}
// (the org's shared emote codes after a change of emotes/org-<slug>, which holds the images).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

/// (orgs_get_atom, caller) -> policy JSON (orgstreams_protocol); asks org/<slug> who the caller is.
using orgs_get_atom = caf::atom_constant<caf::atom("orgsget")>;
/// (orgs_change_atom, caller, command JSON) -> policy JSON | forbidden | not_found | ...
using orgs_change_atom = caf::atom_constant<caf::atom("orgschange")>;
/// (orgs_key_atom, channel, key, session) -> member name | unauthorized: ingest's check of a
/// member key (the channel asks when a key is not its own).
using orgs_key_atom = caf::atom_constant<caf::atom("orgskey")>;
/// (orgs_ics_atom) -> the schedule as iCalendar text (public).
using orgs_ics_atom = caf::atom_constant<caf::atom("orgsics")>;
/// (orgs_live_atom) -> JSON {channel: {"member","session","since_ms"}}: the last member-key
/// go-live per channel (whether that session is still live is the channel's to say).
using orgs_live_atom = caf::atom_constant<caf::atom("orgslive")>;
/// (orgs_emote_atom, caller, op, code, image) -> the org's shared emotes (actors/emotes set
/// emotes/org-<slug>): op "list" (anyone; {"org","emotes":[emote…],"limits"}), "add" (the
/// image's bytes; -> the emote) or "delete" (-> {"deleted": code}) for owners and admins. A
/// change is pushed to every org channel's room with the policy ("emotes": [code]).
using orgs_emote_atom = caf::atom_constant<caf::atom("orgsemote")>;
/// (orgs_sync_atom) -> JSON {"channels":[name]}: pushes the policy to every org channel's room.
using orgs_sync_atom = caf::atom_constant<caf::atom("orgssync")>;

namespace orgstreams_limits {
inline constexpr std::size_t moderators_max = 100;
inline constexpr std::size_t bans_max = 10'000;
inline constexpr std::size_t reason_max = 500;             // code points
inline constexpr std::size_t rule_members_max = 100;       // allowed streamers per channel
inline constexpr std::size_t schedule_upcoming_max = 500;  // entries not yet over
inline constexpr std::size_t title_max = 200;
inline constexpr std::int64_t duration_min_max = 24 * 60;
}  // namespace orgstreams_limits

/// A member key reads "live_<channel>_o.<slug>.<secret>", so ingest routes it to its channel
/// (channel_of_stream_key) and the channel to the org. Empty when `key` is not one.
std::string org_of_member_key(std::string_view key);

/// The protocol of orgstreams/<slug>. The command JSON of orgs_change_atom is
/// {"op": "add_moderator"|"remove_moderator"|"ban"|"unban"|"set_rule"|"rotate_key"|
///  "schedule"|"unschedule", ...fields}; callers are user names, or "" for the site admin.
struct orgstreams_protocol {
  static constexpr std::string_view kind = "orgstreams";
  static std::string reply_to(orgs_get_atom, std::string caller);
  static std::string reply_to(orgs_change_atom, std::string caller, std::string command);
  static std::string reply_to(orgs_key_atom, std::string channel, std::string key,
                              std::string session);
  static std::string reply_to(orgs_ics_atom);
  static std::string reply_to(orgs_sync_atom);
  static std::string reply_to(orgs_live_atom);
  static std::string reply_to(orgs_emote_atom, std::string caller, std::string op, std::string code,
                              std::string image);
};

void add_orgstreams_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
