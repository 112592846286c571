#include "actors/messaging/dm_projection.hpp"

#include <algorithm>
#include <stdexcept>

#include "actors/messaging/dm_thread.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view stream_prefix = "dm/";

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    registry.declare("dm.sent", 1);
    registry.declare("dm.read", 1);
    return true;
  }();
  (void)declared;
  return registry;
}

[[noreturn]] void malformed(const storage::recorded_event& e) {
  throw std::runtime_error("direct_messages: malformed payload in " + e.stream + " seq " +
                           std::to_string(e.seq));
}

void record_message(storage::sqlite::database& db, const std::string& thread,
                    const std::pair<std::string, std::string>& users, const json& body,
                    std::int64_t at_ms) {
  auto id = body.value("id", std::int64_t{0});
  auto from = body.value("from", std::string{});
  db.prepare(
      "INSERT OR REPLACE INTO dm_messages(thread, id, sender, body, at_ms) "
      "VALUES(?1, ?2, ?3, ?4, ?5)")
    .bind(1, thread)
    .bind(2, id)
    .bind(3, from)
    .bind(4, body.value("text", std::string{}))
    .bind(5, at_ms)
    .run();
  auto upsert = db.prepare(
    "INSERT INTO dm_threads(user, thread, other, last_id, last_at_ms, read_up_to) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(user, thread) DO UPDATE SET "
    "last_id = excluded.last_id, last_at_ms = excluded.last_at_ms, "
    "read_up_to = MAX(read_up_to, excluded.read_up_to)");
  for (auto& [user, other] : {users, std::pair{users.second, users.first}}) {
    upsert.reset();
    // The sender has read their own thread up to what they wrote.
    upsert.bind(1, user).bind(2, thread).bind(3, other).bind(4, id).bind(5, at_ms);
    upsert.bind(6, user == from ? id : std::int64_t{0}).run();
  }
}

}  // namespace

void dm_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS dm_messages(thread TEXT NOT NULL, id INTEGER NOT NULL, "
    "sender TEXT NOT NULL, body TEXT NOT NULL, at_ms INTEGER NOT NULL, "
    "PRIMARY KEY(thread, id)) WITHOUT ROWID");
  db.exec(
    "CREATE TABLE IF NOT EXISTS dm_threads(user TEXT NOT NULL, thread TEXT NOT NULL, "
    "other TEXT NOT NULL, last_id INTEGER NOT NULL, last_at_ms INTEGER NOT NULL, "
    "read_up_to INTEGER NOT NULL, PRIMARY KEY(user, thread))");
  db.exec("CREATE INDEX IF NOT EXISTS dm_threads_recent ON dm_threads(user, last_at_ms)");
}

void dm_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM dm_messages");
  db.exec("DELETE FROM dm_threads");
}

void dm_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(stream_prefix))
    return;
  if (auto problem = schemas().check(e))
    throw std::runtime_error(*problem);
  auto thread = e.stream.substr(stream_prefix.size());
  auto users = dm_participants(thread);
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!users || !body.is_object())
    malformed(e);
  if (e.data.type == "dm.sent")
    return record_message(tx.db(), thread, *users, body, e.data.timestamp_ms);
  if (e.data.type == "dm.read")
    tx.db()
      .prepare(
        "UPDATE dm_threads SET read_up_to = MAX(read_up_to, ?3) WHERE user = ?1 AND thread = ?2")
      .bind(1, body.value("user", std::string{}))
      .bind(2, thread)
      .bind(3, body.value("up_to", std::int64_t{0}))
      .run();
}

std::optional<std::uint64_t> dm_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM dm_messages");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json dm_threads_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT t.thread, t.other, t.last_id, t.last_at_ms, m.sender, m.body, "
    "(SELECT COUNT(*) FROM dm_messages u WHERE u.thread = t.thread AND u.id > t.read_up_to "
    "AND u.sender != t.user) "
    "FROM dm_threads t JOIN dm_messages m ON m.thread = t.thread AND m.id = t.last_id "
    "WHERE t.user = ?1 ORDER BY t.last_at_ms DESC LIMIT ?2");
  rows.bind(1, args.value("user", std::string{}));
  rows.bind(2, static_cast<std::int64_t>(max_listed_threads));
  json out = json::array();
  while (rows.step()) {
    if (!owns("dm", rows.column_text(0)))
      continue;
    out.push_back(json{{"with", rows.column_text(1)},
                       {"last",
                        {{"id", rows.column_int64(2)},
                         {"from", rows.column_text(4)},
                         {"text", rows.column_text(5)},
                         {"at_ms", rows.column_int64(3)}}},
                       {"unread", rows.column_int64(6)}});
  }
  return out;
}

json dm_history_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto thread = args.value("thread", std::string{});
  json out = json::array();
  if (!owns("dm", thread))
    return out;
  auto before = args.value("before", std::int64_t{0});
  auto limit = std::clamp<std::int64_t>(args.value("limit", std::int64_t{50}), 1,
                                        static_cast<std::int64_t>(max_history_page));
  auto rows = db.prepare(
    "SELECT id, sender, body, at_ms FROM dm_messages WHERE thread = ?1 AND (?2 = 0 OR id < ?2) "
    "ORDER BY id DESC LIMIT ?3");
  rows.bind(1, thread).bind(2, before).bind(3, limit);
  while (rows.step())
    out.push_back(json{{"id", rows.column_int64(0)},
                       {"from", rows.column_text(1)},
                       {"text", rows.column_text(2)},
                       {"at_ms", rows.column_int64(3)}});
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace aethex::actors
