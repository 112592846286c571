// The subscriptions domain's own parts, for its module.cpp; other domains include
// subscriptions.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

/// `subscription_due`: one row per live subscriber with the time of their next renewal, retry
/// or end (subscriptions/* events), for the renewer.
class subscriptions_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "subscriptions";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

namespace subscription_queries {
/// {"now_ms"} → [{"channel"}]: channels with a subscriber due by then (owned ones).
inline constexpr std::string_view due = "subscriptions.due";
/// {"channel"} → [{"user"}]: up to 200 followers who are not subscribed, in random order.
inline constexpr std::string_view candidates = "subscriptions.candidates";
}  // namespace subscription_queries

void add_subscription_queries(read_query_table& queries);

/// The node's renewer: every `every` (real time) it ticks the channels due on env.clock.
caf::actor spawn_subscription_renewer(const node_env& env, std::chrono::milliseconds every);

/// channels/{channel}/subscriptions…, channels/{channel}/subscription-tiers.
void add_subscription_routes(route_table& routes, const node_env& env);

/// subscriptions/<channel> in the console: tiers, list, status, tick.
console::adapter subscriptions_adapter();

}  // namespace aethex::actors
