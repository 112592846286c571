#include "actors/chat/chat_user_messages.hpp"

#include "actors/chat/chat_events.hpp"
#include "actors/core/read_model_support.hpp"

namespace aethex::actors {
namespace {

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    registry.declare("chat.message", 1);
    registry.declare("chat.message_deleted", 1);
    return true;
  }();
  (void)declared;
  return registry;
}

}  // namespace

void chat_user_messages::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS chat_user_messages(channel TEXT NOT NULL, user TEXT NOT NULL, "
    "id INTEGER NOT NULL, at_ms INTEGER NOT NULL, text TEXT NOT NULL, deleted INTEGER NOT NULL "
    "DEFAULT 0, automod INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(channel, user, id)) "
    "WITHOUT ROWID");
}

void chat_user_messages::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM chat_user_messages");
}

void chat_user_messages::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  const auto& type = e.data.type;
  if ((type != "chat.message" && type != "chat.message_deleted") ||
      !e.stream.starts_with(chat_events::stream_prefix))
    return;
  auto body = projected_payload(schemas(), e, projection_name);
  auto channel = std::string_view{e.stream}.substr(chat_events::stream_prefix.size());
  auto id = body.value("id", std::int64_t{0});
  auto& db = tx.db();
  if (type == "chat.message_deleted") {
    db.cached("UPDATE chat_user_messages SET deleted = 1 WHERE channel = ?1 AND id = ?2")
      ->bind(1, channel)
      .bind(2, id)
      .run();
    return;
  }
  auto user = body.value("user", "");
  db.cached(
      "INSERT OR REPLACE INTO chat_user_messages(channel, user, id, at_ms, text, deleted, "
      "automod) VALUES(?1, ?2, ?3, ?4, ?5, 0, ?6)")
    ->bind(1, channel)
    .bind(2, user)
    .bind(3, id)
    .bind(4, e.data.timestamp_ms)
    .bind(5, body.value("text", ""))
    .bind(6, std::int64_t{body.value("automod", false) ? 1 : 0})
    .run();
  // Every chat message comes through here: one indexed delete keeps 20 per user and room.
  db.cached(
      "DELETE FROM chat_user_messages WHERE channel = ?1 AND user = ?2 AND id <= "
      "(SELECT id FROM chat_user_messages WHERE channel = ?1 AND user = ?2 ORDER BY id DESC "
      "LIMIT 1 OFFSET ?3)")
    ->bind(1, channel)
    .bind(2, user)
    .bind(3, kept_per_user)
    .run();
}

std::optional<std::uint64_t> chat_user_messages::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM chat_user_messages");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

nlohmann::json chat_user_messages_query(storage::sqlite::database& db, const nlohmann::json& args,
                                        const owns_fn& owns) {
  auto out = nlohmann::json::array();
  auto channel = args.value("channel", "");
  auto user = args.value("user", "");
  if (channel.empty() || user.empty() || !owns("chat", channel))
    return out;
  auto rows = db.prepare(
    "SELECT id, at_ms, text, deleted, automod FROM chat_user_messages WHERE channel = ?1 AND "
    "user = ?2 ORDER BY id DESC LIMIT ?3");
  rows.bind(1, channel).bind(2, user).bind(3, chat_user_messages::kept_per_user);
  while (rows.step())
    out.push_back({{"id", rows.column_int64(0)},
                   {"ts", rows.column_int64(1)},
                   {"text", rows.column_text(2)},
                   {"deleted", rows.column_int64(3) != 0},
                   {"automod", rows.column_int64(4) != 0}});
  return out;
}

}  // namespace aethex::actors
