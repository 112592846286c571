#include "actors/vod/vod_read_model.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "actors/vod/vod.hpp"
#include "actors/core/read_model_support.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view vod_prefix = "vod/";
constexpr std::string_view chat_prefix = "chat/";
constexpr std::int64_t max_chat_rows = 5000;
// Chat older than the longest retention can belong to no VOD: pruned as a room's chat goes on
// (by the events' own times, so a rebuild prunes alike).
constexpr std::int64_t chat_kept_ms = 366LL * 86'400'000;
constexpr std::int64_t prune_every = 1000;  // messages of a room

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"vod.recorded", "vod.progressed", "vod.finished", "vod.renamed",
                      "vod.privacy_changed", "vod.viewed", "vod.deleted", "chat.message",
                      "chat.message_deleted", "chat.user_banned", "chat.user_timed_out"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

std::int64_t as_int(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

// SET <assignments> on one VOD's row.
void update_vod(storage::sqlite::transaction& tx, std::string_view id, std::string_view set,
                const std::function<void(storage::sqlite::statement&)>& bind = {}) {
  update_row(tx, "vods", id, set, bind);
}

constexpr std::string_view row_columns =
  "id, channel, title, category, node, started_at_ms, duration_ms, bytes, privacy, state, views, "
  "expires_at_ms";

json row_json(const storage::sqlite::statement& row) {
  return json{{"id", row.column_text(0)},
              {"channel", row.column_text(1)},
              {"title", row.column_text(2)},
              {"category", row.column_text(3)},
              {"node", row.column_text(4)},
              {"started_at_ms", row.column_int64(5)},
              {"duration_ms", row.column_int64(6)},
              {"bytes", static_cast<std::uint64_t>(row.column_int64(7))},
              {"privacy", row.column_text(8)},
              {"state", row.column_text(9)},
              {"views", static_cast<std::uint64_t>(row.column_int64(10))},
              {"expires_at_ms", row.column_int64(11)}};
}

json channel_vods(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", std::string{});
  auto limit = args.value("limit", std::int64_t{30});
  std::vector<std::string> privacies;
  if (auto it = args.find("privacies"); it != args.end() && it->is_array())
    for (auto& p : *it)
      if (p.is_string())
        privacies.push_back(p.get<std::string>());
  auto rows = db.prepare("SELECT " + std::string{row_columns} +
                         " FROM vods WHERE channel = ?1 AND deleted = 0 "
                         "ORDER BY started_at_ms DESC, id DESC");
  rows.bind(1, channel);
  json out = json::array();
  while (static_cast<std::int64_t>(out.size()) < limit && rows.step()) {
    auto id = rows.column_text(0);
    auto privacy = rows.column_text(8);
    if (owns("vod", id) &&
        std::find(privacies.begin(), privacies.end(), privacy) != privacies.end())
      out.push_back(row_json(rows));
  }
  return out;
}

json vods_by_ids(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  json out = json::array();
  auto ids = args.value("ids", json::array());
  if (!ids.is_array())
    return out;
  auto row = db.prepare("SELECT " + std::string{row_columns} +
                        " FROM vods WHERE id = ?1 AND deleted = 0");
  for (auto& id : ids) {
    if (!id.is_string() || !owns("vod", id.get<std::string>()))
      continue;
    row.bind(1, id.get<std::string>());
    if (row.step())
      out.push_back(row_json(row));
    row.reset();
  }
  return out;
}

json expired_vods(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT id, node FROM vods WHERE deleted = 0 AND expires_at_ms <= ?1 ORDER BY expires_at_ms");
  rows.bind(1, args.value("now_ms", std::int64_t{0}));
  json out = json::array();
  while (rows.step())
    if (owns("vod", rows.column_text(0)))
      out.push_back(json{{"id", rows.column_text(0)}, {"node", rows.column_text(1)}});
  return out;
}

json disk_use(storage::sqlite::database& db, const json&, const owns_fn& owns) {
  auto rows = db.prepare("SELECT id, node, bytes FROM vods WHERE deleted = 0");
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> per_node;  // vods, bytes
  while (rows.step())
    if (owns("vod", rows.column_text(0))) {
      auto& [vods, bytes] = per_node[rows.column_text(1)];
      ++vods;
      bytes += static_cast<std::uint64_t>(rows.column_int64(2));
    }
  json out = json::array();
  for (auto& [node, figures] : per_node)
    out.push_back(json{{"node", node}, {"vods", figures.first}, {"bytes", figures.second}});
  return out;
}

json chat_window(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", std::string{});
  json out = json::array();
  if (!owns("chat", channel))
    return out;
  auto rows = db.prepare(
    "SELECT id, user, text, badges, at_ms FROM vod_chat WHERE channel = ?1 AND hidden = 0 "
    "AND at_ms >= ?2 AND at_ms < ?3 ORDER BY at_ms, id LIMIT ?4");
  rows.bind(1, channel)
    .bind(2, args.value("from_ms", std::int64_t{0}))
    .bind(3, args.value("to_ms", std::int64_t{0}))
    .bind(4, std::min(args.value("limit", max_chat_rows), max_chat_rows));
  while (rows.step()) {
    auto badges = json::parse(rows.column_text(3), nullptr, false);
    out.push_back(json{{"id", rows.column_int64(0)},
                       {"user", rows.column_text(1)},
                       {"text", rows.column_text(2)},
                       {"badges", badges.is_array() ? badges : json::array()},
                       {"at_ms", rows.column_int64(4)}});
  }
  return out;
}

std::uint64_t count_rows(storage::sqlite::database& db, const char* sql) {
  auto count = db.prepare(sql);
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

}  // namespace

void vods_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS vods(id TEXT PRIMARY KEY, channel TEXT NOT NULL, "
    "title TEXT NOT NULL, category TEXT NOT NULL, node TEXT NOT NULL, "
    "started_at_ms INTEGER NOT NULL, duration_ms INTEGER NOT NULL DEFAULT 0, "
    "bytes INTEGER NOT NULL DEFAULT 0, privacy TEXT NOT NULL DEFAULT 'public', "
    "state TEXT NOT NULL DEFAULT 'recording', views INTEGER NOT NULL DEFAULT 0, "
    "expires_at_ms INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0)");
  db.exec("CREATE INDEX IF NOT EXISTS vods_by_channel ON vods(channel, started_at_ms)");
  db.exec("CREATE INDEX IF NOT EXISTS vods_by_expiry ON vods(deleted, expires_at_ms)");
}

