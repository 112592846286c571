#include "actors/clip/clip_read_model.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "actors/core/read_model_support.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view clip_prefix = "clip/";
constexpr std::int64_t max_rows = 100;

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"clip.created", "clip.progressed", "clip.rendered", "clip.failed",
                      "clip.renamed", "clip.liked", "clip.unliked", "clip.viewed", "clip.deleted"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

std::string text_of(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Seconds as stored: whole milliseconds (the read model has no floating point columns).
std::int64_t ms_of(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_number() || !std::isfinite(it->get<double>()))
    return 0;
  return std::llround(it->get<double>() * 1000);
}

void update_clip(storage::sqlite::transaction& tx, std::string_view id, std::string_view set,
                 const std::function<void(storage::sqlite::statement&)>& bind = {}) {
  update_row(tx, "clips", id, set, bind);
}

constexpr std::string_view row_columns =
  "id, vod, channel, creator, title, state, progress, error, start_ms, duration_ms, bytes, "
  "exact, live, keyframe_start, node, likes, views, created_at_ms";

json row_json(const storage::sqlite::statement& row) {
  return json{{"id", row.column_text(0)},
              {"vod", row.column_text(1)},
              {"channel", row.column_text(2)},
              {"creator", row.column_text(3)},
              {"title", row.column_text(4)},
              {"state", row.column_text(5)},
              {"progress", row.column_int64(6)},
              {"error", row.column_text(7)},
              {"start_ms", row.column_int64(8)},
              {"duration_ms", row.column_int64(9)},
              {"bytes", static_cast<std::uint64_t>(row.column_int64(10))},
              {"exact", row.column_int64(11) != 0},
              {"live", row.column_int64(12) != 0},
              {"keyframe_start", row.column_int64(13) != 0},
              {"node", row.column_text(14)},
              {"likes", static_cast<std::uint64_t>(row.column_int64(15))},
              {"views", static_cast<std::uint64_t>(row.column_int64(16))},
              {"created_at_ms", row.column_int64(17)}};
}

json channel_clips(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", std::string{});
  auto limit = std::clamp(args.value("limit", std::int64_t{20}), std::int64_t{1}, max_rows);
  auto order = args.value("sort", std::string{"recent"}) == "top"
                 ? "likes DESC, views DESC, created_at_ms DESC, id DESC"
                 : "created_at_ms DESC, id DESC";
  auto states = args.value("all_states", false) ? "" : " AND state = 'ready'";
  auto rows = db.prepare("SELECT " + std::string{row_columns} +
                         " FROM clips WHERE channel = ?1 AND deleted = 0" + states + " ORDER BY " +
                         order);
  rows.bind(1, channel);
  json out = json::array();
  while (static_cast<std::int64_t>(out.size()) < limit && rows.step())
    if (owns("clip", rows.column_text(0)))
      out.push_back(row_json(rows));
  return out;
}

json trending_clips(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto now = args.value("now_ms", std::int64_t{0});
  auto limit = static_cast<std::size_t>(std::clamp(args.value("limit", std::int64_t{20}),
                                                   std::int64_t{1}, max_rows));
  auto rows = db.prepare("SELECT " + std::string{row_columns} +
                         " FROM clips WHERE deleted = 0 AND state = 'ready' AND "
                         "created_at_ms >= ?1");
  rows.bind(1, now - trending_window_ms);
  std::vector<json> scored;
  while (rows.step()) {
    if (!owns("clip", rows.column_text(0)))
      continue;
    auto row = row_json(rows);
    row["score"] = clip_trending_score(row["likes"].get<std::uint64_t>(),
                                       row["views"].get<std::uint64_t>(),
                                       now - row["created_at_ms"].get<std::int64_t>());
    scored.push_back(std::move(row));
  }
  auto better = [](const json& a, const json& b) {
    return std::tuple{a["score"].get<double>(), a["created_at_ms"].get<std::int64_t>()} >
           std::tuple{b["score"].get<double>(), b["created_at_ms"].get<std::int64_t>()};
  };
  auto keep = std::min(limit, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                    scored.end(), better);
  scored.resize(keep);
  return json(scored);
}

}  // namespace

double clip_trending_score(std::uint64_t likes, std::uint64_t views, std::int64_t age_ms) {
  auto age_hours = static_cast<double>(std::max<std::int64_t>(age_ms, 0)) / 3'600'000.0;
  return (3.0 * static_cast<double>(likes) + static_cast<double>(views)) /
         std::pow(age_hours + 2.0, 1.5);
}

