// The events of chat/<channel>, as stored. Their JSON is what chat rooms always wrote, plus
// optional fields (a moderator's `reason`, a message's `automod`) that older events lack and
// older readers ignore, so the schemas stay 1. Internal to the chat domain (and its tests).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace aethex::actors::chat_events {

using json = nlohmann::json;

/// The start of every chat room's event stream name (chat/<channel>).
inline constexpr std::string_view stream_prefix = "chat/";

// The optional `reason` of a moderation event: written only when given.
inline void put_reason(json& j, const std::string& reason) {
  if (!reason.empty())
    j["reason"] = reason;
}

/// {"id","user","text","badges"} (+ "automod": true when a moderator approved it after AutoMod
/// held it); the time shown is the event's timestamp.
struct message {
  static constexpr std::string_view type = "chat.message";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;
  std::string user;
  std::string text;
  std::vector<std::string> badges;
  bool automod = false;
};
inline void to_json(json& j, const message& e) {
  j = json{{"id", e.id}, {"user", e.user}, {"text", e.text}, {"badges", e.badges}};
  if (e.automod)
    j["automod"] = true;
}
inline void from_json(const json& j, message& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.user = j.value("user", "");
  e.text = j.value("text", "");
  if (auto it = j.find("badges"); it != j.end() && it->is_array())
    for (auto& b : *it)
      if (b.is_string())
        e.badges.push_back(b.get<std::string>());
  e.automod = j.value("automod", false);
}

struct message_deleted {
  static constexpr std::string_view type = "chat.message_deleted";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;
  std::string by;
  std::string reason = {};
};
inline void to_json(json& j, const message_deleted& e) {
  j = json{{"id", e.id}, {"by", e.by}};
  put_reason(j, e.reason);
}
inline void from_json(const json& j, message_deleted& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}

/// Moderation of a person: {"user","origin","by"} (+ "until_ms" for a timeout). `origin` is a
/// guest's address ("" for accounts): the ban or timeout holds for the address too.
template <class Tag>
struct person_event {
  static constexpr std::string_view type = Tag::type;
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string origin;
  std::string by;
  std::string reason = {};
};
template <class Tag>
void to_json(json& j, const person_event<Tag>& e) {
  j = json{{"user", e.user}, {"origin", e.origin}, {"by", e.by}};
  put_reason(j, e.reason);
}
template <class Tag>
void from_json(const json& j, person_event<Tag>& e) {
  e.user = j.value("user", "");
  e.origin = j.value("origin", "");
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}
struct untimed_out_tag {
  static constexpr std::string_view type = "chat.user_untimed_out";
};
struct banned_tag {
  static constexpr std::string_view type = "chat.user_banned";
};
struct unbanned_tag {
  static constexpr std::string_view type = "chat.user_unbanned";
};
using user_untimed_out = person_event<untimed_out_tag>;
using user_banned = person_event<banned_tag>;
using user_unbanned = person_event<unbanned_tag>;

struct user_timed_out {
  static constexpr std::string_view type = "chat.user_timed_out";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string origin;
  std::int64_t until_ms = 0;
  std::string by;
  std::string reason = {};
};
inline void to_json(json& j, const user_timed_out& e) {
  j = json{{"user", e.user}, {"origin", e.origin}, {"until_ms", e.until_ms}, {"by", e.by}};
  put_reason(j, e.reason);
}
inline void from_json(const json& j, user_timed_out& e) {
  e.user = j.value("user", "");
  e.origin = j.value("origin", "");
  e.until_ms = j.value("until_ms", std::int64_t{0});
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}

/// Moderator list changes: {"user","by"}.
template <class Tag>
struct moderator_event {
  static constexpr std::string_view type = Tag::type;
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string by;
  std::string reason = {};
};
template <class Tag>
void to_json(json& j, const moderator_event<Tag>& e) {
  j = json{{"user", e.user}, {"by", e.by}};
  put_reason(j, e.reason);
}
template <class Tag>
void from_json(const json& j, moderator_event<Tag>& e) {
  e.user = j.value("user", "");
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
}
struct moderator_added_tag {
  static constexpr std::string_view type = "chat.moderator_added";
};
struct moderator_removed_tag {
  static constexpr std::string_view type = "chat.moderator_removed";
};
using moderator_added = moderator_event<moderator_added_tag>;
using moderator_removed = moderator_event<moderator_removed_tag>;

