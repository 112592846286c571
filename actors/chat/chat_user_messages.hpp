// Read model for moderators' user cards (docs/moderation.md#user-cards): each user's last 20
// messages per room, deleted ones marked, so a card shows them however busy the room is (the
// room itself keeps only its last 100 messages of everyone). Fed by chat.message and
// chat.message_deleted of streams "chat/<channel>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

class chat_user_messages final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "chat_user_messages";
  static constexpr std::int64_t kept_per_user = 20;

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// "chat.user_messages" {"channel","user"} → the user's last messages in that (owned) room,
/// newest first: {"id","text","ts","deleted","automod"}.
nlohmann::json chat_user_messages_query(storage::sqlite::database& db, const nlohmann::json& args,
                                        const owns_fn& owns);

}  // namespace aethex::actors
