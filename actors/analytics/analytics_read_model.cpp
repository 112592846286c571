#include "actors/analytics/analytics_read_model.hpp"

#include <array>
#include <map>
#include <vector>

#include "actors/analytics/analytics_events.hpp"
#include "actors/analytics/internal.hpp"
#include "actors/core/read_model_support.hpp"
#include "runtime/placement.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace ret = analytics_retention;

constexpr std::string_view analytics_prefix = "analytics/";
constexpr std::string_view chat_prefix = "chat/";
constexpr std::string_view follows_prefix = "follows/";
constexpr std::string_view stream_prefix = "stream/";
constexpr std::string_view analytics_kind = "analytics";
constexpr std::string_view chat_kind = "chat";
constexpr std::string_view follows_kind = "follows";
constexpr std::string_view stream_kind = "stream";
constexpr std::int64_t prune_every_minutes = 10;
constexpr std::int64_t max_sessions = 200;

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"analytics.minute", "chat.message", "follow.started", "follow.stopped",
                      "stream.started", "stream.ended"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

struct figures {
  std::int64_t viewers = 0;
  std::int64_t watch_s = 0;
  std::int64_t views = 0;
  std::int64_t chat_messages = 0;
  std::int64_t new_followers = 0;
  std::int64_t lost_followers = 0;
};

struct bucket_table {
  const char* name;
  std::int64_t width;
};
constexpr std::array<bucket_table, 3> bucket_tables = {{{"analytics_minutes", analytics_minute_ms},
                                                        {"analytics_hours", ret::hour_ms},
                                                        {"analytics_days", ret::day_ms}}};

const char* table_of(std::int64_t bucket_ms) {
  for (auto& b : bucket_tables)
    if (b.width == bucket_ms)
      return b.name;
  return nullptr;
}

// Adds `f` (at time `at_ms`) to the channel's minute, hour and day rows of partition `part`.
void bump(storage::sqlite::transaction& tx, std::string_view channel, std::int64_t at_ms,
          std::uint32_t part, const figures& f) {
  for (auto& b : bucket_tables) {
    auto upsert = tx.db().cached(
      std::string{"INSERT INTO "} + b.name +
      "(channel, t, part, viewers, watch_s, views, chat_messages, new_followers, "
      "lost_followers) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(channel, t, part) "
      "DO UPDATE SET viewers = max(viewers, excluded.viewers), watch_s = watch_s + "
      "excluded.watch_s, views = views + excluded.views, chat_messages = chat_messages + "
      "excluded.chat_messages, new_followers = new_followers + excluded.new_followers, "
      "lost_followers = lost_followers + excluded.lost_followers");
    upsert->bind(1, channel)
      .bind(2, floor_to(at_ms, b.width))
      .bind(3, std::int64_t{part})
      .bind(4, f.viewers)
      .bind(5, f.watch_s)
      .bind(6, f.views)
      .bind(7, f.chat_messages)
      .bind(8, f.new_followers)
      .bind(9, f.lost_followers);
    upsert->run();
  }
}

void add_to_day_set(storage::sqlite::transaction& tx, const char* sql, std::string_view channel,
                    std::int64_t day, std::string_view who) {
  auto insert = tx.db().cached(sql);
  insert->bind(1, channel).bind(2, day).bind(3, who);
  insert->run();
}

void prune(storage::sqlite::transaction& tx, std::string_view channel, std::int64_t now) {
  auto drop = [&](const char* sql, std::int64_t before) {
    auto del = tx.db().cached(sql);
    del->bind(1, channel).bind(2, before);
    del->run();
  };
  drop("DELETE FROM analytics_minutes WHERE channel = ?1 AND t < ?2", now - ret::minutes_kept_ms);
  drop("DELETE FROM analytics_hours WHERE channel = ?1 AND t < ?2", now - ret::hours_kept_ms);
  drop("DELETE FROM analytics_viewer_days WHERE channel = ?1 AND day < ?2",
       now - ret::day_sets_kept_ms);
  drop("DELETE FROM analytics_chatter_days WHERE channel = ?1 AND day < ?2",
       now - ret::day_sets_kept_ms);
}

