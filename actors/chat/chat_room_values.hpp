// What a chat room stores and shows: a message, the room's settings and a person's role, with
// their JSON forms (events, snapshots and frames), and what a command comes to. Internal to
// actors/chat/chat_room.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/result.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_types.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::chat_values {

using json = nlohmann::json;

struct message {
  std::uint64_t id = 0;
  std::string user;
  std::string text;
  std::vector<std::string> badges;
  std::int64_t ts = 0;
  bool automod = false;  // shown late: AutoMod held it and a moderator approved it

  json to_json() const {
    json j{{"type", "msg"}, {"id", id},         {"user", user},
           {"text", text},  {"badges", badges}, {"ts", ts}};
    if (automod)
      j["automod"] = true;
    return j;
  }
  static message from_json(const json& j, std::int64_t ts_fallback) {
    message m;
    m.id = j.value("id", std::uint64_t{0});
    m.user = j.value("user", "");
    m.text = j.value("text", "");
    if (auto it = j.find("badges"); it != j.end() && it->is_array())
      for (auto& b : *it)
        if (b.is_string())
          m.badges.push_back(b.get<std::string>());
    m.ts = j.value("ts", ts_fallback);
    m.automod = j.value("automod", false);
    return m;
  }
};

inline constexpr std::int32_t max_followers_min_s = 90 * 24 * 3600;  // Twitch's longest: 3 months

struct settings {
  std::uint32_t slow_s = 0;
  bool followers_only = false;
  std::uint32_t followers_min_s = 0;  // followers-only: how long one must have followed
  bool subscribers_only = false;
  bool emote_only = false;
  bool guests = false;  // guests (no account) may write; off unless the room turns it on
  std::uint32_t rate_count = 20;
  std::uint32_t rate_window_s = 30;
  std::vector<std::string> blocked_terms;  // lower case
  std::uint32_t automod_level = 0;         // 0 off .. 4 (docs/moderation.md#levels)
  bool links_allowed = false;              // AutoMod holds links from viewers unless true
  std::vector<std::string> allowed_terms;  // lower case; AutoMod never holds for these

  json to_json(bool with_terms) const {
    json j{{"slow_s", slow_s},
           {"followers_only", followers_only},
           {"followers_only_min_s", followers_min_s},
           {"subscribers_only", subscribers_only},
           {"emote_only", emote_only},
           {"guests", guests},
           {"rate_count", rate_count},
           {"rate_window_s", rate_window_s},
           {"blocked_terms_count", blocked_terms.size()},
           {"automod_level", automod_level},
           {"links_allowed", links_allowed}};
    if (with_terms) {
      j["blocked_terms"] = blocked_terms;
      j["allowed_terms"] = allowed_terms;
    }
    return j;
  }
  /// Applies the scalar fields of `patch` (blocked terms are the room's to check); says why
  /// when a value is out of range, leaving the settings partly changed (callers patch a copy).
  std::optional<std::string> apply(const chat_settings_patch& patch) {
    if (patch.slow_s >= 0) {
      if (patch.slow_s > 3600)
        return "slow mode is 0 to 3600 seconds";
      slow_s = static_cast<std::uint32_t>(patch.slow_s);
    }
    if (patch.followers_only >= 0)
      followers_only = patch.followers_only != 0;
    if (patch.followers_min_s >= 0) {
      if (patch.followers_min_s > max_followers_min_s)
        return "followers-only minimum is 0 to 7776000 seconds (90 days)";
      followers_min_s = static_cast<std::uint32_t>(patch.followers_min_s);
    }
    if (patch.subscribers_only >= 0)
      subscribers_only = patch.subscribers_only != 0;
    if (patch.emote_only >= 0)
      emote_only = patch.emote_only != 0;
    if (patch.guests >= 0)
      guests = patch.guests != 0;
    if (patch.rate_count >= 0) {
      if (patch.rate_count < 1 || patch.rate_count > 100000)
        return "rate limit count is 1 to 100000 messages";
      rate_count = static_cast<std::uint32_t>(patch.rate_count);
    }
    if (patch.rate_window_s >= 0) {
      if (patch.rate_window_s < 1 || patch.rate_window_s > 3600)
        return "rate limit window is 1 to 3600 seconds";
      rate_window_s = static_cast<std::uint32_t>(patch.rate_window_s);
    }
    if (patch.automod_level >= 0) {
      if (patch.automod_level > 4)
        return "automod level is 0 (off) to 4";
      automod_level = static_cast<std::uint32_t>(patch.automod_level);
    }
    if (patch.links_allowed >= 0)
      links_allowed = patch.links_allowed != 0;
    return std::nullopt;
  }
  void from_json(const json& j) {
    slow_s = j.value("slow_s", slow_s);
    followers_only = j.value("followers_only", followers_only);
    followers_min_s = j.value("followers_only_min_s", followers_min_s);
    subscribers_only = j.value("subscribers_only", subscribers_only);
    emote_only = j.value("emote_only", emote_only);
    guests = j.value("guests", guests);
    rate_count = j.value("rate_count", rate_count);
    rate_window_s = j.value("rate_window_s", rate_window_s);
    if (auto it = j.find("blocked_terms"); it != j.end() && it->is_array())
      blocked_terms = it->get<std::vector<std::string>>();
    automod_level = j.value("automod_level", automod_level);
    links_allowed = j.value("links_allowed", links_allowed);
    if (auto it = j.find("allowed_terms"); it != j.end() && it->is_array())
      allowed_terms = it->get<std::vector<std::string>>();
  }
};

