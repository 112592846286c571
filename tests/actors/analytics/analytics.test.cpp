// analytics/<channel> over a real registry and store with a manual clock: heartbeats become
// exactly the minute events docs/analytics.md describes (reconnects continue a view, a 60 s gap
// starts another, `ended` closes it, the peak of open spans, two tabs of one user counted once,
// the bound on open spans), and nothing is written for minutes without watching.
#include "actors/analytics/analytics.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runtime/errors.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct analytics_fixture {
  test::entity_fixture f{{.manual_clock = true}};
  std::int64_t start = 0;  // a minute boundary

  analytics_fixture() {
    auto now = f.clock.now_ms();
    f.clock.advance(std::chrono::milliseconds(60'000 - now % 60'000));
    start = f.clock.now_ms();
  }
  // Moves the clock to `s` seconds after the start.
  void at(std::int64_t s) {
    f.clock.advance(std::chrono::milliseconds(start + s * 1000 - f.clock.now_ms()));
  }
  caf::expected<bool> beat(const std::string& viewer, bool ended = false,
                           const std::string& source = "direct", const std::string& referrer = "") {
    return f.ask<bool>("analytics", "alice", analytics_beat_atom::value,
                       watch_beat{viewer, source, referrer, ended});
  }
  void beat_at(std::int64_t s, const std::string& viewer, bool ended = false) {
    at(s);
    REQUIRE(beat(viewer, ended));
  }
  std::uint32_t tick() {
    auto n = f.ask<std::uint32_t>("analytics", "alice", analytics_tick_atom::value);
    REQUIRE(n);
    return *n;
  }
  analytics_live_view live() {
    auto v = f.ask<analytics_live_view>("analytics", "alice", get_atom::value);
    REQUIRE(v);
    return *v;
  }
  std::vector<json> minutes() {
    std::vector<json> out;
    for (auto& e : f.events().read_stream("analytics/alice", 1, 1000)) {
      CHECK(e.data.type == "analytics.minute");
      out.push_back(json::parse(e.data.payload));
    }
    return out;
  }
  std::int64_t minute(int n) const { return start + n * 60'000; }
};

}  // namespace

TEST_CASE("a reconnect with the same viewer id continues the view and its watch time") {
  analytics_fixture t;
  t.beat_at(0, "v:tab1");
  t.beat_at(15, "v:tab1");
  t.beat_at(30, "v:tab1");
  t.beat_at(40, "v:tab1");  // the page reloaded: same viewer id, 10 s later
  t.beat_at(55, "v:tab1");
  CHECK(t.live().open_spans == 1);
  CHECK(t.tick() == 0);  // the minute is not over
  t.at(60);
  CHECK(t.tick() == 1);
  t.beat_at(70, "v:tab1");  // continues across the minute: 15 s in the next minute
  t.at(120);
  CHECK(t.tick() == 1);
  auto m = t.minutes();
  REQUIRE(m.size() == 2);
  CHECK(m[0]["minute_ms"] == t.minute(0));
  CHECK(m[0]["watch_s"] == json{{"v:tab1", 55}});
  CHECK(m[0]["views"] ==
        json::array({json{{"viewer", "v:tab1"}, {"source", "direct"}, {"referrer", ""}}}));
  CHECK(m[0]["peak_viewers"] == 1);
  CHECK(m[1]["minute_ms"] == t.minute(1));
  CHECK(m[1]["watch_s"] == json{{"v:tab1", 15}});
  CHECK(m[1]["views"].empty());
}

TEST_CASE("a gap over 45 s ends the span at its last beat and the next beat is a new view") {
  analytics_fixture t;
  t.beat_at(0, "v:a");
  t.beat_at(15, "v:a");
  t.beat_at(75, "v:a");  // 60 s later: a new view, nothing credited for the gap
  t.beat_at(90, "v:a");
  t.at(120);
  CHECK(t.tick() == 1);
  auto m = t.minutes();
  REQUIRE(m.size() == 2);  // the first was written by the beat at 75 s
  CHECK(m[0]["watch_s"] == json{{"v:a", 15}});
  CHECK(m[0]["views"].size() == 1);
  CHECK(m[1]["watch_s"] == json{{"v:a", 15}});
  CHECK(m[1]["views"].size() == 1);
  // 45 s exactly still continues.
  t.beat_at(135, "v:a");
  t.at(180);
  CHECK(t.tick() == 1);
  CHECK(t.minutes()[2]["watch_s"] == json{{"v:a", 45}});
  CHECK(t.minutes()[2]["views"].empty());
}

TEST_CASE("ended credits up to its beat and closes the span; a lone ended starts nothing") {
  analytics_fixture t;
  t.beat_at(0, "v:a");
  t.beat_at(10, "v:a", true);
  CHECK(t.live().open_spans == 0);
  t.beat_at(20, "v:b", true);  // no span open: nothing
  CHECK(t.live().open_spans == 0);
  t.beat_at(30, "v:a");  // a new view
  t.at(60);
  CHECK(t.tick() == 1);
  auto m = t.minutes();
  REQUIRE(m.size() == 1);
  CHECK(m[0]["watch_s"] == json{{"v:a", 10}});
  CHECK(m[0]["views"].size() == 2);
}