void project_minute(storage::sqlite::transaction& tx, std::string_view channel, std::uint32_t part,
                    const json& body) {
  auto minute = body.value("minute_ms", std::int64_t{0});
  auto day = floor_to(minute, ret::day_ms);
  figures f;
  f.viewers = body.value("peak_viewers", std::int64_t{0});
  std::map<std::string, std::int64_t> by_source;
  if (auto it = body.find("watch_s"); it != body.end() && it->is_object())
    for (auto& [viewer, s] : it->items()) {
      f.watch_s += s.is_number_unsigned() ? s.get<std::int64_t>() : 0;
      if (viewer != analytics_events::other_watchers)
        add_to_day_set(tx,
                       "INSERT OR IGNORE INTO analytics_viewer_days(channel, day, viewer) "
                       "VALUES(?1, ?2, ?3)",
                       channel, day, viewer);
    }
  if (auto it = body.find("views"); it != body.end() && it->is_array())
    for (auto& v : *it) {
      if (!v.is_object())
        continue;
      ++f.views;
      ++by_source[v.value("source", "direct")];
      add_to_day_set(tx,
                     "INSERT OR IGNORE INTO analytics_viewer_days(channel, day, viewer) "
                     "VALUES(?1, ?2, ?3)",
                     channel, day, v.value("viewer", ""));
    }
  if (auto it = body.find("extra_views"); it != body.end() && it->is_object())
    for (auto& [source, n] : it->items()) {
      auto count = n.is_number_unsigned() ? n.get<std::int64_t>() : 0;
      f.views += count;
      by_source[source] += count;
    }
  bump(tx, channel, minute, part, f);
  for (auto& [source, n] : by_source) {
    auto upsert = tx.db().cached(
      "INSERT INTO analytics_sources(channel, day, source, views) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT(channel, day, source) DO UPDATE SET views = views + excluded.views");
    upsert->bind(1, channel).bind(2, day).bind(3, source).bind(4, n);
    upsert->run();
  }
  if ((minute / analytics_minute_ms) % prune_every_minutes == 0)
    prune(tx, channel, minute);
}

void project_follow(storage::sqlite::transaction& tx, const storage::recorded_event& e,
                    std::string_view user, const json& body) {
  auto channel = body.value("channel", "");
  if (channel.empty())
    return;
  bool started = e.data.type == "follow.started";
  figures f;
  (started ? f.new_followers : f.lost_followers) = 1;
  bump(tx, channel, e.data.timestamp_ms, runtime::partition_of_stream(e.stream), f);
  if (started) {
    auto upsert = tx.db().cached(
      "INSERT OR REPLACE INTO analytics_followers(channel, user, at_ms) VALUES(?1, ?2, ?3)");
    upsert->bind(1, channel).bind(2, user).bind(3, e.data.timestamp_ms);
    upsert->run();
  } else {
    auto del = tx.db().cached("DELETE FROM analytics_followers WHERE channel = ?1 AND user = ?2");
    del->bind(1, channel).bind(2, user);
    del->run();
  }
}

// owns() answers per entity, and a rollup row sums many (every follower's follows/<user>):
// rows carry their partition, and a member asks owns() about one id of each partition (ids
// found once; immutable after).
const std::array<std::string, runtime::partition_count>& partition_ids() {
  static const auto ids = [] {
    std::array<std::string, runtime::partition_count> out{};
    std::size_t found = 0;
    for (std::uint64_t i = 0; found < out.size(); ++i) {
      auto id = "p" + std::to_string(i);
      auto& slot = out[runtime::partition_of(analytics_kind, id)];
      if (slot.empty()) {
        slot = id;
        ++found;
      }
    }
    return out;
  }();
  return ids;
}

std::array<bool, runtime::partition_count> owned_parts(const owns_fn& owns) {
  std::array<bool, runtime::partition_count> out{};
  const auto& ids = partition_ids();
  for (std::size_t p = 0; p < out.size(); ++p)
    out[p] = owns(analytics_kind, ids[p]);
  return out;
}

