// The payouts domain's own parts, for its module.cpp and tests; other domains include
// payouts.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// [from_ms, to_ms) of a month "YYYY-MM" in UTC; nullopt when it is not one (1970-2200).
std::optional<std::pair<std::int64_t, std::int64_t>> month_range(std::string_view month);

/// "YYYY-MM" of the UTC month holding `ms`.
std::string month_of_ms(std::int64_t ms);

/// The earnings statement of a month from the statement query's rows (docs/monetization.md).
nlohmann::json build_statement(std::string_view channel, std::string_view month,
                               std::string_view currency, std::vector<nlohmann::json> rows);

/// One CSV row per payment: date,payment,product,gross,cut,fee,net,status (amounts in units).
std::string statement_csv(const nlohmann::json& statement);

/// channels/{channel}/payouts…, earnings[.csv], tax-form; admin/payouts/{channel}/{n}/fail.
void add_payout_routes(route_table& routes, const node_env& env);

/// payouts/<channel> in the console: status, tick.
console::adapter payouts_adapter();

}  // namespace aethex::actors
