// The analytics domain's own parts, for its module.cpp and tests; other domains include
// analytics.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/analytics/dashboard.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {

/// `ms` rounded down to a multiple of `width` (the start of its bucket).
inline std::int64_t floor_to(std::int64_t ms, std::int64_t width) { return ms - ms % width; }

/// series | sources | sessions | totals | recent_followers.
bool valid_csv_table(std::string_view table);
/// One table of a dashboard as CSV with a header line: series | sources | sessions | totals |
/// recent_followers; errc::invalid_argument for another name.
caf::expected<std::string> dashboard_csv(const nlohmann::json& dashboard, std::string_view table);

/// POST channels/{channel}/watch, GET channels/{channel}/analytics and analytics.csv.
void add_analytics_routes(route_table& routes, const node_env& env);

/// analytics/<channel> in the console: get (open spans, the minute being counted), tick.
console::adapter analytics_adapter();

}  // namespace aethex::actors