json sessions_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", std::string{});
  json out = json::array();
  std::optional<storage::sqlite::statement> rows;
  if (auto session = args.find("session"); session != args.end() && session->is_string()) {
    rows.emplace(
      db.prepare("SELECT stream, session, started_at_ms, ended_at_ms FROM analytics_sessions "
                 "WHERE channel = ?1 AND session = ?2"));
    rows->bind(1, channel).bind(2, session->get<std::string>());
  } else {
    rows.emplace(db.prepare(
      "SELECT stream, session, started_at_ms, ended_at_ms FROM analytics_sessions "
      "WHERE channel = ?1 AND started_at_ms < ?3 AND (ended_at_ms = 0 OR ended_at_ms >= ?2) "
      "ORDER BY started_at_ms DESC LIMIT ?4"));
    rows->bind(1, channel)
      .bind(2, args.value("from", std::int64_t{0}))
      .bind(3, args.value("to", std::int64_t{0}))
      .bind(4, max_sessions);
  }
  while (rows->step())
    if (owns(stream_kind, rows->column_text(0)))
      out.push_back(json{{"id", rows->column_text(1)},
                         {"started_at_ms", rows->column_int64(2)},
                         {"ended_at_ms", rows->column_int64(3)}});
  return out;
}

std::int64_t count_of(storage::sqlite::database& db, const char* sql, std::string_view channel,
                      std::int64_t from, std::int64_t to) {
  auto count = db.cached(sql);
  count->bind(1, channel).bind(2, from).bind(3, to);
  return count->step() ? count->column_int64(0) : 0;
}

void add_points(storage::sqlite::database& db, const json& args, const owns_fn& owns, json& out) {
  const char* table = table_of(args.value("bucket_ms", ret::hour_ms));
  if (!table)
    return;
  auto parts = owned_parts(owns);
  auto rows = db.cached(std::string{"SELECT t, part, viewers, watch_s, views, chat_messages, "
                                    "new_followers, lost_followers FROM "} +
                        table + " WHERE channel = ?1 AND t >= ?2 AND t < ?3");
  rows->bind(1, args.value("channel", std::string{}))
    .bind(2, args.value("from", std::int64_t{0}))
    .bind(3, args.value("to", std::int64_t{0}));
  std::map<std::int64_t, figures> points;
  while (rows->step()) {
    auto part = static_cast<std::size_t>(rows->column_int64(1));
    if (part >= parts.size() || !parts[part])
      continue;
    auto& f = points[rows->column_int64(0)];
    f.viewers = std::max(f.viewers, rows->column_int64(2));
    f.watch_s += rows->column_int64(3);
    f.views += rows->column_int64(4);
    f.chat_messages += rows->column_int64(5);
    f.new_followers += rows->column_int64(6);
    f.lost_followers += rows->column_int64(7);
  }
  for (auto& [t, f] : points)
    out.push_back(json{{"k", "point"},
                       {"t", t},
                       {"viewers", f.viewers},
                       {"watch_s", f.watch_s},
                       {"views", f.views},
                       {"chat_messages", f.chat_messages},
                       {"new_followers", f.new_followers},
                       {"lost_followers", f.lost_followers}});
}

// Figures of the sessions' ranges, from minute rows (hour rows once those are gone).
void add_session_figures(storage::sqlite::database& db, const json& args, json& out) {
  auto channel = args.value("channel", std::string{});
  auto now = args.value("now", std::int64_t{0});
  auto sessions = args.value("sessions", json::array());
  for (auto& s : sessions) {
    if (!s.is_array() || s.size() != 3 || !s[0].is_string() || !s[1].is_number_integer() ||
        !s[2].is_number_integer())
      continue;
    auto from = s[1].get<std::int64_t>();
    bool minutes = from >= now - ret::minutes_kept_ms;
    auto width = minutes ? analytics_minute_ms : ret::hour_ms;
    auto sum = db.cached(std::string{"SELECT MAX(viewers), SUM(watch_s), SUM(views) FROM "} +
                         (minutes ? "analytics_minutes" : "analytics_hours") +
                         " WHERE channel = ?1 AND t >= ?2 AND t < ?3");
    sum->bind(1, channel).bind(2, floor_to(from, width)).bind(3, s[2].get<std::int64_t>());
    sum->step();
    out.push_back(json{{"k", "session"},
                       {"id", s[0]},
                       {"peak_viewers", sum->column_int64(0)},
                       {"watch_time_s", sum->column_int64(1)},
                       {"views", sum->column_int64(2)}});
  }
}

