#include "actors/bots/projection.hpp"

#include <stdexcept>

#include "actors/webhooks/catalogue.hpp"

namespace aethex::actors {
namespace {

constexpr std::string_view bot_stream_prefix = "bot/";

}  // namespace

void bots_projection::hand_over(storage::sqlite::database& db, const storage::recorded_event& e) {
  if (!deliver_ || now_ms_() - e.data.timestamp_ms > fresh_ms || !acts_on(e))
    return;
  auto event = webhooks::to_public_event(e);
  // Chat lines reach a bot from its room directly; the catalogue's copy would come twice.
  if (!event || event->type == "chat.message" || event->channel.empty())
    return;
  auto on = db.prepare("SELECT 1 FROM bots_enabled WHERE channel = ?1");
  on.bind(1, event->channel);
  if (on.step())
    deliver_(event->channel, event->type, event->data.dump());
}

void bots_projection::create_schema(storage::sqlite::database& db) {
  db.exec("CREATE TABLE IF NOT EXISTS bots_enabled(channel TEXT PRIMARY KEY)");
}

void bots_projection::reset(storage::sqlite::database& db) { db.exec("DELETE FROM bots_enabled"); }

void bots_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(bot_stream_prefix))
    return hand_over(tx.db(), e);
  if (e.data.type != "bot.script_set")
    return;
  auto body = nlohmann::json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("bots: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  auto channel = e.stream.substr(bot_stream_prefix.size());
  auto& db = tx.db();
  if (body.value("enabled", false))
    db.prepare("INSERT OR IGNORE INTO bots_enabled(channel) VALUES(?1)").bind(1, channel).run();
  else
    db.prepare("DELETE FROM bots_enabled WHERE channel = ?1").bind(1, channel).run();
}

std::optional<std::uint64_t> bots_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM bots_enabled");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

nlohmann::json enabled_bots(storage::sqlite::database& db, const nlohmann::json&,
                            const owns_fn& owns) {
  auto rows = nlohmann::json::array();
  auto q = db.prepare("SELECT channel FROM bots_enabled");
  while (q.step()) {
    auto channel = q.column_text(0);
    if (owns("bot", channel))
      rows.push_back({{"channel", channel}});
  }
  return rows;
}

}  // namespace aethex::actors