// A person's highest role in a room. VIPs and editors do not moderate: a VIP skips slow mode and
// AutoMod's spam rules, an editor may change the channel's title and category and run polls.
enum class role { viewer, vip, editor, moderator, broadcaster };

inline const char* role_name(role r) {
  switch (r) {
    case role::broadcaster: return "broadcaster";
    case role::moderator: return "moderator";
    case role::editor: return "editor";
    case role::vip: return "vip";
    default: return "viewer";
  }
}

inline bool moderates(role r) { return r == role::moderator || r == role::broadcaster; }

// What a command came to: `code` is empty when accepted, else the reason of the refusal.
struct room_outcome {
  std::string code;
  std::string message;
  std::uint64_t id = 0;  // id of the message a send created
  bool ok() const { return code.empty(); }
};

inline room_outcome reject(std::string code, std::string message) {
  return room_outcome{std::move(code), std::move(message), 0};
}

// A refusal travels as a domain error whose reason is the chat's own word for it; the table in
// runtime/errors.cpp then gives every front end its status.
inline caf::expected<chat_ack> expected_of(room_outcome outcome) {
  if (outcome.ok())
    return chat_ack{std::move(outcome.message), outcome.id};
  auto& reason = outcome.code;
  auto code = errc::invalid_argument;  // empty, too_long, blocked_term, emote_only, invalid
  if (reason == "not_found")
    code = errc::not_found;
  else if (reason == "sign_in_required")
    code = errc::unauthorized;
  else if (reason == "banned" || reason == "timed_out" || reason == "forbidden" ||
           reason == "guests_off" || reason == "followers_only" || reason == "subscribers_only" ||
           reason == "emote_locked")
    code = errc::forbidden;
  else if (reason == "rate_limited" || reason == "slow_mode")
    code = errc::rate_limited;
  else if (reason == "conflict" || reason == "already_requested" || reason == "held" ||
           reason == "not_banned")
    code = errc::conflict;
  else if (reason == "queue_full")
    code = errc::unavailable;
  else if (reason == "unavailable" || reason == "moved")
    code = errc::unavailable;
  return make_error(code, std::move(outcome.message), std::move(reason));
}

inline caf::result<chat_ack> reply_of(room_outcome outcome) {
  auto answer = expected_of(std::move(outcome));
  if (answer)
    return std::move(*answer);
  return std::move(answer.error());
}

}  // namespace aethex::actors::chat_values