json dashboard_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", std::string{});
  auto from = args.value("from", std::int64_t{0});
  auto to = args.value("to", std::int64_t{0});
  auto first_day = floor_to(from, ret::day_ms);
  json out = json::array();
  add_points(db, args, owns, out);
  if (owns(analytics_kind, channel)) {
    out.push_back(json{{"k", "unique_viewers"},
                       {"n", count_of(db,
                                      "SELECT COUNT(DISTINCT viewer) FROM analytics_viewer_days "
                                      "WHERE channel = ?1 AND day >= ?2 AND day < ?3",
                                      channel, first_day, to)}});
    {  // one cached statement on loan at a time
      auto sources = db.cached(
        "SELECT source, SUM(views) FROM analytics_sources WHERE channel = ?1 AND day >= ?2 AND "
        "day < ?3 GROUP BY source");
      sources->bind(1, channel).bind(2, first_day).bind(3, to);
      while (sources->step())
        out.push_back(json{{"k", "source"},
                           {"source", sources->column_text(0)},
                           {"views", sources->column_int64(1)}});
    }
    add_session_figures(db, args, out);
  }
  if (owns(chat_kind, channel))
    out.push_back(json{{"k", "unique_chatters"},
                       {"n", count_of(db,
                                      "SELECT COUNT(DISTINCT user) FROM analytics_chatter_days "
                                      "WHERE channel = ?1 AND day >= ?2 AND day < ?3",
                                      channel, first_day, to)}});
  auto limit = args.value("followers", std::size_t{20});
  auto followers = db.cached(
    "SELECT user, at_ms FROM analytics_followers WHERE channel = ?1 ORDER BY at_ms DESC");
  followers->bind(1, channel);
  for (std::size_t n = 0; n < limit && followers->step();)
    if (owns(follows_kind, followers->column_text(0))) {
      out.push_back(json{{"k", "follower"},
                         {"user", followers->column_text(0)},
                         {"at_ms", followers->column_int64(1)}});
      ++n;
    }
  return out;
}

}  // namespace

void analytics_projection::create_schema(storage::sqlite::database& db) {
  for (auto& b : bucket_tables)
    db.exec(std::string{"CREATE TABLE IF NOT EXISTS "} + b.name +
            "(channel TEXT NOT NULL, t INTEGER NOT NULL, part INTEGER NOT NULL, "
            "viewers INTEGER NOT NULL DEFAULT 0, watch_s INTEGER NOT NULL DEFAULT 0, "
            "views INTEGER NOT NULL DEFAULT 0, chat_messages INTEGER NOT NULL DEFAULT 0, "
            "new_followers INTEGER NOT NULL DEFAULT 0, lost_followers INTEGER NOT NULL DEFAULT 0, "
            "PRIMARY KEY(channel, t, part)) WITHOUT ROWID");
  db.exec(
    "CREATE TABLE IF NOT EXISTS analytics_viewer_days(channel TEXT NOT NULL, day INTEGER NOT "
    "NULL, viewer TEXT NOT NULL, PRIMARY KEY(channel, day, viewer)) WITHOUT ROWID");
  db.exec(
    "CREATE TABLE IF NOT EXISTS analytics_chatter_days(channel TEXT NOT NULL, day INTEGER NOT "
    "NULL, user TEXT NOT NULL, PRIMARY KEY(channel, day, user)) WITHOUT ROWID");
  db.exec(
    "CREATE TABLE IF NOT EXISTS analytics_sources(channel TEXT NOT NULL, day INTEGER NOT NULL, "
    "source TEXT NOT NULL, views INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(channel, day, source)) "
    "WITHOUT ROWID");
  db.exec(
    "CREATE TABLE IF NOT EXISTS analytics_followers(channel TEXT NOT NULL, user TEXT NOT NULL, "
    "at_ms INTEGER NOT NULL, PRIMARY KEY(channel, user))");
  db.exec(
    "CREATE INDEX IF NOT EXISTS analytics_followers_by_time ON analytics_followers(channel, "
    "at_ms)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS analytics_sessions(stream TEXT PRIMARY KEY, channel TEXT NOT "
    "NULL, session TEXT NOT NULL, started_at_ms INTEGER NOT NULL, ended_at_ms INTEGER NOT NULL "
    "DEFAULT 0)");
  db.exec(
    "CREATE INDEX IF NOT EXISTS analytics_sessions_by_time ON analytics_sessions(channel, "
    "started_at_ms)");
}

