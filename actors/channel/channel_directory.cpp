#include "actors/channel/channel_directory.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace aethex::actors {
namespace {

std::optional<std::string> text_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    return std::nullopt;
  return it->get<std::string>();
}

channel_directory::channel read_row(const storage::sqlite::statement& q) {
  return {q.column_text(0),       q.column_text(1), q.column_text(2),
          q.column_int64(3) != 0, q.column_text(4), q.column_int64(5)};
}

constexpr std::string_view select_columns =
  "SELECT name, title, category, live, owner, updated_ms FROM channels ";

}  // namespace

const storage::event_schema_registry& channel_directory::schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (const char* type :
         {"channel.created", "channel.updated", "channel.went_live", "channel.went_offline"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

void channel_directory::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS channels("
    "name TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '', "
    "live INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '', "
    "updated_ms INTEGER NOT NULL DEFAULT 0)");
  db.exec("CREATE INDEX IF NOT EXISTS channels_live ON channels(live, name)");
}

void channel_directory::reset(storage::sqlite::database& db) { db.exec("DELETE FROM channels"); }

void channel_directory::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(stream_prefix))
    return;
  if (auto problem = schemas().check(e))
    throw std::runtime_error(*problem);
  const std::string channel = e.stream.substr(stream_prefix.size());
  const auto& type = e.data.type;
  auto& db = tx.db();

  auto payload = [&] {
    auto j = nlohmann::json::parse(e.data.payload.empty() ? "{}" : e.data.payload, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw std::runtime_error("channel_directory: malformed payload of " + type + " in " +
                               e.stream + " seq " + std::to_string(e.seq));
    return j;
  };

  if (type == "channel.created") {
    const auto j = payload();
    db.prepare(
        "INSERT INTO channels(name, title, owner, updated_ms) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT(name) DO UPDATE SET title = excluded.title, owner = excluded.owner, "
        "updated_ms = excluded.updated_ms")
      .bind(1, channel)
      .bind(2, text_field(j, "title").value_or(""))
      .bind(3, text_field(j, "owner").value_or(""))
      .bind(4, e.data.timestamp_ms)
      .run();
  } else if (type == "channel.updated") {
    const auto j = payload();
    db.prepare(
        "UPDATE channels SET title = COALESCE(?2, title), category = COALESCE(?3, category), "
        "updated_ms = ?4 WHERE name = ?1")
      .bind(1, channel)
      .bind(2, text_field(j, "title"))
      .bind(3, text_field(j, "category"))
      .bind(4, e.data.timestamp_ms)
      .run();
  } else if (type == "channel.went_live" || type == "channel.went_offline") {
    db.prepare("UPDATE channels SET live = ?2, updated_ms = ?3 WHERE name = ?1")
      .bind(1, channel)
      .bind(2, std::int64_t{type == "channel.went_live" ? 1 : 0})
      .bind(3, e.data.timestamp_ms)
      .run();
  }
  // Other channel.* events (settings, moderation, ...) do not change the directory.
}

std::optional<channel_directory::channel> channel_directory::find(storage::sqlite::database& db,
                                                                  std::string_view name) {
  auto q = db.prepare(std::string(select_columns) + "WHERE name = ?1");
  q.bind(1, name);
  if (!q.step())
    return std::nullopt;
  return read_row(q);
}

std::vector<channel_directory::channel> channel_directory::list(storage::sqlite::database& db,
                                                                bool live_only, std::size_t limit,
                                                                std::string_view after_name) {
  auto q = db.prepare(std::string(select_columns) +
                      "WHERE name > ?1 AND (?2 = 0 OR live = 1) ORDER BY name LIMIT ?3");
  q.bind(1, after_name)
    .bind(2, std::int64_t{live_only ? 1 : 0})
    .bind(3, static_cast<std::int64_t>(limit));
  std::vector<channel> out;
  while (q.step())
    out.push_back(read_row(q));
  return out;
}

std::optional<std::uint64_t> channel_directory::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM channels");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

}  // namespace aethex::actors
