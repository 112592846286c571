// One channel's dashboard figures for other domains (actors/orgstreams sums an org's channels):
// the parameters the dashboard routes read and the builder they call.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

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

}  // namespace aethex::actors