void analytics_projection::reset(storage::sqlite::database& db) {
  for (auto* table :
       {"analytics_minutes", "analytics_hours", "analytics_days", "analytics_viewer_days",
        "analytics_chatter_days", "analytics_sources", "analytics_followers", "analytics_sessions"})
    db.exec(std::string{"DELETE FROM "} + table);
}

void analytics_projection::apply(storage::sqlite::transaction& tx,
                                 const storage::recorded_event& e) {
  const auto& type = e.data.type;
  std::string_view stream = e.stream;
  if (type == "analytics.minute" && stream.starts_with(analytics_prefix)) {
    auto body = projected_payload(schemas(), e, projection_name);
    project_minute(tx, stream.substr(analytics_prefix.size()), runtime::partition_of_stream(stream),
                   body);
  } else if (type == "chat.message" && stream.starts_with(chat_prefix)) {
    auto body = projected_payload(schemas(), e, projection_name);
    auto channel = stream.substr(chat_prefix.size());
    figures f;
    f.chat_messages = 1;
    bump(tx, channel, e.data.timestamp_ms, runtime::partition_of_stream(stream), f);
    add_to_day_set(tx,
                   "INSERT OR IGNORE INTO analytics_chatter_days(channel, day, user) "
                   "VALUES(?1, ?2, ?3)",
                   channel, floor_to(e.data.timestamp_ms, ret::day_ms), body.value("user", ""));
  } else if ((type == "follow.started" || type == "follow.stopped") &&
             stream.starts_with(follows_prefix)) {
    project_follow(tx, e, stream.substr(follows_prefix.size()),
                   projected_payload(schemas(), e, projection_name));
  } else if (type == "stream.started" && stream.starts_with(stream_prefix)) {
    auto body = projected_payload(schemas(), e, projection_name);
    auto insert = tx.db().cached(
      "INSERT OR REPLACE INTO analytics_sessions(stream, channel, session, started_at_ms, "
      "ended_at_ms) VALUES(?1, ?2, ?3, ?4, 0)");
    insert->bind(1, stream.substr(stream_prefix.size()))
      .bind(2, body.value("channel", ""))
      .bind(3, body.value("session", ""))
      .bind(4, e.data.timestamp_ms);
    insert->run();
  } else if (type == "stream.ended" && stream.starts_with(stream_prefix)) {
    auto end = tx.db().cached("UPDATE analytics_sessions SET ended_at_ms = ?2 WHERE stream = ?1");
    end->bind(1, stream.substr(stream_prefix.size())).bind(2, e.data.timestamp_ms);
    end->run();
  }
}

std::optional<std::uint64_t> analytics_projection::row_count(storage::sqlite::database& db) const {
  std::uint64_t total = 0;
  for (auto* table : {"analytics_minutes", "analytics_hours", "analytics_days",
                      "analytics_viewer_days", "analytics_chatter_days", "analytics_sources",
                      "analytics_followers", "analytics_sessions"}) {
    auto count = db.prepare(std::string{"SELECT COUNT(*) FROM "} + table);
    count.step();
    total += static_cast<std::uint64_t>(count.column_int64(0));
  }
  return total;
}

void add_analytics_queries(read_query_table& queries) {
  queries[std::string{analytics_queries::sessions}] = sessions_query;
  queries[std::string{analytics_queries::dashboard}] = dashboard_query;
}

}  // namespace aethex::actors
