// The event of analytics/<channel>, as stored: the entity writes it, the analytics projection
// and the benchmark read or write the same JSON. Internal to actors/analytics.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace aethex::actors::analytics_events {

using json = nlohmann::json;

/// The viewer key of a minute's watch seconds beyond the viewers it lists (not a viewer).
inline constexpr std::string_view other_watchers = "~other";

struct view_started {
  std::string viewer;
  std::string source;
  std::string referrer;
};

/// One minute of a channel's watching: written once the minute is over (twice at most when the
/// entity moved node within the minute; readers add them up).
struct minute {
  static constexpr std::string_view type = "analytics.minute";
  static constexpr std::uint32_t schema = 1;
  std::int64_t minute_ms = 0;
  std::uint32_t peak_viewers = 0;
  std::map<std::string, std::uint64_t> watch_s;  // viewer key -> seconds credited in the minute
  std::vector<view_started> views;
  std::map<std::string, std::uint64_t> extra_views;  // source -> views beyond the list's bound
};

inline void to_json(json& j, const minute& e) {
  json views = json::array();
  for (auto& v : e.views)
    views.push_back(json{{"viewer", v.viewer}, {"source", v.source}, {"referrer", v.referrer}});
  j = json{{"minute_ms", e.minute_ms},
           {"peak_viewers", e.peak_viewers},
           {"watch_s", e.watch_s},
           {"views", std::move(views)}};
  if (!e.extra_views.empty())
    j["extra_views"] = e.extra_views;
}

inline void from_json(const json& j, minute& e) {
  e.minute_ms = j.value("minute_ms", std::int64_t{0});
  e.peak_viewers = j.value("peak_viewers", std::uint32_t{0});
  if (auto it = j.find("watch_s"); it != j.end() && it->is_object())
    for (auto& [key, s] : it->items())
      if (s.is_number_unsigned())
        e.watch_s[key] = s.get<std::uint64_t>();
  if (auto it = j.find("views"); it != j.end() && it->is_array())
    for (auto& v : *it)
      if (v.is_object())
        e.views.push_back({v.value("viewer", ""), v.value("source", ""), v.value("referrer", "")});
  if (auto it = j.find("extra_views"); it != j.end() && it->is_object())
    for (auto& [source, n] : it->items())
      if (n.is_number_unsigned())
        e.extra_views[source] = n.get<std::uint64_t>();
}

}  // namespace aethex::actors::analytics_events
