// The rules of one organisation, without actors or storage (docs/organisations.md): who may do
// what (org_role_allows, plus the rules the table leaves to the entity: never above one's own
// role, only the owner makes admins), the limits, invitations with their expiry, branding and
// its checks. The org/<slug> entity (org_entity.cpp) applies its events to an org_book.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/orgs/orgs.hpp"

namespace aethex::actors {

/// Who acts: a user name, or the site admin (the admin token), who may do everything.
struct org_actor {
  std::string user;
  bool site_admin = false;
};

struct org_invitation {
  std::string role;
  std::string by;
  std::int64_t expires_at_ms = 0;
};

namespace org_limits {
inline constexpr std::size_t name_max = 100;  // code points
inline constexpr std::int64_t invitation_ttl_ms = 14LL * 24 * 3600 * 1000;
inline constexpr std::size_t domain_max = 253;
}  // namespace org_limits

/// A checked host name for a custom domain: lower-case labels of a-z, 0-9 and '-', at least two
/// labels, no port. Returns it lower-cased, or errc::invalid_argument.
caf::expected<std::string> org_domain_host(std::string_view text);
/// Whether `text` is `#rrggbb`.
bool org_colour(std::string_view text);
/// A logo's content type from its bytes ("image/png" | "image/jpeg"), or errc::invalid_argument
/// / unsupported_media_type / payload_too_large. Only the container is walked.
caf::expected<std::string> org_logo_type(std::string_view bytes);

/// Logos travel and are stored as base64 (the journal holds text).
std::string org_to_base64(std::string_view bytes);
caf::expected<std::string> org_from_base64(std::string_view text);

class org_book {
 public:
  // ---- reads ----
  bool alive() const { return alive_; }
  bool existed() const { return alive_ || deleted_; }
  const std::string& slug() const { return slug_; }
  const std::string& owner() const { return owner_; }
  const std::string& domain() const { return domain_; }
  /// The user's role, "" when not a member.
  std::string role_of(const std::string& user) const;
  /// The role an actor acts with: the site admin acts as the owner.
  std::string acting_role(const org_actor& by) const;
  bool allows(const org_actor& by, org_action action) const;
  const std::map<std::string, std::string>& members() const { return members_; }
  const std::map<std::string, org_invitation>& invitations() const { return invitations_; }
  const std::set<std::string>& channels() const { return channels_; }
  /// The org's channels that `user` attached as their owner: detached when they leave the org.
  std::vector<std::string> channels_of(const std::string& user) const;
  bool has_logo() const { return !logo_base64_.empty(); }
  const std::string& logo_type() const { return logo_type_; }
  const std::string& logo_base64() const { return logo_base64_; }
  /// Pending invitations that have expired by `now_ms`.
  std::vector<std::string> expired(std::int64_t now_ms) const;

  /// The entity's JSON (org_get_atom): {"slug","name","description","owner","members",
  /// "channels","branding"} and, when `with_invitations`, "invitations".
  nlohmann::json to_json(bool with_invitations) const;
  nlohmann::json branding_json() const;

  // ---- rules (no changes): none or the documented error ----
  caf::error can_create(const org_actor& by) const;
  caf::error can(const org_actor& by, org_action action) const;  // not found / forbidden
  caf::error can_invite(const org_actor& by, const std::string& user, const std::string& role,
                        std::int64_t now_ms) const;
  caf::error can_accept(const std::string& user, std::int64_t now_ms) const;
  caf::error can_decline(const org_actor& by, const std::string& user) const;
  caf::error can_remove(const org_actor& by, const std::string& user) const;
  caf::error can_set_role(const org_actor& by, const std::string& user,
                          const std::string& role) const;
  caf::error can_transfer(const org_actor& by, const std::string& user) const;
  /// `channel_owner`: the channel's owner as channel/<name> says ("" when it does not exist).
  caf::error can_attach(const org_actor& by, const std::string& channel,
                        const std::string& channel_owner) const;
  caf::error can_detach(const org_actor& by, const std::string& channel,
                        const std::string& channel_owner) const;

  // ---- changes (from events; bodies as the events carry them) ----
  void apply(std::string_view type, const nlohmann::json& body);

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  bool alive_ = false;
  bool deleted_ = false;  // a deleted org's slug is never used again
  std::string slug_;
  std::string name_;
  std::string description_;
  std::string owner_;
  std::map<std::string, std::string> members_;  // user → role
  std::map<std::string, org_invitation> invitations_;
  std::set<std::string> channels_;
  /// channel → the owner who attached it (channels attached before owners were recorded: none).
  std::map<std::string, std::string> channel_owners_;
  std::string display_name_;
  std::string primary_ = "#5b3cc4";
  std::string accent_ = "#f5a623";
  std::string logo_type_;
  std::string logo_base64_;
  std::string domain_;
};

/// Reads a create body {"slug","name","description"?}; the slug must be `slug`.
caf::error check_org_create(const nlohmann::json& body, std::string_view slug);
/// Reads a patch {"name"?,"description"?}: the event body to emit.
caf::expected<nlohmann::json> check_org_patch(const nlohmann::json& body);
/// Reads branding {"display_name"?,"description"?,"colours"?:{"primary"?,"accent"?}}.
caf::expected<nlohmann::json> check_org_branding(const nlohmann::json& body);

}  // namespace aethex::actors
