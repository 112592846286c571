// The public face of the orgs domain for other domains (docs/organisations.md, "Public header"):
// the two asks of org/<slug> any domain may send, the role matrix as one function, and the read
// model's table and query names. Everything else about org/<slug> is the orgs domain's own
// (actors/orgs/org_entity.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include <caf/atom.hpp>

namespace aethex::actors {

/// (org_get_atom) -> JSON {"slug","name","description","owner","members":[{"user","role"}],
/// "channels":[name],"branding":{...}} | not_found (no such org, or deleted).
using org_get_atom = caf::atom_constant<caf::atom("orgget")>;
/// (org_role_atom, std::string user) -> the user's role ("owner", "admin", "instructor",
/// "member") or "" when the user is not a member (or the org does not exist).
using org_role_atom = caf::atom_constant<caf::atom("orgrole")>;

/// One value per row of the contract's role table, in its order.
enum class org_action {
  read_public,       // the org's public page: name, branding, channels
  read_members,      // the member list
  manage_members,    // invite / remove members, change roles below one's own
  govern,            // make someone admin, transfer ownership, delete the org
  manage_channels,   // attach / detach a channel (also needs the channel's own owner)
  edit_branding,     // branding and custom domain
  multistream,       // shared mods, bans, emotes, go-live rules, schedule
  analytics,         // org analytics and export
  create_education,  // courses and webinars on org channels
};

inline constexpr std::array<org_action, 9> all_org_actions = {
  org_action::read_public, org_action::read_members,    org_action::manage_members,
  org_action::govern,      org_action::manage_channels, org_action::edit_branding,
  org_action::multistream, org_action::analytics,       org_action::create_education,
};

/// Role names, strongest first. "" is an outsider (not a member).
inline constexpr std::string_view org_role_owner = "owner";
inline constexpr std::string_view org_role_admin = "admin";
inline constexpr std::string_view org_role_instructor = "instructor";
inline constexpr std::string_view org_role_member = "member";

/// The rank of a role: owner 4, admin 3, instructor 2, member 1; anything else (outsider) 0.
constexpr int org_role_rank(std::string_view role) {
  if (role == org_role_owner)
    return 4;
  if (role == org_role_admin)
    return 3;
  if (role == org_role_instructor)
    return 2;
  if (role == org_role_member)
    return 1;
  return 0;
}

/// Whether `role` ("" for an outsider) may do `action` — the contract's table. The site admin
/// is not a role: callers let the admin token through before asking.
constexpr bool org_role_allows(std::string_view role, org_action action) {
  auto rank = org_role_rank(role);
  switch (action) {
    case org_action::read_public: return true;
    case org_action::read_members: return rank >= 1;
    case org_action::create_education: return rank >= 2;
    case org_action::manage_members:
    case org_action::manage_channels:
    case org_action::edit_branding:
    case org_action::multistream:
    case org_action::analytics: return rank >= 3;
    case org_action::govern: return rank >= 4;
  }
  return false;
}

/// Whether a slug is `[a-z0-9][a-z0-9-]{1,31}`.
constexpr bool valid_org_slug(std::string_view slug) {
  if (slug.size() < 2 || slug.size() > 32)
    return false;
  for (std::size_t i = 0; i < slug.size(); ++i) {
    char c = slug[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || c != '-'))
      return false;
  }
  return true;
}

namespace org_limits {
inline constexpr std::size_t members_max = 5000;
inline constexpr std::size_t channels_max = 200;
inline constexpr std::size_t pending_invitations_max = 500;
inline constexpr std::size_t orgs_per_user_max = 100;
inline constexpr std::size_t description_max = 2000;  // code points
inline constexpr std::size_t logo_bytes_max = 1024 * 1024;
}  // namespace org_limits

/// The read model (SQLite, kept by the orgs projection). Other domains read it through
/// node_env::query with the query names below, never with SQL of their own.
inline constexpr std::string_view org_members_table = "org_members";    // (org, user, role)
inline constexpr std::string_view org_channels_table = "org_channels";  // (org, channel)
/// {"channel"} -> [{"org"}]
inline constexpr std::string_view orgs_of_channel_query = "orgs.of_channel";
/// {"user"} -> [{"org","role"}]
inline constexpr std::string_view orgs_of_user_query = "orgs.of_user";

}  // namespace aethex::actors
