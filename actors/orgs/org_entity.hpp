// org/<slug> and orgdomain/<host>: the orgs domain's entities (docs/organisations.md). Other
// domains use only orgs.hpp (org_get_atom, org_role_atom); the rest is the domain's own.
//
// Events of org/<slug> (JSON, schema 1): org.created {"slug","name","description","owner"},
// org.updated {"name"?,"description"?}, org.deleted {"by"}, org.invited {"user","role","by",
// "expires_at_ms"}, org.invitation_closed {"user","outcome": accepted|declined|expired},
// org.member_set {"user","role"}, org.member_removed {"user","by"}, org.owner_changed
// {"from","to"} (the old owner becomes admin), org.channel_attached / org.channel_detached
// {"channel"}, org.branding_set {"display_name"?,"description"?,"primary"?,"accent"?},
// org.logo_set {"content_type","data" (base64)}, org.logo_cleared {}, org.domain_set
// {"domain" ("" when none)}, and notify.personal (an invitation's notice, docs of actors/notify).
#pragma once

#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "actors/orgs/orgs.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using org_create_atom = caf::atom_constant<caf::atom("orgcreate")>;
using org_cmd_atom = caf::atom_constant<caf::atom("orgcmd")>;
using org_logo_atom = caf::atom_constant<caf::atom("orglogo")>;
using org_claim_atom = caf::atom_constant<caf::atom("orgclaim")>;
using org_release_atom = caf::atom_constant<caf::atom("orgrelease")>;

/// Protocol of org/<slug>. Answers are JSON text; errors carry a reason where one is named.
///  (org_create_atom, by, body {"slug"?,"name","description"?}) -> org | conflict (org_exists:
///      the slug exists or existed) | invalid_argument | invalid_json
///  (org_get_atom)          -> org JSON (orgs.hpp) | not_found
///  (org_role_atom, user)   -> role or ""
///  (org_cmd_atom, by, site_admin, op, body JSON) -> org JSON with "invitations" | error. Ops:
///      "update" {"name"?,"description"?}, "delete" {}, "invite" {"user","role"},
///      "accept" {} (by is the invitee), "decline" {"user"} (invitee, or an admin withdraws),
///      "remove" {"user"} (a manager, or the member leaving), "set_role" {"user","role"},
///      "transfer" {"user"}, "attach"/"detach" {"channel","channel_owner"}, "branding" {…},
///      "logo" {"data" base64} (checked bytes), "logo_clear" {}, "domain" {"domain" host|""}
///      (answers {"previous": old host}; the orgdomain claim is the caller's), "read" {} (the
///      member view: read_members).
///  (org_logo_atom)         -> {"content_type","data" base64} | not_found (no org or no logo)
struct org_protocol {
  static constexpr std::string_view kind = "org";
  static std::string reply_to(org_create_atom, std::string by, std::string body);
  static std::string reply_to(org_get_atom);
  static std::string reply_to(org_role_atom, std::string user);
  static std::string reply_to(org_cmd_atom, std::string by, bool site_admin, std::string op,
                              std::string body);
  static std::string reply_to(org_logo_atom);
};

/// Protocol of orgdomain/<host>: who holds a custom domain. One actor per host serialises the
/// claims, so two orgs racing for a host cannot both win.
///  (org_get_atom)                         -> holder slug or ""
///  (org_claim_atom, slug, stale_holder)   -> holder after the claim: `slug` when the host was
///      free, already `slug`'s, or held by `stale_holder` (a holder the caller checked no longer
///      uses it: compare-and-set); else the other holder (the caller answers 409)
///  (org_release_atom, slug)               -> holder after ("" when `slug` held it)
struct org_domain_protocol {
  static constexpr std::string_view kind = "orgdomain";
  static std::string reply_to(org_get_atom);
  static std::string reply_to(org_claim_atom, std::string slug, std::string stale_holder);
  static std::string reply_to(org_release_atom, std::string slug);
};

void add_org_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
