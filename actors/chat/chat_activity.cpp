#include "actors/chat/chat_activity.hpp"

#include "actors/chat/chat_events.hpp"

namespace aethex::actors {
namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::size_t max_channels_asked = 10'000;  // live channels a trending page ranks

}  // namespace

void chat_activity::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS chat_minutes(channel TEXT NOT NULL, minute INTEGER NOT NULL, "
    "messages INTEGER NOT NULL, PRIMARY KEY(channel, minute)) WITHOUT ROWID");
}

void chat_activity::reset(storage::sqlite::database& db) { db.exec("DELETE FROM chat_minutes"); }

void chat_activity::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  // Only counted, never read: the payload and its schema do not matter here.
  if (e.data.type != "chat.message" || !e.stream.starts_with(chat_events::stream_prefix))
    return;
  auto channel = std::string_view{e.stream}.substr(chat_events::stream_prefix.size());
  auto minute = e.data.timestamp_ms / minute_ms;
  // Every chat message comes through here: its two statements are prepared once.
  auto& db = tx.db();
  db.cached(
      "INSERT INTO chat_minutes(channel, minute, messages) VALUES(?1, ?2, 1) "
      "ON CONFLICT(channel, minute) DO UPDATE SET messages = messages + 1")
    ->bind(1, channel)
    .bind(2, minute)
    .run();
  db.cached("DELETE FROM chat_minutes WHERE channel = ?1 AND minute < ?2")
    ->bind(1, channel)
    .bind(2, minute - kept_minutes)
    .run();
}

std::optional<std::uint64_t> chat_activity::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM chat_minutes");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

nlohmann::json chat_velocity_query(storage::sqlite::database& db, const nlohmann::json& args,
                                   const owns_fn& owns) {
  auto out = nlohmann::json::array();
  auto channels = args.value("channels", nlohmann::json::array());
  if (!channels.is_array() || channels.size() > max_channels_asked)
    return out;
  auto since_minute = args.value("since_ms", std::int64_t{0}) / minute_ms;
  auto sum = db.prepare(
    "SELECT COALESCE(SUM(messages), 0) FROM chat_minutes WHERE channel = ?1 AND minute >= ?2");
  for (auto& item : channels) {
    auto channel = item.is_string() ? item.get<std::string>() : std::string{};
    if (channel.empty() || !owns("chat", channel))
      continue;
    sum.reset();
    sum.bind(1, channel).bind(2, since_minute);
    if (sum.step() && sum.column_int64(0) > 0)
      out.push_back({{"channel", channel}, {"messages", sum.column_int64(0)}});
  }
  return out;
}

}  // namespace aethex::actors
