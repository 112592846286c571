// The events of channel/<name>, as stored. Their JSON is what channel entities always wrote and
// what the channel directory projection reads; optional fields are left out when absent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace aethex::actors::channel_events {

using json = nlohmann::json;

/// {"name","owner","owner_kind","title","stream_key"}; events written before the owner's kind was
/// recorded have no "owner_kind".
struct created {
  static constexpr std::string_view type = "channel.created";
  static constexpr std::uint32_t schema = 1;
  std::string name;
  std::string owner;
  std::optional<std::string> owner_kind;  // "admin" or "user"
  std::string title;
  std::string stream_key;
};

/// Only the fields that changed: title, category, description, tags, ladder ("ladder": null
/// returns the channel to the node's default ladder), record and vod_retention_days (VODs).
struct updated {
  static constexpr std::string_view type = "channel.updated";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> title;
  std::optional<std::string> category;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::vector<std::string>> ladder;
  bool ladder_default = false;
  std::optional<bool> record;
  std::optional<std::uint32_t> vod_retention_days;
  bool empty() const {
    return !title && !category && !description && !tags && !ladder && !ladder_default && !record &&
           !vod_retention_days;
  }
};

struct key_rotated {
  static constexpr std::string_view type = "channel.key_rotated";
  static constexpr std::uint32_t schema = 1;
  std::string stream_key;
};

/// {"session","node"}: the time it went live is the event's timestamp.
struct went_live {
  static constexpr std::string_view type = "channel.went_live";
  static constexpr std::uint32_t schema = 1;
  std::string session;
  std::string node;
};

/// {"session"} and, when a new activation cleared a stale flag, "reason".
struct went_offline {
  static constexpr std::string_view type = "channel.went_offline";
  static constexpr std::uint32_t schema = 1;
  std::string session;
  std::optional<std::string> reason;
  std::optional<std::uint64_t> peak_viewers;  // the session's most concurrent viewers
};

/// {"featured"}: the node's admin put the channel forward on the browse page (or stopped).
struct featured {
  static constexpr std::string_view type = "channel.featured";
  static constexpr std::uint32_t schema = 1;
  bool on = false;
};

inline void to_json(json& j, const created& e) {
  j = json{{"name", e.name}, {"owner", e.owner}, {"title", e.title}, {"stream_key", e.stream_key}};
  if (e.owner_kind)
    j["owner_kind"] = *e.owner_kind;
}
inline void from_json(const json& j, created& e) {
  e.name = j.value("name", "");
  e.owner = j.value("owner", "");
  if (j.contains("owner_kind"))
    e.owner_kind = j.value("owner_kind", "");
  e.title = j.value("title", "");
  e.stream_key = j.value("stream_key", "");
}

inline void to_json(json& j, const updated& e) {
  j = json::object();
  if (e.title)
    j["title"] = *e.title;
  if (e.category)
    j["category"] = *e.category;
  if (e.description)
    j["description"] = *e.description;
  if (e.tags)
    j["tags"] = *e.tags;
  if (e.ladder)
    j["ladder"] = *e.ladder;
  else if (e.ladder_default)
    j["ladder"] = nullptr;
  if (e.record)
    j["record"] = *e.record;
  if (e.vod_retention_days)
    j["vod_retention_days"] = *e.vod_retention_days;
}
inline void from_json(const json& j, updated& e) {
  if (j.contains("title"))
    e.title = j.value("title", "");
  if (j.contains("category"))
    e.category = j.value("category", "");
  if (j.contains("description"))
    e.description = j.value("description", "");
  if (auto tags = j.find("tags"); tags != j.end() && tags->is_array()) {
    e.tags.emplace();
    for (auto& tag : *tags)
      if (tag.is_string())
        e.tags->push_back(tag.get<std::string>());
  }
  if (auto ladder = j.find("ladder"); ladder != j.end()) {
    e.ladder_default = ladder->is_null();
    if (ladder->is_array()) {
      e.ladder.emplace();
      for (auto& name : *ladder)
        if (name.is_string())
          e.ladder->push_back(name.get<std::string>());
    }
  }
  if (auto record = j.find("record"); record != j.end() && record->is_boolean())
    e.record = record->get<bool>();
  if (auto days = j.find("vod_retention_days"); days != j.end() && days->is_number_unsigned())
    e.vod_retention_days = days->get<std::uint32_t>();
}

inline void to_json(json& j, const key_rotated& e) { j = json{{"stream_key", e.stream_key}}; }
inline void from_json(const json& j, key_rotated& e) { e.stream_key = j.value("stream_key", ""); }

inline void to_json(json& j, const went_live& e) {
  j = json{{"session", e.session}, {"node", e.node}};
}
inline void from_json(const json& j, went_live& e) {
  e.session = j.value("session", "");
  e.node = j.value("node", "");
}

inline void to_json(json& j, const went_offline& e) {
  j = json{{"session", e.session}};
  if (e.reason)
    j["reason"] = *e.reason;
  if (e.peak_viewers)
    j["peak_viewers"] = *e.peak_viewers;
}
inline void from_json(const json& j, went_offline& e) {
  e.session = j.value("session", "");
  if (j.contains("reason"))
    e.reason = j.value("reason", "");
  if (j.contains("peak_viewers"))
    e.peak_viewers = j.value("peak_viewers", std::uint64_t{0});
}

inline void to_json(json& j, const featured& e) { j = json{{"featured", e.on}}; }
inline void from_json(const json& j, featured& e) { e.on = j.value("featured", false); }

}  // namespace aethex::actors::channel_events
