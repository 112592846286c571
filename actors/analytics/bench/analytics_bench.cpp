// Analytics benchmark (not a test): synthetic activity of N channels over D days (default 1,000
// channels x 30 days) projected through the analytics projection into a temp SQLite file, then
// the dashboard's SQL (the analytics route's sessions + dashboard queries) for random channels
// over 7 and 30 days; and the same figures from a raw-events table (one row per heartbeat, chat
// message and follow, indexed by channel and time) without rollups, the peer a dashboard
// without them starts as.
//
// Activity per channel: a long-tailed audience (mean concurrent viewers 200 / rank^0.9, at least
// 1), live on about half the days for 1-3 h, 4% of viewers replaced each minute (new views with
// a mixed traffic source), chat from 10% of viewers a minute, a few follows and unfollows per
// session. Heartbeats every 15 s.
//
// usage: analytics_bench [--channels N] [--days D] [--queries Q] [--raw-queries R] [--dir DIR]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/analytics/analytics_events.hpp"
#include "actors/analytics/analytics_read_model.hpp"
#include "storage/event_store.hpp"
#include "storage/read_model.hpp"

using namespace aethex;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t start_ms = 1'767'225'600'000;  // 2026-01-01T00:00Z

struct config {
  std::size_t channels = 1000;
  std::size_t days = 30;
  std::size_t queries = 300;
  std::size_t raw_queries = 100;
  std::filesystem::path dir = std::filesystem::temp_directory_path();
};

const std::vector<std::pair<const char*, double>> source_mix = {
  {"direct", 0.30},       {"browse", 0.20}, {"following", 0.20}, {"search", 0.10},
  {"notification", 0.10}, {"raid", 0.03},   {"embed", 0.02},     {"external", 0.05}};

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

// Raw rows of the peer: kind 0 heartbeat, 1 chat message, 2 follow, 3 unfollow.
struct raw_row {
  std::uint32_t channel;
  std::int64_t t;
  std::uint8_t kind;
  std::string who;
  const char* source;  // the first beat of a view
};

struct generated {
  std::vector<std::pair<std::string, storage::event>> events;  // (stream, event)
  std::vector<raw_row> raw;
  std::uint64_t viewer_minutes = 0;
};

std::string channel_name(std::size_t i) { return "ch" + std::to_string(i); }

const char* pick_source(std::mt19937_64& rng) {
  double x = std::uniform_real_distribution<double>(0, 1)(rng);
  for (auto& [source, share] : source_mix) {
    if (x < share)
      return source;
    x -= share;
  }
  return "direct";
}

void add_event(generated& g, std::string stream, std::string type, std::int64_t at,
               const json& payload) {
  g.events.emplace_back(std::move(stream), storage::event{std::move(type), 1, at, payload.dump()});
}