void clips_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS clips(id TEXT PRIMARY KEY, vod TEXT NOT NULL, "
    "channel TEXT NOT NULL, creator TEXT NOT NULL, title TEXT NOT NULL, "
    "state TEXT NOT NULL DEFAULT 'rendering', progress INTEGER NOT NULL DEFAULT 0, "
    "error TEXT NOT NULL DEFAULT '', start_ms INTEGER NOT NULL DEFAULT 0, "
    "duration_ms INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, "
    "exact INTEGER NOT NULL DEFAULT 0, live INTEGER NOT NULL DEFAULT 0, "
    "keyframe_start INTEGER NOT NULL DEFAULT 0, node TEXT NOT NULL DEFAULT '', "
    "likes INTEGER NOT NULL DEFAULT 0, views INTEGER NOT NULL DEFAULT 0, "
    "created_at_ms INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0)");
  db.exec("CREATE INDEX IF NOT EXISTS clips_by_channel ON clips(channel, created_at_ms)");
  db.exec("CREATE INDEX IF NOT EXISTS clips_by_age ON clips(created_at_ms)");
}

void clips_projection::reset(storage::sqlite::database& db) { db.exec("DELETE FROM clips"); }

void clips_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(clip_prefix))
    return;
  auto body = projected_payload(schemas(), e, projection_name);
  auto id = e.stream.substr(clip_prefix.size());
  const auto& type = e.data.type;
  if (type == "clip.created") {
    tx.db()
      .prepare(
        "INSERT OR IGNORE INTO clips(id, vod, channel, creator, title, start_ms, duration_ms, "
        "exact, live, created_at_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, id)
      .bind(2, text_of(body, "vod"))
      .bind(3, text_of(body, "channel"))
      .bind(4, text_of(body, "creator"))
      .bind(5, text_of(body, "title"))
      .bind(6, ms_of(body, "start_s"))
      .bind(7, ms_of(body, "duration_s"))
      .bind(8, std::int64_t{body.value("exact", false)})
      .bind(9, std::int64_t{body.value("live", false)})
      .bind(10, e.data.timestamp_ms)
      .run();
  } else if (type == "clip.progressed") {
    update_clip(tx, id, "progress = MAX(progress, ?2)",
                [&](auto& s) { s.bind(2, std::int64_t{body.value("percent", 0)}); });
  } else if (type == "clip.rendered") {
    update_clip(tx, id,
                "state = 'ready', progress = 100, error = '', start_ms = ?2, duration_ms = ?3, "
                "bytes = ?4, keyframe_start = ?5, node = ?6",
                [&](auto& s) {
                  s.bind(2, ms_of(body, "start_s"))
                    .bind(3, ms_of(body, "duration_s"))
                    .bind(4, body.value("bytes", std::int64_t{0}))
                    .bind(5, std::int64_t{body.value("keyframe_start", false)})
                    .bind(6, text_of(body, "node"));
                });
  } else if (type == "clip.failed") {
    update_clip(tx, id, "state = 'failed', error = ?2",
                [&](auto& s) { s.bind(2, text_of(body, "reason")); });
  } else if (type == "clip.renamed") {
    update_clip(tx, id, "title = ?2", [&](auto& s) { s.bind(2, text_of(body, "title")); });
  } else if (type == "clip.liked") {  // the entity writes a like once per user
    update_clip(tx, id, "likes = likes + 1");
  } else if (type == "clip.unliked") {
    update_clip(tx, id, "likes = MAX(likes - 1, 0)");
  } else if (type == "clip.viewed") {
    update_clip(tx, id, "views = views + 1");
  } else if (type == "clip.deleted") {
    update_clip(tx, id, "deleted = 1");
  }
}

std::optional<std::uint64_t> clips_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM clips");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

void add_clip_queries(read_query_table& queries) {
  queries[std::string{clip_queries::channel}] = channel_clips;
  queries[std::string{clip_queries::trending}] = trending_clips;
}

clip_view clip_of_row(const json& row) {
  clip_view c;
  c.id = row.value("id", "");
  c.vod = row.value("vod", "");
  c.channel = row.value("channel", "");
  c.creator = row.value("creator", "");
  c.title = row.value("title", "");
  c.state = row.value("state", "rendering");
  c.progress = static_cast<std::uint32_t>(row.value("progress", std::int64_t{0}));
  c.error = row.value("error", "");
  c.start_s = static_cast<double>(row.value("start_ms", std::int64_t{0})) / 1000.0;
  c.duration_s = static_cast<double>(row.value("duration_ms", std::int64_t{0})) / 1000.0;
  c.bytes = row.value("bytes", std::uint64_t{0});
  c.exact = row.value("exact", false);
  c.live = row.value("live", false);
  c.keyframe_start = row.value("keyframe_start", false);
  c.node = row.value("node", "");
  c.likes = row.value("likes", std::uint64_t{0});
  c.views = row.value("views", std::uint64_t{0});
  c.created_at_ms = row.value("created_at_ms", std::int64_t{0});
  return c;
}

}  // namespace aethex::actors
