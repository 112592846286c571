// The rules of a team, without actors or storage: its profile limits, who may invite, accept,
// decline, kick, leave and hand over captaincy, and what the roster lock forbids. The
// team/<slug> entity (teams.cpp) applies its events to a team_book. Contract: docs/esports.md,
// section Teams.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

struct team_member {
  std::string user;
  std::int64_t joined_at_ms = 0;
};

struct team_invite {
  std::string user;
  std::string by;
  std::int64_t invited_at_ms = 0;
};

/// A checked profile change: the fields a body sets (creation sets name, and tag/bio when sent).
struct team_profile_change {
  std::optional<std::string> name;
  std::optional<std::string> tag;
  std::optional<std::string> bio;
};

/// Reads a creation body {"slug"?,"name","tag"?,"bio"?} (a slug, when sent, must be `slug`);
/// errc::invalid_argument naming the limit a field breaks. Name and tag are trimmed.
caf::expected<team_profile_change> parse_team_create(const nlohmann::json& body,
                                                     std::string_view slug);
/// Reads a patch {"name"?,"tag"?,"bio"?}; a tag of "" clears it.
caf::expected<team_profile_change> parse_team_patch(const nlohmann::json& body);

class team_book {
 public:
  // ---- rules (no changes); each answers none or the documented error ----
  caf::error can_create() const;
  caf::error can_manage(const std::string& by) const;  // the captain's own actions
  caf::error can_invite(const std::string& by, const std::string& user) const;
  caf::error can_accept(const std::string& user) const;
  caf::error can_decline(const std::string& by, const std::string& user) const;
  /// A kick (by the captain) or a leave (by == user).
  caf::error can_remove(const std::string& by, const std::string& user) const;
  caf::error can_hand_over(const std::string& by, const std::string& user) const;
  caf::error can_lock(const std::string& tournament) const;

  // ---- changes (applied from events) ----
  void create(std::string slug, std::string captain, const team_profile_change& profile,
              std::int64_t at_ms);
  void update(const team_profile_change& change);
  void invite(team_invite invite);
  void accept(const std::string& user, std::int64_t at_ms);
  void drop_invite(const std::string& user);
  /// Removes a member; the last one leaving disbands the team (its invites go too).
  void remove(const std::string& user);
  void hand_over(const std::string& to);
  void lock(const std::string& tournament);
  void unlock(const std::string& tournament);

  // ---- reads ----
  bool alive() const { return alive_; }
  const std::string& captain() const { return captain_; }
  bool is_member(const std::string& user) const;
  bool is_invited(const std::string& user) const;
  bool locked() const { return !locked_by_.empty(); }
  bool locked_by(const std::string& tournament) const;
  std::size_t member_count() const { return members_.size(); }
  const std::vector<std::string>& locks() const { return locked_by_; }

  /// The documented team JSON (with the open invites: routes hide them from all but the captain).
  nlohmann::json to_json() const;
  /// {"slug","captain","members":[user…]}: what a tournament locks.
  nlohmann::json roster_json() const;

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  bool alive_ = false;
  std::string slug_;
  std::string name_;
  std::string tag_;
  std::string bio_;
  std::string captain_;
  std::int64_t created_at_ms_ = 0;
  std::vector<team_member> members_;  // in the order they joined; the creator first
  std::vector<team_invite> invites_;  // oldest first
  std::vector<std::string> locked_by_;
};

}  // namespace aethex::actors
