// The community-moderation events of chat/<channel> (docs/moderation.md): VIP and editor roles,
// AutoMod's held messages and their review, unban requests and imported ban lists. Internal to
// the chat domain (and its tests).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/chat/chat_events.hpp"

namespace aethex::actors::chat_events {

/// A VIP or editor appointed or removed by the broadcaster: {"user","role","by","reason"?};
/// role is "vip" or "editor" (moderators keep chat.moderator_added/removed).
template <class Tag>
struct role_event {
  static constexpr std::string_view type = Tag::type;
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string role;
  std::string by;
  std::string reason = {};
};
template <class Tag>
void to_json(json& j, const role_event<Tag>& e) {
  j = json{{"user", e.user}, {"role", e.role}, {"by", e.by}};
  put_reason(j, e.reason);
}
template <class Tag>
void from_json(const json& j, role_event<Tag>& e) {
  e.user = j.value("user", "");
  e.role = j.value("role", "");
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}
struct role_granted_tag {
  static constexpr std::string_view type = "chat.role_granted";
};
struct role_revoked_tag {
  static constexpr std::string_view type = "chat.role_revoked";
};
using role_granted = role_event<role_granted_tag>;
using role_revoked = role_event<role_revoked_tag>;

/// AutoMod held a message for review: {"id","user","origin","text","category","level"}. The id
/// is the stream position; the message is shown only if a moderator approves it.
struct automod_held {
  static constexpr std::string_view type = "chat.automod_held";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;
  std::string user;
  std::string origin;
  std::string text;
  std::string category;
  std::uint32_t level = 0;
};
inline void to_json(json& j, const automod_held& e) {
  j = json{{"id", e.id},     {"user", e.user},         {"origin", e.origin},
           {"text", e.text}, {"category", e.category}, {"level", e.level}};
}
inline void from_json(const json& j, automod_held& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.user = j.value("user", "");
  e.origin = j.value("origin", "");
  e.text = j.value("text", "");
  e.category = j.value("category", "");
  e.level = j.value("level", std::uint32_t{0});
}

/// A moderator's decision on a held message: {"id","action":"approve"|"deny","by","reason"?}.
/// An approval is stored together with the chat.message that shows it.
struct automod_resolved {
  static constexpr std::string_view type = "chat.automod_resolved";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;
  std::string action;
  std::string by;
  std::string reason = {};
};
inline void to_json(json& j, const automod_resolved& e) {
  j = json{{"id", e.id}, {"action", e.action}, {"by", e.by}};
  put_reason(j, e.reason);
}
inline void from_json(const json& j, automod_resolved& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.action = j.value("action", "");
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}

/// A banned user asks to be unbanned, once per ban: {"id","user","text","ban_seq"} where ban_seq
/// is the stream position of the ban it answers.
struct unban_requested {
  static constexpr std::string_view type = "chat.unban_requested";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;
  std::string user;
  std::string text;
  std::uint64_t ban_seq = 0;
};
inline void to_json(json& j, const unban_requested& e) {
  j = json{{"id", e.id}, {"user", e.user}, {"text", e.text}, {"ban_seq", e.ban_seq}};
}
inline void from_json(const json& j, unban_requested& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.user = j.value("user", "");
  e.text = j.value("text", "");
  e.ban_seq = j.value("ban_seq", std::uint64_t{0});
}

/// {"id","action":"accept"|"deny","by","reason"?}; an accept is stored with chat.user_unbanned.
struct unban_request_decided {
  static constexpr std::string_view type = "chat.unban_request_decided";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;
  std::string action;
  std::string by;
  std::string reason = {};
};
inline void to_json(json& j, const unban_request_decided& e) {
  j = json{{"id", e.id}, {"action", e.action}, {"by", e.by}};
  put_reason(j, e.reason);
}
inline void from_json(const json& j, unban_request_decided& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.action = j.value("action", "");
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}

/// A shared ban list imported in one go: {"bans":[{"user","reason"}],"by"}; only users not yet
/// banned are in it.
struct bans_imported {
  static constexpr std::string_view type = "chat.bans_imported";
  static constexpr std::uint32_t schema = 1;
  struct entry {
    std::string user;
    std::string reason;
  };
  std::vector<entry> bans;
  std::string by;
};
inline void to_json(json& j, const bans_imported& e) {
  json list = json::array();
  for (auto& b : e.bans)
    list.push_back(json{{"user", b.user}, {"reason", b.reason}});
  j = json{{"bans", list}, {"by", e.by}};
}
inline void from_json(const json& j, bans_imported& e) {
  if (auto it = j.find("bans"); it != j.end() && it->is_array())
    for (auto& b : *it)
      if (b.is_object())
        e.bans.push_back({b.value("user", ""), b.value("reason", "")});
  e.by = j.value("by", "");
}

}  // namespace aethex::actors::chat_events
