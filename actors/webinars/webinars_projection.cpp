#include "actors/webinars/webinars_projection.hpp"

#include <stdexcept>

#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view webinar_prefix = "webinar/";

const storage::event_schema_registry& webinar_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (const char* type :
         {"webinar.created", "webinar.updated", "webinar.deleted", "webinar.slide_changed"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

json webinar_payload(const storage::recorded_event& e) {
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("webinars: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  return body;
}

}  // namespace

void webinars_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS webinars(id TEXT PRIMARY KEY, channel TEXT NOT NULL, "
    "title TEXT NOT NULL, starts_at_ms INTEGER NOT NULL, duration_min INTEGER NOT NULL, "
    "deleted INTEGER NOT NULL DEFAULT 0)");
  db.exec("CREATE INDEX IF NOT EXISTS webinars_by_channel ON webinars(channel, starts_at_ms)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS webinar_slides(webinar TEXT NOT NULL, seq INTEGER NOT NULL, "
    "channel TEXT NOT NULL, at_ms INTEGER NOT NULL, page INTEGER NOT NULL, "
    "PRIMARY KEY(webinar, seq))");
  db.exec("CREATE INDEX IF NOT EXISTS webinar_slides_by_time ON webinar_slides(channel, at_ms)");
}

void webinars_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM webinars");
  db.exec("DELETE FROM webinar_slides");
}

void webinars_projection::apply(storage::sqlite::transaction& tx,
                                const storage::recorded_event& e) {
  if (!e.stream.starts_with(webinar_prefix) || !webinar_schemas().supported(e.data.type))
    return;
  if (auto problem = webinar_schemas().check(e))
    throw std::runtime_error(*problem);
  auto id = e.stream.substr(webinar_prefix.size());
  auto body = webinar_payload(e);
  auto fields = body.value("fields", json::object());
  auto& db = tx.db();
  if (e.data.type == "webinar.created") {
    db.prepare(
        "INSERT OR REPLACE INTO webinars(id, channel, title, starts_at_ms, duration_min, deleted) "
        "VALUES(?1, ?2, ?3, ?4, ?5, 0)")
      .bind(1, id)
      .bind(2, body.value("channel", ""))
      .bind(3, fields.value("title", ""))
      .bind(4, fields.value("starts_at_ms", std::int64_t{0}))
      .bind(5, fields.value("duration_min", std::int64_t{60}))
      .run();
  } else if (e.data.type == "webinar.updated") {
    if (fields.contains("title"))
      db.prepare("UPDATE webinars SET title = ?2 WHERE id = ?1")
        .bind(1, id)
        .bind(2, fields.value("title", ""))
        .run();
    if (fields.contains("starts_at_ms"))
      db.prepare("UPDATE webinars SET starts_at_ms = ?2 WHERE id = ?1")
        .bind(1, id)
        .bind(2, fields.value("starts_at_ms", std::int64_t{0}))
        .run();
    if (fields.contains("duration_min"))
      db.prepare("UPDATE webinars SET duration_min = ?2 WHERE id = ?1")
        .bind(1, id)
        .bind(2, fields.value("duration_min", std::int64_t{60}))
        .run();
  } else if (e.data.type == "webinar.deleted") {
    db.prepare("UPDATE webinars SET deleted = 1 WHERE id = ?1").bind(1, id).run();
  } else {
    db.prepare(
        "INSERT OR REPLACE INTO webinar_slides(webinar, seq, channel, at_ms, page) "
        "VALUES(?1, ?2, ?3, ?4, ?5)")
      .bind(1, id)
      .bind(2, static_cast<std::int64_t>(e.seq))
      .bind(3, body.value("channel", ""))
      .bind(4, e.data.timestamp_ms)
      .bind(5, body.value("page", std::int64_t{1}))
      .run();
  }
}

std::optional<std::uint64_t> webinars_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM webinars) + (SELECT COUNT(*) FROM webinar_slides)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json webinars_of_channel(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = json::array();
  auto channel = args.value("channel", std::string{});
  auto q = db.prepare(
    "SELECT id, title, starts_at_ms, duration_min FROM webinars WHERE channel = ?1 AND "
    "deleted = 0 AND starts_at_ms + duration_min * 60000 > ?2 ORDER BY starts_at_ms LIMIT 50");
  q.bind(1, channel).bind(2, args.value("from_ms", std::int64_t{0}));
  while (q.step()) {
    auto id = q.column_text(0);
    if (!owns("webinar", id))
      continue;
    rows.push_back(json{{"id", id},
                        {"title", q.column_text(1)},
                        {"starts_at_ms", q.column_int64(2)},
                        {"duration_min", q.column_int64(3)}});
  }
  return rows;
}

json webinar_slides_rows(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = json::array();
  auto add = [&](storage::sqlite::statement& q) {
    while (q.step()) {
      auto webinar = q.column_text(0);
      if (owns("webinar", webinar))
        rows.push_back(json{
          {"webinar", webinar}, {"at_ms", q.column_int64(1)}, {"page", q.column_int64(2)}});
    }
  };
  if (auto webinar = args.value("webinar", std::string{}); !webinar.empty()) {
    auto q = db.prepare(
      "SELECT webinar, at_ms, page FROM webinar_slides WHERE webinar = ?1 ORDER BY seq LIMIT ?2");
    q.bind(1, webinar).bind(2, webinar_slides_listed_max);
    add(q);
    return rows;
  }
  auto channel = args.value("channel", std::string{});
  auto q = db.prepare(
    "SELECT webinar, at_ms, page FROM ("
    " SELECT * FROM (SELECT s.* FROM webinar_slides s JOIN webinars w ON w.id = s.webinar"
    "  WHERE s.channel = ?1 AND s.at_ms < ?2 AND w.deleted = 0"
    "  ORDER BY s.at_ms DESC, s.seq DESC LIMIT 1)"
    " UNION ALL SELECT s.* FROM webinar_slides s JOIN webinars w ON w.id = s.webinar"
    "  WHERE s.channel = ?1 AND s.at_ms >= ?2 AND s.at_ms <= ?3 AND w.deleted = 0) "
    "ORDER BY at_ms, seq LIMIT ?4");
  q.bind(1, channel)
    .bind(2, args.value("from_ms", std::int64_t{0}))
    .bind(3, args.value("to_ms", std::int64_t{0}))
    .bind(4, webinar_slides_listed_max);
  add(q);
  return rows;
}

}  // namespace aethex::actors
