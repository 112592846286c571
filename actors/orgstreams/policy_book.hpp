// The rules of an org's multi-streamer policy without actors or storage: bounds, who may be a
// shared moderator, banned, allowed on a channel, the member keys' digests, the schedule and its
// iCalendar form. orgstreams/<slug> (orgstreams.cpp) applies its events to a policy_book.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

struct org_ban {
  std::string reason;
  std::string by;
  std::int64_t at_ms = 0;
};

struct schedule_entry {
  std::string id;
  std::string channel;
  std::string title;
  std::int64_t starts_at_ms = 0;
  std::int64_t duration_min = 0;
  std::string streamer;  // "" when not named
  std::int64_t created_at_ms = 0;
  std::int64_t ends_at_ms() const { return starts_at_ms + duration_min * 60'000; }
};

/// Who streams on a channel now through a member key (session id of the channel's live session).
struct member_live {
  std::string member;
  std::string session;
  std::int64_t since_ms = 0;
};

/// What org/<slug> says about the org when a command comes (its read model of the moment).
struct org_facts {
  std::map<std::string, std::string> roles;  // user -> role
  std::set<std::string> channels;
};

/// Reads org/<slug>'s JSON ({"members":[{"user","role"}],"channels":[name]}).
org_facts org_facts_of(const nlohmann::json& org);

class policy_book {
 public:
  // ---- rules: none or the documented error ----
  caf::error can_add_moderator(const std::string& user) const;
  caf::error can_ban(const std::string& user, const std::string& reason) const;
  /// A rule's members must be org members; its channel an org channel.
  caf::error can_set_rule(const org_facts& org, const std::string& channel,
                          const std::vector<std::string>& members) const;
  caf::error can_schedule(const org_facts& org, const schedule_entry& e, std::int64_t now) const;

  // ---- changes (applied from events) ----
  void add_moderator(const std::string& user, const std::string& by);
  void remove_moderator(const std::string& user);
  void ban(const std::string& user, org_ban ban);
  void unban(const std::string& user);
  void set_rule(const std::string& channel, std::set<std::string> members);
  void issue_key(const std::string& channel, const std::string& member, std::string digest);
  void revoke_key(const std::string& channel, const std::string& member);
  void schedule(schedule_entry e);
  void unschedule(const std::string& id);
  void went_live(const std::string& channel, member_live live);
  /// The codes of the org's shared emotes (emotes/org-<slug> holds them; at most 50 there).
  void set_emotes(std::set<std::string> codes) { emotes_ = std::move(codes); }

  // ---- reads ----
  bool is_moderator(const std::string& user) const { return moderators_.count(user) > 0; }
  bool is_banned(const std::string& user) const { return bans_.count(user) > 0; }
  bool allowed(const std::string& channel, const std::string& member) const;
  bool has_key(const std::string& channel, const std::string& member) const;
  /// The member whose key of `channel` has `digest`, or "".
  std::string member_of_digest(const std::string& channel, const std::string& digest) const;
  /// (channel, member) pairs holding a key that `org` no longer backs (not a member, channel
  /// detached, not in the rule).
  std::vector<std::pair<std::string, std::string>> stale_keys(const org_facts& org) const;
  const std::map<std::string, std::set<std::string>>& rules() const { return rules_; }
  const std::map<std::string, schedule_entry>& schedule_entries() const { return schedule_; }
  std::size_t upcoming(std::int64_t now) const;
  const std::map<std::string, member_live>& live() const { return live_; }
  const std::set<std::string>& emotes() const { return emotes_; }

  /// What chat rooms keep: {"moderators":[user],"banned":[user],"emotes":[code]}.
  nlohmann::json room_policy() const;
  /// The manager's view (no key material).
  nlohmann::json to_json(std::string_view slug) const;
  /// RFC 5545 text: one VEVENT per entry, UID "<id>@<slug>.orgstreams", CRLF lines folded at 75
  /// octets.
  std::string ics(std::string_view slug, std::int64_t now_ms) const;

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  std::map<std::string, std::string> moderators_;  // user -> by
  std::map<std::string, org_ban> bans_;
  std::map<std::string, std::set<std::string>> rules_;               // channel -> members
  std::map<std::pair<std::string, std::string>, std::string> keys_;  // (channel, member) -> digest
  std::map<std::string, schedule_entry> schedule_;
  std::map<std::string, member_live> live_;  // channel -> who went live by member key
  std::set<std::string> emotes_;             // the org's shared emote codes
};

/// A member key for `channel` of org `slug` (random secret).
std::string new_member_key(std::string_view channel, std::string_view slug);

}  // namespace aethex::actors
