#include "actors/social/follows_projection.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

constexpr std::string_view stream_prefix = "follows/";

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    registry.declare("follow.started", 1);
    registry.declare("follow.stopped", 1);
    registry.declare("follow.prefs_changed", 1);  // read by the notify domain's projection
    return true;
  }();
  (void)declared;
  return registry;
}

}  // namespace

void follows_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS follows(user TEXT NOT NULL, channel TEXT NOT NULL, "
    "since_ms INTEGER NOT NULL, PRIMARY KEY(user, channel))");
  db.exec("CREATE INDEX IF NOT EXISTS follows_by_channel ON follows(channel, user)");
}

void follows_projection::reset(storage::sqlite::database& db) { db.exec("DELETE FROM follows"); }

void follows_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(stream_prefix))
    return;
  if (auto problem = schemas().check(e))
    throw std::runtime_error(*problem);
  auto body = nlohmann::json::parse(e.data.payload, nullptr, false);
  if (!body.is_object() || !body.contains("channel") || !body["channel"].is_string())
    throw std::runtime_error("follows: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  auto user = e.stream.substr(stream_prefix.size());
  auto channel = body["channel"].get<std::string>();
  if (e.data.type == "follow.started")
    tx.db()
      .prepare("INSERT OR IGNORE INTO follows(user, channel, since_ms) VALUES(?1, ?2, ?3)")
      .bind(1, user)
      .bind(2, channel)
      .bind(3, e.data.timestamp_ms)
      .run();
  else if (e.data.type == "follow.stopped")
    tx.db()
      .prepare("DELETE FROM follows WHERE user = ?1 AND channel = ?2")
      .bind(1, user)
      .bind(2, channel)
      .run();
}

std::optional<std::uint64_t> follows_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM follows");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

std::uint64_t follows_projection::followers(storage::sqlite::database& db, std::string_view channel,
                                            const std::function<bool(std::string_view)>& owns) {
  auto rows = db.prepare("SELECT user FROM follows WHERE channel = ?1");
  rows.bind(1, channel);
  std::uint64_t count = 0;
  while (rows.step())
    count += owns(rows.column_text(0)) ? 1 : 0;
  return count;
}

}  // namespace aethex::actors