TEST_CASE("the peak counts open spans; lapsed ones no longer count") {
  analytics_fixture t;
  t.beat_at(0, "v:a");
  t.beat_at(5, "v:b", false);
  t.beat_at(10, "v:c");
  t.beat_at(20, "v:a", true);  // still open at this instant: 3
  t.beat_at(25, "v:d");        // b, c, d: 3
  t.beat_at(40, "v:d");
  t.beat_at(55, "v:d");
  t.beat_at(70, "v:d");  // b (last 5 s) and c (last 10 s) lapsed: only d
  t.at(120);
  CHECK(t.tick() == 1);
  auto m = t.minutes();
  REQUIRE(m.size() == 2);
  CHECK(m[0]["peak_viewers"] == 3);
  CHECK(m[0]["views"].size() == 4);
  CHECK(m[1]["peak_viewers"] == 1);
  CHECK(t.live().open_spans == 0);  // d lapsed by 120 s too
}

TEST_CASE("two tabs of one signed-in user are one viewer; quick beats credit real time once") {
  analytics_fixture t;
  for (auto s : {0, 2, 15, 17, 30, 31, 32})
    t.beat_at(s, "u:bob");
  t.at(60);
  CHECK(t.tick() == 1);
  auto m = t.minutes();
  REQUIRE(m.size() == 1);
  CHECK(m[0]["watch_s"] == json{{"u:bob", 32}});
  CHECK(m[0]["views"].size() == 1);
  CHECK(m[0]["peak_viewers"] == 1);
}

TEST_CASE("sources and referrers belong to the beat that started the view") {
  analytics_fixture t;
  t.at(0);
  REQUIRE(t.beat("v:a", false, "external", "news.example.org"));
  t.at(15);
  REQUIRE(t.beat("v:a", false, "search", "ignored.example"));
  CHECK(code_of(t.beat("v:a", false, "nowhere").error()) == errc::invalid_argument);
  t.at(60);
  CHECK(t.tick() == 1);
  auto views = t.minutes()[0]["views"];
  REQUIRE(views.size() == 1);
  CHECK(views[0]["source"] == "external");
  CHECK(views[0]["referrer"] == "news.example.org");
}

TEST_CASE("minutes without watching write nothing") {
  analytics_fixture t;
  t.at(600);
  CHECK(t.tick() == 0);
  t.beat_at(610, "v:a", false);
  t.at(900);
  CHECK(t.tick() == 1);
  CHECK(t.tick() == 0);
  CHECK(t.minutes().size() == 1);
  CHECK(t.minutes()[0]["peak_viewers"] == 1);
  CHECK(t.minutes()[0]["watch_s"].empty());
}

TEST_CASE("open spans are bounded: one more is refused as busy until one ends") {
  analytics_fixture t;
  t.at(0);
  for (std::size_t i = 0; i < analytics_limits::max_open_spans; ++i)
    REQUIRE(t.beat("v:" + std::to_string(i)));
  auto refused = t.beat("v:one-more");
  REQUIRE(!refused);
  CHECK(code_of(refused.error()) == errc::rate_limited);
  CHECK(reason_of(refused.error()) == "busy");
  REQUIRE(t.beat("v:0"));  // an open span goes on
  REQUIRE(t.beat("v:1", true));
  CHECK(t.beat("v:one-more"));
  CHECK(t.live().open_spans == analytics_limits::max_open_spans);
  t.at(60);
  CHECK(t.tick() == 1);
  auto m = t.minutes();
  REQUIRE(m.size() == 1);
  CHECK(m[0]["peak_viewers"] == analytics_limits::max_open_spans);
  // The list holds max_minute_views; the one more is counted by source.
  CHECK(m[0]["views"].size() == analytics_limits::max_minute_views);
  CHECK(m[0]["extra_views"] == json{{"direct", 1}});
}

TEST_CASE("the last written minute comes back after a restart") {
  analytics_fixture t;
  t.beat_at(0, "v:a");
  t.at(60);
  CHECK(t.tick() == 1);
  t.f.restart();
  CHECK(t.live().last_written_minute_ms == t.minute(0));
  CHECK(t.live().open_spans == 0);  // spans live in memory only
}

TEST_CASE("a flush writes the minute so far; the rest of it comes as a second event") {
  analytics_fixture t;
  t.beat_at(0, "v:a");
  t.beat_at(15, "v:a");
  auto flushed = t.f.ask<std::uint32_t>("analytics", "alice", analytics_flush_atom::value);
  REQUIRE(flushed);
  CHECK(*flushed == 1);
  t.beat_at(30, "v:a");
  t.at(60);
  CHECK(t.tick() == 1);
  auto m = t.minutes();
  REQUIRE(m.size() == 2);
  CHECK(m[0]["minute_ms"] == t.minute(0));
  CHECK(m[1]["minute_ms"] == t.minute(0));
  CHECK(m[0]["watch_s"] == json{{"v:a", 15}});
  CHECK(m[1]["watch_s"] == json{{"v:a", 15}});
  CHECK(m[0]["views"].size() == 1);
  CHECK(m[1]["views"].empty());
}
