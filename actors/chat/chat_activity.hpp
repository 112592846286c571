// Read model of chat activity: messages per channel per minute over the last hour, for the
// chat velocity that trending ranks by (docs/api.md). Fed by chat.message of streams
// "chat/<channel>"; older minutes are dropped as new ones come, so it stays an hour per room.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class chat_activity final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "chat_activity";
  /// Minutes kept per room.
  static constexpr std::int64_t kept_minutes = 60;

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// "chat.velocity" {"channels":[names], "since_ms"} → {"channel","messages"} for the owned
/// rooms with messages in the minutes from since_ms on.
nlohmann::json chat_velocity_query(storage::sqlite::database& db, const nlohmann::json& args,
                                   const owns_fn& owns);

}  // namespace aethex::actors