void vods_projection::reset(storage::sqlite::database& db) { db.exec("DELETE FROM vods"); }

void vods_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(vod_prefix))
    return;
  auto body = projected_payload(schemas(), e, projection_name);
  auto id = std::string_view{e.stream}.substr(vod_prefix.size());
  const auto& type = e.data.type;
  if (type == "vod.recorded") {
    auto started = as_int(body, "started_at_ms");
    auto retention = body.value("retention_days", default_vod_retention_days);
    tx.db()
      .prepare(
        "INSERT OR REPLACE INTO vods(id, channel, title, category, node, started_at_ms, "
        "expires_at_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, id)
      .bind(2, body.value("channel", ""))
      .bind(3, body.value("title", ""))
      .bind(4, body.value("category", ""))
      .bind(5, body.value("node", ""))
      .bind(6, started)
      .bind(7, vod_expiry_ms(started, retention))
      .run();
  } else if (type == "vod.progressed" || type == "vod.finished") {
    bool finished = type == "vod.finished";
    update_vod(
      tx, id,
      finished ? "duration_ms = ?2, bytes = ?3, state = 'ready'" : "duration_ms = ?2, bytes = ?3",
      [&](auto& s) { s.bind(2, as_int(body, "duration_ms")).bind(3, as_int(body, "bytes")); });
  } else if (type == "vod.renamed") {
    update_vod(tx, id, "title = ?2", [&](auto& s) { s.bind(2, body.value("title", "")); });
  } else if (type == "vod.privacy_changed") {
    update_vod(tx, id, "privacy = ?2", [&](auto& s) { s.bind(2, body.value("privacy", "")); });
  } else if (type == "vod.viewed") {
    update_vod(tx, id, "views = views + 1");
  } else if (type == "vod.deleted") {
    update_vod(tx, id, "deleted = 1");
  }
}

