// team/<slug>: a team — its profile (name, tag, bio), roster (one captain + members), the
// captain's open invites, and the tournaments that lock its roster. Contract: docs/esports.md,
// section Teams.
//
// Events (JSON, schema 1): team.created {"slug","name","tag","bio","captain"},
// team.updated {"name"?,"tag"?,"bio"?}, team.invited {"user","by"},
// team.invite_accepted {"user"}, team.invite_declined {"user","by"},
// team.member_removed {"user","by","disbanded"} (kick or leave; "disbanded" when the last member
// left, which ends the team: its slug can be created again), team.captain_changed {"from","to"},
// team.locked {"tournament"}, team.unlocked {"tournament"}.
//
// Who may do what is checked here (it depends on the roster); the caller checks that a user it
// names exists (invites) and who the caller is.
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

using team_create_atom = caf::atom_constant<caf::atom("teamcreate")>;
using team_get_atom = caf::atom_constant<caf::atom("teamget")>;
using team_patch_atom = caf::atom_constant<caf::atom("teampatch")>;
using team_invite_atom = caf::atom_constant<caf::atom("teaminvite")>;
using team_accept_atom = caf::atom_constant<caf::atom("teamaccept")>;
using team_decline_atom = caf::atom_constant<caf::atom("teamdecl")>;
using team_remove_atom = caf::atom_constant<caf::atom("teamremove")>;
using team_captain_atom = caf::atom_constant<caf::atom("teamcapt")>;
using team_lock_atom = caf::atom_constant<caf::atom("teamlock")>;
using team_unlock_atom = caf::atom_constant<caf::atom("teamunlock")>;

namespace team_limits {
inline constexpr std::size_t slug_min = 3;  // a-z, 0-9, '_'
inline constexpr std::size_t slug_max = 25;
inline constexpr std::size_t name_max = 40;  // code points, after trimming white space
inline constexpr std::size_t tag_max = 6;
inline constexpr std::size_t bio_max = 500;
inline constexpr std::size_t roster_max = 20;        // members, the captain included
inline constexpr std::size_t open_invites_max = 20;  // per team
/// Tournaments locking one roster at a time (each lock is one running tournament).
inline constexpr std::size_t locks_max = 64;
}  // namespace team_limits

/// Whether `slug` is 3–25 characters of a–z, 0–9 and '_'.
bool valid_team_slug(std::string_view slug);

/// Protocol of team/<slug>. Team JSON (docs/esports.md): {"slug","name","tag","bio","captain",
/// "members":[{"user","role","joined_at_ms"}],"invites":[user],"locked_by":[tournament ids],
/// "created_at_ms"}; the entity always includes invites (routes show them to
/// the captain only). Errors carry a `reason` where docs/esports.md names one.
///  (team_create_atom, by, body JSON) -> team | conflict (exists) | invalid_argument | invalid_json
///      body {"name","tag"?,"bio"?} (the slug is the entity's id); `by` becomes captain
///  (team_get_atom)                   -> team | not_found
///  (team_patch_atom, by, patch JSON) -> team | not_found | forbidden (not captain)
///                                       | invalid_argument; keys name, tag, bio
///  (team_invite_atom, by, user)      -> team | not_found | forbidden | conflict (already a
///                                       member or invited; reason invites_full / roster_full)
///  (team_accept_atom, user)          -> team | not_found (team, or no invite for user)
///                                       | conflict (reason roster_locked / roster_full)
///  (team_decline_atom, by, user)     -> team | not_found (team, or no invite for user)
///                                       | forbidden; the invited user declines (by == user)
///                                       or the captain withdraws the invite
///  (team_remove_atom, by, user)      -> team | not_found (team, or user not a member)
///                                       | forbidden (by is neither captain nor user)
///                                       | conflict (reason roster_locked; captain_must_hand_over
///                                       when the captain leaves others behind). The last member
///                                       leaving disbands the team: the answer is then
///                                       {"slug","disbanded":true}.
///  (team_captain_atom, by, user)     -> team | not_found (user not a member) | forbidden
///  (team_lock_atom, tournament_id)   -> {"slug","captain","members":[user…]} (idempotent per
///                                       tournament) | not_found | conflict (locks_max)
///  (team_unlock_atom, tournament_id) -> {"locked_by":[…]} (idempotent; unknown team: [])
struct team_protocol {
  static constexpr std::string_view kind = "team";
  static std::string reply_to(team_create_atom, std::string by, std::string body);
  static std::string reply_to(team_get_atom);
  static std::string reply_to(team_patch_atom, std::string by, std::string patch);
  static std::string reply_to(team_invite_atom, std::string by, std::string user);
  static std::string reply_to(team_accept_atom, std::string user);
  static std::string reply_to(team_decline_atom, std::string by, std::string user);
  static std::string reply_to(team_remove_atom, std::string by, std::string user);
  static std::string reply_to(team_captain_atom, std::string by, std::string user);
  static std::string reply_to(team_lock_atom, std::string tournament_id);
  static std::string reply_to(team_unlock_atom, std::string tournament_id);
};

void add_team_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