// One live session of channel `c` from `begin` for `minutes`.
void session(generated& g, std::mt19937_64& rng, std::size_t c, std::size_t audience,
             std::int64_t begin, int minutes, int n) {
  auto name = channel_name(c);
  auto sid = std::to_string(begin / minute_ms) + "x" + std::to_string(n);
  add_event(g, "stream/" + name + "-" + sid, "stream.started", begin,
            json{{"channel", name}, {"session", sid}});
  const std::size_t pool = audience * 6 + 10;
  auto viewer = [&] { return std::uniform_int_distribution<std::size_t>(0, pool - 1)(rng); };
  std::map<std::size_t, const char*> watching;  // viewer -> source of the view
  while (watching.size() < audience)
    watching.emplace(viewer(), pick_source(rng));
  std::set<std::size_t> joined;  // started a view this minute
  for (auto& [v, _] : watching)
    joined.insert(v);
  for (int m = 0; m < minutes; ++m) {
    auto at = begin + m * minute_ms;
    actors::analytics_events::minute e;
    e.minute_ms = at;
    e.peak_viewers = static_cast<std::uint32_t>(watching.size());
    for (auto& [v, source] : watching) {
      auto key = "v:" + std::to_string(v);
      bool fresh = joined.count(v) > 0;
      e.watch_s[key] = fresh ? 45 : 60;  // a joiner's first beat credits nothing
      if (fresh)
        e.views.push_back({key, source, ""});
      for (int b = 0; b < 4; ++b)
        g.raw.push_back({static_cast<std::uint32_t>(c), at + b * 15'000, 0, key,
                         fresh && b == 0 ? source : nullptr});
      ++g.viewer_minutes;
    }
    json payload;
    to_json(payload, e);
    g.events.emplace_back("analytics/" + name,
                          storage::event{"analytics.minute", 1, at + minute_ms, payload.dump()});
    // Chat from about 10% of the audience.
    std::poisson_distribution<int> chats(0.1 * static_cast<double>(watching.size()));
    for (int k = chats(rng); k > 0; --k) {
      auto user = "u" + std::to_string(viewer());
      auto t = at + std::uniform_int_distribution<std::int64_t>(0, minute_ms - 1)(rng);
      add_event(g, "chat/" + name, "chat.message", t,
                json{{"id", k}, {"user", user}, {"text", "gg"}, {"badges", json::array()}});
      g.raw.push_back({static_cast<std::uint32_t>(c), t, 1, user, nullptr});
    }
    // Churn: 4% leave, as many new views come.
    joined.clear();
    std::size_t churn = std::max<std::size_t>(watching.size() / 25, m % 5 == 0 ? 1 : 0);
    for (std::size_t k = 0; k < churn && !watching.empty(); ++k) {
      auto it = watching.begin();
      std::advance(it, std::uniform_int_distribution<std::size_t>(0, watching.size() - 1)(rng));
      watching.erase(it);
    }
    while (watching.size() < audience) {
      auto v = viewer();
      if (watching.emplace(v, pick_source(rng)).second)
        joined.insert(v);
    }
  }
  // A few follows (2% of the audience) and unfollows.
  std::size_t follows = std::max<std::size_t>(1, audience / 50);
  for (std::size_t k = 0; k < follows; ++k) {
    auto user = "u" + std::to_string(viewer());
    auto t = begin + std::uniform_int_distribution<std::int64_t>(0, minutes * minute_ms)(rng);
    bool unfollow = k % 5 == 4;
    add_event(g, "follows/" + user, unfollow ? "follow.stopped" : "follow.started", t,
              json{{"channel", name}});
    g.raw.push_back({static_cast<std::uint32_t>(c), t, std::uint8_t(unfollow ? 3 : 2), user,
                     nullptr});
  }
  add_event(g, "stream/" + name + "-" + sid, "stream.ended", begin + minutes * minute_ms,
            json::object());
}

generated generate(const config& cfg) {
  generated g;
  std::mt19937_64 rng{42};
  for (std::size_t day = 0; day < cfg.days; ++day)
    for (std::size_t c = 0; c < cfg.channels; ++c) {
      if (std::uniform_real_distribution<double>(0, 1)(rng) > 0.5)
        continue;
      auto audience = static_cast<std::size_t>(
        std::max(1.0, std::round(200.0 / std::pow(static_cast<double>(c + 1), 0.9))));
      auto minutes = std::uniform_int_distribution<int>(60, 180)(rng);
      auto begin = start_ms + static_cast<std::int64_t>(day) * day_ms +
                   std::uniform_int_distribution<std::int64_t>(8, 20)(rng) * 3'600'000;
      session(g, rng, c, audience, begin, minutes, 0);
    }
  // The event log is in time order, as entities append.
  std::stable_sort(g.events.begin(), g.events.end(),
                   [](auto& a, auto& b) { return a.second.timestamp_ms < b.second.timestamp_ms; });
  return g;
}

struct percentiles {
  double p50 = 0, p99 = 0, max = 0;
};
percentiles percentiles_of(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  if (ms.empty())
    return {};
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, std::size_t(q * ms.size()))]; };
  return {at(0.5), at(0.99), ms.back()};
}