std::optional<std::uint64_t> vods_projection::row_count(storage::sqlite::database& db) const {
  return count_rows(db, "SELECT COUNT(*) FROM vods");
}

void vod_chat_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS vod_chat(channel TEXT NOT NULL, id INTEGER NOT NULL, "
    "at_ms INTEGER NOT NULL, user TEXT NOT NULL, text TEXT NOT NULL, badges TEXT NOT NULL, "
    "hidden INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(channel, id))");
  db.exec("CREATE INDEX IF NOT EXISTS vod_chat_by_time ON vod_chat(channel, at_ms)");
  db.exec("CREATE INDEX IF NOT EXISTS vod_chat_by_user ON vod_chat(channel, user, at_ms)");
}

void vod_chat_projection::reset(storage::sqlite::database& db) { db.exec("DELETE FROM vod_chat"); }

void vod_chat_projection::apply(storage::sqlite::transaction& tx,
                                const storage::recorded_event& e) {
  if (!e.stream.starts_with(chat_prefix))
    return;
  const auto& type = e.data.type;
  if (type != "chat.message" && type != "chat.message_deleted" && type != "chat.user_banned" &&
      type != "chat.user_timed_out")
    return;
  auto body = projected_payload(schemas(), e, projection_name);
  auto channel = std::string_view{e.stream}.substr(chat_prefix.size());
  if (type == "chat.message") {
    auto badges = body.value("badges", json::array());
    auto insert = tx.db().cached(
      "INSERT OR REPLACE INTO vod_chat(channel, id, at_ms, user, text, badges, hidden) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, 0)");
    insert->bind(1, channel)
      .bind(2, as_int(body, "id"))
      .bind(3, e.data.timestamp_ms)
      .bind(4, body.value("user", ""))
      .bind(5, body.value("text", ""))
      .bind(6, (badges.is_array() ? badges : json::array()).dump());
    insert->run();
    if (as_int(body, "id") % prune_every == 0) {
      auto prune = tx.db().cached("DELETE FROM vod_chat WHERE channel = ?1 AND at_ms < ?2");
      prune->bind(1, channel).bind(2, e.data.timestamp_ms - chat_kept_ms);
      prune->run();
    }
  } else if (type == "chat.message_deleted") {
    auto hide = tx.db().cached("UPDATE vod_chat SET hidden = 1 WHERE channel = ?1 AND id = ?2");
    hide->bind(1, channel).bind(2, as_int(body, "id"));
    hide->run();
  } else {
    // What the room's viewers saw vanish at that moment: the user's messages until then.
    auto hide = tx.db().cached(
      "UPDATE vod_chat SET hidden = 1 WHERE channel = ?1 AND user = ?2 AND at_ms <= ?3");
    hide->bind(1, channel).bind(2, body.value("user", "")).bind(3, e.data.timestamp_ms);
    hide->run();
  }
}

std::optional<std::uint64_t> vod_chat_projection::row_count(storage::sqlite::database& db) const {
  return count_rows(db, "SELECT COUNT(*) FROM vod_chat");
}

void add_vod_queries(read_query_table& queries) {
  queries[std::string{vod_queries::channel}] = channel_vods;
  queries[std::string{vod_queries::by_ids}] = vods_by_ids;
  queries[std::string{vod_queries::expired}] = expired_vods;
  queries[std::string{vod_queries::disk}] = disk_use;
  queries[std::string{vod_queries::chat}] = chat_window;
}

}  // namespace aethex::actors
