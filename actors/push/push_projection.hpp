// Read model of web push: each user's subscriptions (from push_subs/<user>) and which channels
// each user follows with notifications on (from follows/<user>), so the sender finds the
// devices to wake when a channel goes live.
//
// Tables: push_subscriptions(user, id, endpoint, p256dh, auth); push_follows(channel, user) —
// a row per follow whose notifications are on. A user's follows and subscriptions may live on
// different members (partitions are per kind and id), so the sender asks in two steps:
// "push.followers" {"channel"} → [{"user"}] (follows owned here), then "push.subscriptions"
// {"users": [...]} → [{"user","id","endpoint","p256dh","auth"}] (subscriptions owned here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

inline constexpr std::string_view push_followers_query_name = "push.followers";
inline constexpr std::string_view push_subscriptions_query_name = "push.subscriptions";
/// Users one "push.subscriptions" query names at most (the sender asks in batches).
inline constexpr std::size_t push_users_per_query = 500;

class push_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "push";
  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

nlohmann::json push_followers_query(storage::sqlite::database& db, const nlohmann::json& args,
                                    const owns_fn& owns);
nlohmann::json push_subscriptions_query(storage::sqlite::database& db, const nlohmann::json& args,
                                        const owns_fn& owns);

}  // namespace aethex::actors