void create_raw(storage::sqlite::database& db, const generated& g) {
  db.exec(
    "CREATE TABLE raw_events(channel TEXT NOT NULL, t INTEGER NOT NULL, kind INTEGER NOT NULL, "
    "who TEXT NOT NULL, source TEXT)");
  auto started = clock_type::now();
  db.exec("BEGIN");
  auto insert = db.prepare("INSERT INTO raw_events VALUES(?1, ?2, ?3, ?4, ?5)");
  for (auto& r : g.raw) {
    insert.bind(1, channel_name(r.channel))
      .bind(2, r.t)
      .bind(3, std::int64_t{r.kind})
      .bind(4, r.who)
      .bind(5, r.source ? std::optional<std::string>{r.source} : std::nullopt);
    insert.run();
  }
  db.exec("CREATE INDEX raw_by_channel_time ON raw_events(channel, t)");
  db.exec("COMMIT");
  std::printf("raw peer: %zu rows inserted and indexed in %.1f s\n", g.raw.size(),
              seconds_since(started));
}

// The dashboard's figures from raw rows: views and watch time from heartbeat gaps (the span
// rule), peak as the most viewers with a beat in one minute, chat, follows, uniques, sources.
std::size_t raw_dashboard(storage::sqlite::database& db, const std::string& channel,
                          std::int64_t from, std::int64_t to, std::int64_t bucket) {
  std::size_t rows = 0;
  auto run = [&](const char* sql, bool with_bucket) {
    auto s = db.cached(sql);
    s->bind(1, channel).bind(2, from).bind(3, to);
    if (with_bucket)
      s->bind(4, bucket);
    while (s->step())
      ++rows;
  };
  run(
    "WITH b AS (SELECT t, who, t - LAG(t) OVER (PARTITION BY who ORDER BY t) AS gap "
    "FROM raw_events WHERE channel = ?1 AND kind = 0 AND t >= ?2 AND t < ?3) "
    "SELECT t / ?4, SUM(gap IS NULL OR gap > 45000), SUM(CASE WHEN gap <= 45000 THEN gap "
    "ELSE 0 END) / 1000 FROM b GROUP BY t / ?4",
    true);
  run(
    "SELECT m / ?4, MAX(n) FROM (SELECT t / 60000 * 60000 AS m, COUNT(DISTINCT who) AS n "
    "FROM raw_events WHERE channel = ?1 AND kind = 0 AND t >= ?2 AND t < ?3 GROUP BY m) "
    "GROUP BY m / ?4",
    true);
  run(
    "SELECT t / ?4, SUM(kind = 1), SUM(kind = 2), SUM(kind = 3) FROM raw_events WHERE "
    "channel = ?1 AND kind > 0 AND t >= ?2 AND t < ?3 GROUP BY t / ?4",
    true);
  run(
    "SELECT COUNT(DISTINCT who) FROM raw_events WHERE channel = ?1 AND kind = 0 AND t >= ?2 "
    "AND t < ?3",
    false);
  run(
    "SELECT COUNT(DISTINCT who) FROM raw_events WHERE channel = ?1 AND kind = 1 AND t >= ?2 "
    "AND t < ?3",
    false);
  run(
    "SELECT source, COUNT(*) FROM raw_events WHERE channel = ?1 AND kind = 0 AND t >= ?2 AND "
    "t < ?3 AND source IS NOT NULL GROUP BY source",
    false);
  return rows;
}

std::size_t rollup_dashboard(storage::sqlite::database& db, const actors::read_query_table& q,
                             const std::string& channel, std::int64_t from, std::int64_t to,
                             std::int64_t bucket) {
  auto owns = [](std::string_view, std::string_view) { return true; };
  auto sessions = q.at(std::string{actors::analytics_queries::sessions})(
    db, json{{"channel", channel}, {"from", from}, {"to", to}}, owns);
  json ranges = json::array();
  for (auto& s : sessions)
    ranges.push_back(json::array({s["id"], s["started_at_ms"], s["ended_at_ms"]}));
  auto rows = q.at(std::string{
    actors::analytics_queries::dashboard})(db,
                                           json{{"channel", channel},
                                                {"from", from - from % bucket},
                                                {"to", to},
                                                {"bucket_ms", bucket},
                                                {"sessions", ranges},
                                                {"followers", 20},
                                                {"now", to}},
                                           owns);
  return rows.size() + sessions.size();
}

