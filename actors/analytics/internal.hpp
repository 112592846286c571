// The analytics domain's own parts, for its module.cpp and tests; other domains include
// analytics.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// `ms` rounded down to a multiple of `width` (the start of its bucket).
inline std::int64_t floor_to(std::int64_t ms, std::int64_t width) { return ms - ms % width; }

/// What the dashboard routes were asked (docs/api.md, "Analytics").
struct dashboard_params {
  std::string channel;
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::string bucket = "auto";  // minute | hour | day | auto
  std::optional<std::string> session;
  std::int64_t now = 0;
};

/// The query parameters from, to, bucket and session (defaults: to = now, from = to - 7 days);
/// errc::invalid_argument for anything else.
caf::expected<dashboard_params> dashboard_params_of(const route_request& req, std::int64_t now);

/// The dashboard's JSON (GET channels/{channel}/analytics), from the read models of every member.
void build_dashboard(const node_env& env, dashboard_params params,
                     std::function<void(caf::expected<nlohmann::json>)> done);

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