/// The room's whole settings after the change (chat_values::settings::to_json(true)); applied
/// over the current settings, so fields an old event lacks keep their value. Newer events also
/// carry who changed them ("by", and "reason" when given) beside the settings' own keys.
struct settings_changed {
  static constexpr std::string_view type = "chat.settings_changed";
  static constexpr std::uint32_t schema = 1;
  json settings = json::object();
  std::string by = {};
  std::string reason = {};
};
inline void to_json(json& j, const settings_changed& e) {
  j = e.settings;
  if (!e.by.empty())
    j["by"] = e.by;
  put_reason(j, e.reason);
}
inline void from_json(const json& j, settings_changed& e) {
  e.settings = j;
  e.by = j.value("by", "");
  e.reason = j.value("reason", "");
  e.settings.erase("by");
  e.settings.erase("reason");
}

/// A pinned announcement by the broadcaster or a moderator: {"id","user","text"} (the id is the
/// stream position, like a message's); {"id":0,"user":"","text":""} clears it. The notify
/// domain's projection turns non-empty ones into notices for the channel's followers.
struct announced {
  static constexpr std::string_view type = "chat.announced";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t id = 0;
  std::string user;
  std::string text;
};
inline void to_json(json& j, const announced& e) {
  j = json{{"id", e.id}, {"user", e.user}, {"text", e.text}};
}
inline void from_json(const json& j, announced& e) {
  e.id = j.value("id", std::uint64_t{0});
  e.user = j.value("user", "");
  e.text = j.value("text", "");
}

/// The channel's custom emote codes after a change (actors/emotes tells the room): they count as
/// emotes in emote-only mode and in AutoMod's flood rule. `tiers` (optional) names the sub emotes:
/// code -> the subscriber tier (1-3) needed to use it.
struct emotes_set {
  static constexpr std::string_view type = "chat.emotes_set";
  static constexpr std::uint32_t schema = 1;
  std::vector<std::string> codes;
  std::map<std::string, int> tiers = {};
};
inline void to_json(json& j, const emotes_set& e) {
  j = json{{"codes", e.codes}};
  if (!e.tiers.empty())
    j["tiers"] = e.tiers;
}
inline void from_json(const json& j, emotes_set& e) {
  e.codes = j.value("codes", std::vector<std::string>{});
  e.tiers = j.value("tiers", std::map<std::string, int>{});
}

/// The org policy's change as the room saw it (actors/orgstreams pushes the whole policy; the
/// room stores what changed): the org, its shared moderators (whole list, at most 100), and the
/// org bans added and lifted, and the org's shared emote codes (whole list, at most 50; absent
/// before shared emotes). Another org (or "") starts from no bans.
struct org_policy_set {
  static constexpr std::string_view type = "chat.org_policy_set";
  static constexpr std::uint32_t schema = 1;
  std::string org;
  std::vector<std::string> moderators;
  std::vector<std::string> banned;
  std::vector<std::string> unbanned;
  std::vector<std::string> emotes = {};
};
inline void to_json(json& j, const org_policy_set& e) {
  j = json{
    {"org", e.org}, {"moderators", e.moderators}, {"banned", e.banned}, {"unbanned", e.unbanned}};
  if (!e.emotes.empty())
    j["emotes"] = e.emotes;
}
inline void from_json(const json& j, org_policy_set& e) {
  e.org = j.value("org", "");
  e.moderators = j.value("moderators", std::vector<std::string>{});
  e.banned = j.value("banned", std::vector<std::string>{});
  e.unbanned = j.value("unbanned", std::vector<std::string>{});
  e.emotes = j.value("emotes", std::vector<std::string>{});
}

/// A subscriber's tier (0: no longer subscribed) and months, as actors/subscriptions tells the
/// room: badges, subscribers-only mode and sub emotes read it.
struct subscriber_set {
  static constexpr std::string_view type = "chat.subscriber_set";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  int tier = 0;
  std::uint32_t months = 0;
};
inline void to_json(json& j, const subscriber_set& e) {
  j = json{{"user", e.user}, {"tier", e.tier}, {"months", e.months}};
}
inline void from_json(const json& j, subscriber_set& e) {
  e.user = j.value("user", "");
  e.tier = j.value("tier", 0);
  e.months = j.value("months", std::uint32_t{0});
}

}  // namespace aethex::actors::chat_events
