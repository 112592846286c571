// The analytics routes over a node without front ends (tests/actors/api_node.hpp): heartbeats from
// a guest and a signed-in viewer become the owner's dashboard figures; a stream session narrows
// them; other callers get 401/403/404 as owner routes do; CSV tables with their header; bad
// bodies and parameters are 400; the console's get and tick.
#include <doctest/doctest.h>

#include <sstream>

#include "actors/analytics/analytics.hpp"
#include "actors/channel/channel.hpp"
#include "actors/channel/stream_session.hpp"
#include "actors/social/follows.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto alice = runtime::principal::user("alice");  // owns channel alice
const auto bob = runtime::principal::user("bob");
const auto carl = runtime::principal::user("carl");
const auto nobody = runtime::principal::anonymous();
const auto admin = runtime::principal::admin();

struct analytics_api {
  test::api_node node{{"analytics", "channel"}, {}};
  std::int64_t start = 0;  // a minute boundary

  analytics_api() {
    auto now = node.clock.now_ms();
    node.clock.advance(std::chrono::milliseconds(60'000 - now % 60'000));
    start = node.clock.now_ms();
    REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                  std::string{"Alice"}));
  }
  void at(std::int64_t s) {
    node.clock.advance(std::chrono::milliseconds(start + s * 1000 - node.clock.now_ms()));
  }
  test::api_answer beat(const runtime::principal& who, json body,
                        const std::string& channel = "alice") {
    return node.call(post, "channels/" + channel + "/watch", who, body);
  }
  void close_minutes() {
    REQUIRE(node.ask<std::uint32_t>("analytics", "alice", analytics_tick_atom::value));
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("heartbeats from a guest and a signed-in viewer become the owner's figures") {
  analytics_api t;
  REQUIRE(t.node.ask<stream_session_view>("stream", "alice-s1", create_atom::value,
                                          std::string{"alice"}));
  t.at(0);
  CHECK(t.beat(nobody, {{"viewer", "guest-1"}, {"source", "search"}}).status == 202);
  CHECK(t.beat(bob, {{"viewer", "tab-a"}, {"source", "external"}, {"referrer", "news.example"}})
          .status == 202);
  t.at(15);
  CHECK(t.beat(nobody, {{"viewer", "guest-1"}, {"source", "search"}}).status == 202);
  CHECK(t.beat(bob, {{"viewer", "tab-b"}, {"source", "direct"}}).status == 202);  // same user
  t.at(30);
  CHECK(t.beat(nobody, {{"viewer", "guest-1"}, {"source", "search"}, {"ended", true}}).status ==
        202);
  t.at(45);
  CHECK(t.beat(bob, {{"viewer", "tab-a"}, {"source", "external"}}).status == 202);
  auto live = t.node.console("analytics", "alice", "get");
  REQUIRE(live);
  CHECK((*live)["open_spans"] == 1);  // bob's
  CHECK((*live)["minute_ms"] == t.start);
  CHECK((*live)["minute_peak_viewers"] == 2);
  CHECK((*live)["minute_watch_s"] == 75);
  CHECK((*live)["minute_views"] == 2);
  t.at(60);
  auto ticked = t.node.console("analytics", "alice", "tick");
  REQUIRE(ticked);
  CHECK((*ticked)["written"] == 1);
  REQUIRE(t.node.ask<follows_view>("follows", "bob", follow_atom::value, std::string{"alice"}));
  t.at(70);
  REQUIRE(t.node.ask<stream_session_view>("stream", "alice-s1", end_atom::value));

  auto answer = t.node.call(get, "channels/alice/analytics", alice);
  REQUIRE(answer.status == 200);
  auto& d = answer.body;
  CHECK(d["channel"] == "alice");
  CHECK(d["bucket"] == "hour");  // the default 7 days
  CHECK(d["to"] == t.node.clock.now_ms());
  CHECK(d["totals"] == json{{"views", 2},
                            {"unique_viewers", 2},
                            {"watch_time_s", 75},
                            {"avg_watch_time_s", 37.5},
                            {"peak_viewers", 2},
                            {"chat_messages", 0},
                            {"unique_chatters", 0},
                            {"new_followers", 1},
                            {"lost_followers", 0},
                            {"follower_growth", 1}});
  CHECK(d["series"].size() == 7 * 24 + 1);  // from is not on an hour
  CHECK(d["sources"] == json::array({json{{"source", "external"}, {"views", 1}, {"share", 0.5}},
                                     json{{"source", "search"}, {"views", 1}, {"share", 0.5}}}));
  REQUIRE(d["sessions"].size() == 1);
  CHECK(d["sessions"][0] == json{{"id", "s1"},
                                 {"started_at_ms", t.start},
                                 {"ended_at_ms", t.start + 70'000},
                                 {"peak_viewers", 2},
                                 {"watch_time_s", 75},
                                 {"views", 2}});
  REQUIRE(d["recent_followers"].size() == 1);
  CHECK(d["recent_followers"][0]["user"] == "bob");
  // The payouts module's revenue source answers: no earnings in this range.
  CHECK(d["revenue"]["totals"] == json::array());

  // The session narrows the range to itself, in minutes.
  auto session = t.node.call(get, "channels/alice/analytics?session=s1", alice);
  REQUIRE(session.status == 200);
  CHECK(session.body["bucket"] == "minute");
  CHECK(session.body["from"] == t.start);
  CHECK(session.body["series"].size() == 2);
  CHECK(session.body["series"][0] == json{{"t", t.start},
                                          {"viewers", 2},
                                          {"watch_s", 75},
                                          {"views", 2},
                                          {"chat_messages", 0},
                                          {"new_followers", 0}});
  CHECK(t.node.call(get, "channels/alice/analytics?session=nope", alice).error == errc::not_found);

  // The admin sees it too; nobody else does.
  CHECK(t.node.call(get, "channels/alice/analytics", admin).status == 200);
  CHECK(t.node.call(get, "channels/alice/analytics", carl).error == errc::forbidden);
  CHECK(t.node.call(get, "channels/alice/analytics", nobody).error == errc::unauthorized);
  CHECK(t.node.call(get, "channels/nosuch/analytics", carl).error == errc::not_found);
  CHECK(t.node.call(get, "channels/nosuch/analytics", admin).error == errc::not_found);
  CHECK(t.node.call(get, "channels/alice/analytics.csv", carl).error == errc::forbidden);
}

TEST_CASE("CSV tables carry a header line and one line per row") {
  analytics_api t;
  t.at(0);
  REQUIRE(t.beat(nobody, {{"viewer", "v1"}, {"source", "browse"}}).status == 202);
  t.at(20);
  REQUIRE(t.beat(nobody, {{"viewer", "v1"}, {"source", "browse"}}).status == 202);
  t.at(60);
  t.close_minutes();
  auto range = "&from=" + std::to_string(t.start) + "&to=" + std::to_string(t.start + 180'000);
  auto series = t.node.call(get, "channels/alice/analytics.csv?table=series" + range, alice);
  REQUIRE(series.status == 200);
  CHECK(series.content_type.starts_with("text/csv"));
  auto lines = lines_of(series.text);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "t,viewers,watch_s,views,chat_messages,new_followers");
  CHECK(lines[1] == std::to_string(t.start) + ",1,20,1,0,0");
  CHECK(lines[2] == std::to_string(t.start + 60'000) + ",0,0,0,0,0");
  auto totals = t.node.call(get, "channels/alice/analytics.csv?table=totals" + range, alice);
  REQUIRE(totals.status == 200);
  auto total_lines = lines_of(totals.text);
  REQUIRE(total_lines.size() == 2);
  CHECK(total_lines[0].starts_with("views,unique_viewers,watch_time_s,avg_watch_time_s"));
  CHECK(total_lines[1].starts_with("1,1,20,20.0,1,"));
  auto sources = t.node.call(get, "channels/alice/analytics.csv?table=sources" + range, alice);
  CHECK(lines_of(sources.text) == std::vector<std::string>{"source,views,share", "browse,1,1.0"});
  auto followers = t.node.call(get, "channels/alice/analytics.csv?table=recent_followers", alice);
  CHECK(lines_of(followers.text) == std::vector<std::string>{"user,at_ms"});
  CHECK(t.node.call(get, "channels/alice/analytics.csv?table=bogus", alice).error ==
        errc::invalid_argument);
}

TEST_CASE("bad heartbeats and dashboard parameters are refused") {
  analytics_api t;
  auto refused = [&](json body) { return t.beat(nobody, std::move(body)).error; };
  CHECK(refused({{"viewer", "v1"}, {"source", "direct"}, {"extra", 1}}) == errc::invalid_argument);
  CHECK(refused({{"source", "direct"}}) == errc::invalid_argument);
  CHECK(refused({{"viewer", "no spaces"}, {"source", "direct"}}) == errc::invalid_argument);
  CHECK(refused({{"viewer", std::string(65, 'a')}, {"source", "direct"}}) ==
        errc::invalid_argument);
  CHECK(refused({{"viewer", "v1"}, {"source", "tv"}}) == errc::invalid_argument);
  CHECK(refused({{"viewer", "v1"}, {"source", "direct"}, {"referrer", std::string(201, 'r')}}) ==
        errc::invalid_argument);
  CHECK(refused({{"viewer", "v1"}, {"source", "direct"}, {"ended", "yes"}}) ==
        errc::invalid_argument);
  CHECK(t.beat(nobody, {{"viewer", "v1"}, {"source", "direct"}}, "nosuch").error ==
        errc::not_found);
  CHECK(t.node.call(post, "channels/alice/watch", nobody).error == errc::invalid_json);

  for (auto* query :
       {"from=abc", "to=-5", "from=10&to=5", "bucket=week", "from=0&bucket=minute", "session="})
    CHECK(t.node.call(get, std::string{"channels/alice/analytics?"} + query, alice).error ==
          errc::invalid_argument);
  // Auto picks the bucket by the range's length.
  auto now = t.node.clock.now_ms();
  auto bucket_for = [&](std::int64_t span_ms) {
    auto q = "?from=" + std::to_string(now - span_ms) + "&to=" + std::to_string(now);
    return t.node.call(get, "channels/alice/analytics" + q, alice).body["bucket"];
  };
  CHECK(bucket_for(6 * 3'600'000) == "minute");
  CHECK(bucket_for(14 * 86'400'000LL) == "hour");
  CHECK(bucket_for(30 * 86'400'000LL) == "day");
}
