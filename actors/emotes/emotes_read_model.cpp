#include "actors/emotes/emotes_read_model.hpp"

#include <algorithm>

#include "actors/core/read_model_support.hpp"
#include "actors/emotes/emotes.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view stream_prefix = "emotes/";

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"emotes.added", "emotes.deleted", "emotes.taken_down"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

json recent_emotes(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto limit = std::clamp(args.value("limit", std::int64_t{50}), std::int64_t{1},
                          std::int64_t{100});
  auto rows = db.prepare(
    "SELECT channel, code, image, format, width, height, bytes, frames, added_by, added_at_ms "
    "FROM emotes ORDER BY added_at_ms DESC, channel, code");
  json out = json::array();
  while (static_cast<std::int64_t>(out.size()) < limit && rows.step()) {
    auto channel = rows.column_text(0);
    if (!owns("emotes", channel))
      continue;
    auto id = rows.column_text(2);
    out.push_back(json{{"channel", channel},
                       {"code", rows.column_text(1)},
                       {"id", id},
                       {"format", rows.column_text(3)},
                       {"width", rows.column_int64(4)},
                       {"height", rows.column_int64(5)},
                       {"bytes", rows.column_int64(6)},
                       {"frames", rows.column_int64(7)},
                       {"url", emote_url(channel, id)},
                       {"added_by", rows.column_text(8)},
                       {"added_at_ms", rows.column_int64(9)}});
  }
  return out;
}

}  // namespace

void emotes_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS emotes(channel TEXT NOT NULL, code TEXT NOT NULL, "
    "image TEXT NOT NULL, format TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, "
    "bytes INTEGER NOT NULL, frames INTEGER NOT NULL, added_by TEXT NOT NULL, "
    "added_at_ms INTEGER NOT NULL, PRIMARY KEY(channel, code))");
  db.exec("CREATE INDEX IF NOT EXISTS emotes_by_age ON emotes(added_at_ms)");
}

void emotes_projection::reset(storage::sqlite::database& db) { db.exec("DELETE FROM emotes"); }

void emotes_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  // A sub emote's tier changes nothing the operators' list shows.
  if (!e.stream.starts_with(stream_prefix) || e.data.type == "emotes.tier_set")
    return;
  auto body = projected_payload(schemas(), e, projection_name);
  auto channel = e.stream.substr(stream_prefix.size());
  auto code = body.value("code", "");
  if (e.data.type == "emotes.added") {
    tx.db()
      .prepare(
        "INSERT OR REPLACE INTO emotes(channel, code, image, format, width, height, bytes, "
        "frames, added_by, added_at_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, channel)
      .bind(2, code)
      .bind(3, body.value("id", ""))
      .bind(4, body.value("format", ""))
      .bind(5, body.value("width", std::int64_t{0}))
      .bind(6, body.value("height", std::int64_t{0}))
      .bind(7, body.value("bytes", std::int64_t{0}))
      .bind(8, body.value("frames", std::int64_t{1}))
      .bind(9, body.value("by", ""))
      .bind(10, e.data.timestamp_ms)
      .run();
  } else {  // deleted or taken down: no longer listed
    tx.db()
      .prepare("DELETE FROM emotes WHERE channel = ?1 AND code = ?2")
      .bind(1, channel)
      .bind(2, code)
      .run();
  }
}

std::optional<std::uint64_t> emotes_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM emotes");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

void add_emote_queries(read_query_table& queries) {
  queries[std::string{emote_queries::recent}] = recent_emotes;
}

}  // namespace aethex::actors
