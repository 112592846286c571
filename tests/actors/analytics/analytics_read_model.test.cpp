// The analytics read model from synthetic events (minute events, chat, follows, stream
// sessions): exact rollups, unique viewers and chatters across days, follower growth, source
// counts, hour and day buckets equal to the sum of their minutes, session figures, and rows
// counted only by the member that owns the partition they came from.
#include "actors/analytics/analytics_read_model.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "runtime/placement.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t day0 = 1'767'225'600'000;  // 2026-01-01T00:00Z

struct model {
  std::filesystem::path file;
  std::unique_ptr<storage::event_store> store = storage::event_store::in_memory();
  std::unique_ptr<storage::projection_runner> runner;
  read_query_table queries;

  model() {
    static std::atomic<int> counter{0};
    file = std::filesystem::temp_directory_path() /
           ("aethex-analytics-rm-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
            ".db");
    std::filesystem::remove(file);
    runner = std::make_unique<storage::projection_runner>(*store, file);
    runner->add(std::make_unique<analytics_projection>());
    add_analytics_queries(queries);
  }
  ~model() {
    runner.reset();
    std::error_code ec;
    for (auto suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(file.string() + suffix, ec);
  }

  void add(const std::string& stream, const std::string& type, std::int64_t at,
           const json& payload) {
    storage::event e{type, 1, at, payload.dump()};
    REQUIRE(store->append(stream, storage::any_version, std::span{&e, 1}));
  }
  void minute(std::int64_t at, int peak, const json& watch, const json& views) {
    add("analytics/alice", "analytics.minute", at + 60'000,
        json{{"minute_ms", at}, {"peak_viewers", peak}, {"watch_s", watch}, {"views", views}});
  }
  json view(const std::string& viewer, const std::string& source) {
    return json{{"viewer", viewer}, {"source", source}, {"referrer", ""}};
  }
  std::vector<json> query(
    std::string_view name, const json& args,
    const owns_fn& owns = [](std::string_view, std::string_view) { return true; }) {
    runner->catch_up();
    auto rows = queries.at(std::string{name})(runner->db(), args, owns);
    return {rows.begin(), rows.end()};
  }
  std::int64_t sql(const std::string& text) {
    auto s = runner->db().prepare(text);
    REQUIRE(s.step());
    return s.column_int64(0);
  }
  std::vector<json> dashboard(
    std::int64_t from, std::int64_t to, std::int64_t bucket,
    const owns_fn& owns = [](std::string_view, std::string_view) { return true; }) {
    return query(analytics_queries::dashboard,
                 json{{"channel", "alice"},
                      {"from", from},
                      {"to", to},
                      {"bucket_ms", bucket},
                      {"followers", 20},
                      {"now", to},
                      {"sessions", json::array({json::array({"s1", day0 + 10 * hour_ms,
                                                             day0 + 11 * hour_ms})})}},
                 owns);
  }
};

std::vector<json> rows_of(const std::vector<json>& rows, const std::string& k) {
  std::vector<json> out;
  for (auto& r : rows)
    if (r["k"] == k)
      out.push_back(r);
  return out;
}

// Two days of alice: day 0 from 10:00 (session s1 10:00-11:00), day 1 at 10:00.
void seed(model& m) {
  auto d0 = day0 + 10 * hour_ms;
  auto d1 = day0 + day_ms + 10 * hour_ms;
  m.add("stream/alice-s1", "stream.started", d0, json{{"channel", "alice"}, {"session", "s1"}});
  m.minute(d0, 2, json{{"u:bob", 40}, {"v:x", 30}},
           json::array({m.view("u:bob", "direct"), m.view("v:x", "search")}));
  m.minute(d0 + minute_ms, 3, json{{"u:bob", 60}, {"v:x", 60}, {"v:z", 20}},
           json::array({m.view("v:z", "direct")}));
  m.minute(d0 + 61 * minute_ms, 1, json{{"v:x", 10}}, json::array());  // 11:01, the next hour
  m.add("stream/alice-s1", "stream.ended", d0 + hour_ms, json::object());
  m.minute(d1, 4, json{{"u:bob", 50}, {"v:y", 50}},
           json::array({m.view("u:bob", "external"), m.view("v:y", "direct")}));
  m.add("chat/alice", "chat.message", d0 + 5'000, json{{"id", 1}, {"user", "bob"}, {"text", "hi"}});
  m.add("chat/alice", "chat.message", d0 + 6'000, json{{"id", 2}, {"user", "bob"}, {"text", "!"}});
  m.add("chat/alice", "chat.message", d0 + 70'000, json{{"id", 3}, {"user", "carl"}});
  m.add("chat/alice", "chat.message", d1 + 1'000, json{{"id", 4}, {"user", "bob"}});
  m.add("follows/bob", "follow.started", d0 + 1'000, json{{"channel", "alice"}});
  m.add("follows/carl", "follow.started", d0 + 80'000, json{{"channel", "alice"}});
  m.add("follows/carl", "follow.stopped", d1 + 2'000, json{{"channel", "alice"}});
  m.add("follows/dan", "follow.started", d1 + 3'000, json{{"channel", "other"}});
}

}  // namespace

TEST_CASE("minute events, chat and follows roll up into exact minute, hour and day rows") {
  model m;
  seed(m);
  auto rows = m.dashboard(day0, day0 + 2 * day_ms, minute_ms);
  auto points = rows_of(rows, "point");
  REQUIRE(points.size() == 4);  // 10:00, 10:01, 11:01 on day 0; 10:00 on day 1
  auto d0 = day0 + 10 * hour_ms;
  CHECK(points[0] == json{{"k", "point"},
                          {"t", d0},
                          {"viewers", 2},
                          {"watch_s", 70},
                          {"views", 2},
                          {"chat_messages", 2},
                          {"new_followers", 1},
                          {"lost_followers", 0}});
  CHECK(points[1]["t"] == d0 + minute_ms);
  CHECK(points[1]["viewers"] == 3);
  CHECK(points[1]["watch_s"] == 140);
  CHECK(points[1]["chat_messages"] == 1);
  CHECK(points[1]["new_followers"] == 1);
  CHECK(points[3]["lost_followers"] == 1);

  // Hours and days hold the sums of their minutes (and the peak).
  for (auto* figure : {"watch_s", "views", "chat_messages", "new_followers", "lost_followers"})
    for (auto* table : {"analytics_hours", "analytics_days"})
      CHECK(m.sql(std::string{"SELECT SUM("} + figure + ") FROM " + table) ==
            m.sql(std::string{"SELECT SUM("} + figure + ") FROM analytics_minutes"));
  auto hours = rows_of(m.dashboard(day0, day0 + 2 * day_ms, hour_ms), "point");
  REQUIRE(hours.size() == 3);
  CHECK(hours[0]["t"] == d0);
  CHECK(hours[0]["viewers"] == 3);
  CHECK(hours[0]["watch_s"] == 210);
  CHECK(hours[0]["views"] == 3);
  CHECK(hours[1]["t"] == d0 + hour_ms);
  CHECK(hours[1]["watch_s"] == 10);
  auto days = rows_of(m.dashboard(day0, day0 + 2 * day_ms, day_ms), "point");
  REQUIRE(days.size() == 2);
  CHECK(days[0]["t"] == day0);
  CHECK(days[0]["watch_s"] == 220);
  CHECK(days[0]["viewers"] == 3);
  CHECK(days[0]["new_followers"] == 2);
  CHECK(days[1]["watch_s"] == 100);
  CHECK(days[1]["viewers"] == 4);
  CHECK(days[1]["lost_followers"] == 1);
}

TEST_CASE("unique viewers and chatters count each person once over the days of the range") {
  model m;
  seed(m);
  auto both = m.dashboard(day0, day0 + 2 * day_ms, day_ms);
  CHECK(rows_of(both, "unique_viewers")[0]["n"] == 4);   // bob, x, z, y
  CHECK(rows_of(both, "unique_chatters")[0]["n"] == 2);  // bob, carl
  auto first = m.dashboard(day0, day0 + day_ms, day_ms);
  CHECK(rows_of(first, "unique_viewers")[0]["n"] == 3);
  auto second = m.dashboard(day0 + day_ms, day0 + 2 * day_ms, day_ms);
  CHECK(rows_of(second, "unique_viewers")[0]["n"] == 2);
  CHECK(rows_of(second, "unique_chatters")[0]["n"] == 1);
}

TEST_CASE("sources, current followers and sessions with their figures") {
  model m;
  seed(m);
  auto rows = m.dashboard(day0, day0 + 2 * day_ms, hour_ms);
  std::map<std::string, std::int64_t> sources;
  for (auto& s : rows_of(rows, "source"))
    sources[s["source"]] = s["views"];
  CHECK(sources ==
        std::map<std::string, std::int64_t>{{"direct", 3}, {"external", 1}, {"search", 1}});
  auto followers = rows_of(rows, "follower");
  REQUIRE(followers.size() == 1);  // carl left; dan follows another channel
  CHECK(followers[0]["user"] == "bob");
  auto figures = rows_of(rows, "session");
  REQUIRE(figures.size() == 1);
  CHECK(
    figures[0] ==
    json{{"k", "session"}, {"id", "s1"}, {"peak_viewers", 3}, {"watch_time_s", 210}, {"views", 3}});
  auto sessions = m.query(analytics_queries::sessions,
                          json{{"channel", "alice"}, {"from", day0}, {"to", day0 + day_ms}});
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0] == json{{"id", "s1"},
                            {"started_at_ms", day0 + 10 * hour_ms},
                            {"ended_at_ms", day0 + 11 * hour_ms}});
  CHECK(
    m.query(analytics_queries::sessions, json{{"channel", "alice"}, {"session", "s1"}}).size() ==
    1);
  CHECK(m.query(analytics_queries::sessions,
                json{{"channel", "alice"}, {"from", day0 + day_ms}, {"to", day0 + 2 * day_ms}})
          .empty());
}

TEST_CASE("a member counts only the rows of the partitions it owns") {
  model m;
  seed(m);
  // A member that owns analytics/alice alone: watching, but no chat or follows.
  auto analytics_part = runtime::partition_of("analytics", "alice");
  owns_fn owns = [&](std::string_view kind, std::string_view id) {
    return runtime::partition_of(kind, id) == analytics_part;
  };
  auto rows = m.dashboard(day0, day0 + 2 * day_ms, day_ms, owns);
  auto days = rows_of(rows, "point");
  REQUIRE(days.size() == 2);
  CHECK(days[0]["watch_s"] == 220);
  bool chat_here = runtime::partition_of("chat", "alice") == analytics_part;
  CHECK(days[0]["chat_messages"] == (chat_here ? 3 : 0));
  CHECK(rows_of(rows, "unique_viewers").size() == 1);
  // Nobody owns anything: no rows at all.
  CHECK(m.dashboard(day0, day0 + 2 * day_ms, day_ms,
                    [](std::string_view, std::string_view) { return false; })
          .empty());
}
