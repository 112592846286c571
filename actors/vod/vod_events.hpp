// The events of vod/<id> and vodwatch/<user>, as stored: the entities write them, the vods
// projection reads them. Internal to actors/vod.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/vod/vod.hpp"

namespace aethex::actors::vod_events {

using json = nlohmann::json;

struct recorded {
  static constexpr std::string_view type = "vod.recorded";
  static constexpr std::uint32_t schema = 1;
  std::string channel;
  std::string title;
  std::string category;
  std::string node;
  std::int64_t started_at_ms = 0;
  std::uint32_t retention_days = default_vod_retention_days;
};
inline void to_json(json& j, const recorded& e) {
  j = json{{"channel", e.channel},
           {"title", e.title},
           {"category", e.category},
           {"node", e.node},
           {"started_at_ms", e.started_at_ms},
           {"retention_days", e.retention_days}};
}
inline void from_json(const json& j, recorded& e) {
  e.channel = j.value("channel", "");
  e.title = j.value("title", "");
  e.category = j.value("category", "");
  e.node = j.value("node", "");
  e.started_at_ms = j.value("started_at_ms", std::int64_t{0});
  e.retention_days = j.value("retention_days", default_vod_retention_days);
}

struct progressed {
  static constexpr std::string_view type = "vod.progressed";
  static constexpr std::uint32_t schema = 1;
  std::int64_t duration_ms = 0;
  std::uint64_t bytes = 0;
};
inline void to_json(json& j, const progressed& e) {
  j = json{{"duration_ms", e.duration_ms}, {"bytes", e.bytes}};
}
inline void from_json(const json& j, progressed& e) {
  e.duration_ms = j.value("duration_ms", std::int64_t{0});
  e.bytes = j.value("bytes", std::uint64_t{0});
}

struct finished {
  static constexpr std::string_view type = "vod.finished";
  static constexpr std::uint32_t schema = 1;
  std::int64_t duration_ms = 0;
  std::uint64_t bytes = 0;
  bool recovered = false;
};
inline void to_json(json& j, const finished& e) {
  j = json{{"duration_ms", e.duration_ms}, {"bytes", e.bytes}, {"recovered", e.recovered}};
}
inline void from_json(const json& j, finished& e) {
  e.duration_ms = j.value("duration_ms", std::int64_t{0});
  e.bytes = j.value("bytes", std::uint64_t{0});
  e.recovered = j.value("recovered", false);
}

struct renamed {
  static constexpr std::string_view type = "vod.renamed";
  static constexpr std::uint32_t schema = 1;
  std::string title;
};
inline void to_json(json& j, const renamed& e) { j = json{{"title", e.title}}; }
inline void from_json(const json& j, renamed& e) { e.title = j.value("title", ""); }

struct privacy_changed {
  static constexpr std::string_view type = "vod.privacy_changed";
  static constexpr std::uint32_t schema = 1;
  std::string privacy{vod_privacy::everyone};
};
inline void to_json(json& j, const privacy_changed& e) { j = json{{"privacy", e.privacy}}; }
inline void from_json(const json& j, privacy_changed& e) {
  e.privacy = j.value("privacy", std::string{vod_privacy::everyone});
}

struct viewed {
  static constexpr std::string_view type = "vod.viewed";
  static constexpr std::uint32_t schema = 1;
};
inline void to_json(json& j, const viewed&) { j = json::object(); }
inline void from_json(const json&, viewed&) {}

struct deleted {
  static constexpr std::string_view type = "vod.deleted";
  static constexpr std::uint32_t schema = 1;
  std::string by;
};
inline void to_json(json& j, const deleted& e) { j = json{{"by", e.by}}; }
inline void from_json(const json& j, deleted& e) { e.by = j.value("by", ""); }

/// vodwatch/<user>: where the user stopped in a VOD. Positions in seconds (JSON numbers).
struct watch_progressed {
  static constexpr std::string_view type = "watch.progressed";
  static constexpr std::uint32_t schema = 1;
  std::string vod;
  double position_s = 0;
  double duration_s = 0;
};
inline void to_json(json& j, const watch_progressed& e) {
  j = json{{"vod", e.vod}, {"position_s", e.position_s}, {"duration_s", e.duration_s}};
}
inline void from_json(const json& j, watch_progressed& e) {
  e.vod = j.value("vod", "");
  e.position_s = j.value("position_s", 0.0);
  e.duration_s = j.value("duration_s", 0.0);
}

}  // namespace aethex::actors::vod_events