void usage() {
  std::fprintf(stderr,
               "usage: analytics_bench [--channels N] [--days D] [--queries Q] "
               "[--raw-queries R] [--dir DIR]\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures show as they come, also into a file
  config cfg;
  for (int i = 1; i < argc; ++i) {
    auto arg = std::string{argv[i]};
    if (i + 1 >= argc)
      return usage(), 2;
    auto value = std::string{argv[++i]};
    if (arg == "--channels")
      cfg.channels = std::stoul(value);
    else if (arg == "--days")
      cfg.days = std::stoul(value);
    else if (arg == "--queries")
      cfg.queries = std::stoul(value);
    else if (arg == "--raw-queries")
      cfg.raw_queries = std::stoul(value);
    else if (arg == "--dir")
      cfg.dir = value;
    else
      return usage(), 2;
  }
  auto folder = cfg.dir / ("aethex-analytics-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);

  auto started = clock_type::now();
  auto g = generate(cfg);
  std::printf(
    "activity: %zu channels x %zu days: %zu events (%llu viewer-minutes, %zu raw rows) "
    "generated in %.1f s\n",
    cfg.channels, cfg.days, g.events.size(), static_cast<unsigned long long>(g.viewer_minutes),
    g.raw.size(), seconds_since(started));

  auto store = storage::event_store::in_memory();
  for (auto& [stream, e] : g.events)
    store->append(stream, storage::any_version, std::span{&e, 1});
  g.events.clear();
  g.events.shrink_to_fit();

  double projected_s = 0;
  {
    storage::projection_runner runner{*store, folder / "rollups.db"};
    runner.add(std::make_unique<actors::analytics_projection>());
    started = clock_type::now();
    auto applied = runner.catch_up();
    projected_s = seconds_since(started);
    std::printf("(a) rollup projection: %zu events in %.1f s = %.0f events/s\n", applied,
                projected_s, static_cast<double>(applied) / projected_s);
  }
  store.reset();

  storage::sqlite::database rollups{folder / "rollups.db"};
  rollups.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  storage::sqlite::database raw{folder / "raw.db"};
  create_raw(raw, g);
  g.raw.clear();
  g.raw.shrink_to_fit();
  std::printf("database size: rollups %.0f MB, raw events %.0f MB\n",
              static_cast<double>(std::filesystem::file_size(folder / "rollups.db")) / 1e6,
              static_cast<double>(std::filesystem::file_size(folder / "raw.db")) / 1e6);

  actors::read_query_table queries;
  actors::add_analytics_queries(queries);
  auto end = start_ms + static_cast<std::int64_t>(cfg.days) * day_ms;
  struct range {
    const char* name;
    std::int64_t span;
    std::int64_t bucket;
  };
  for (auto r : {range{"7-day (hour buckets)", 7 * day_ms, 3'600'000},
                 range{"30-day (day buckets)", 30 * day_ms, day_ms}}) {
    std::mt19937_64 rng{7};
    std::vector<std::string> picks;
    for (std::size_t i = 0; i < cfg.queries; ++i)
      picks.push_back(
        channel_name(std::uniform_int_distribution<std::size_t>(0, cfg.channels - 1)(rng)));
    auto time = [&](std::size_t n, auto&& fn) {
      std::vector<double> ms;
      for (std::size_t i = 0; i < n; ++i) {
        auto t = clock_type::now();
        fn(picks[i]);
        ms.push_back(seconds_since(t) * 1000);
      }
      return percentiles_of(ms);
    };
    auto from = end - r.span;
    auto fast = time(cfg.queries, [&](const std::string& c) {
      rollup_dashboard(rollups, queries, c, from, end, r.bucket);
    });
    auto slow = time(std::min(cfg.raw_queries, cfg.queries),
                     [&](const std::string& c) { raw_dashboard(raw, c, from, end, r.bucket); });
    std::printf("(b) %s dashboard, rollups: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu queries)\n",
                r.name, fast.p50, fast.p99, fast.max, cfg.queries);
    std::printf(
      "(c) %s dashboard, raw events: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu "
      "queries); raw/rollups p50 %.0fx, p99 %.0fx\n",
      r.name, slow.p50, slow.p99, slow.max, std::min(cfg.raw_queries, cfg.queries),
      slow.p50 / fast.p50, slow.p99 / fast.p99);
  }
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  return 0;
}
