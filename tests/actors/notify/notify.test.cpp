// The notify domain's parts: inbox/<user> over a real registry and store, the notices read model
// fed by channel and follow events, and the follows entity's notification choices.
#include <doctest/doctest.h>

#include <chrono>

#include "actors/modules.hpp"
#include "actors/notify/inbox.hpp"
#include "actors/notify/notices.hpp"
#include "actors/social/follows.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"
#include "tests/storage/temp_dir.hpp"

using namespace aethex;
using namespace std::chrono_literals;
using actors::follows_view;
using actors::inbox_view;
using json = nlohmann::json;

namespace {

constexpr std::int64_t now_ms = 1'800'000'000'000;

storage::event event_at(std::string type, std::int64_t at_ms, const json& body) {
  return storage::event{std::move(type), 1, at_ms, body.dump()};
}

auto owns_all = [](std::string_view, std::string_view) { return true; };

}  // namespace

TEST_CASE("an inbox's read mark only moves forward and survives a restart") {
  test::entity_fixture f{{.rocksdb = true, .manual_clock = true}};
  auto fresh = f.ask<inbox_view>("inbox", "ada", get_atom::value);
  REQUIRE(fresh);
  CHECK(fresh->read_up_to_ms == 0);
  auto marked = f.ask<inbox_view>("inbox", "ada", actors::mark_read_atom::value, std::int64_t{0});
  REQUIRE(marked);
  CHECK(marked->read_up_to_ms == f.clock.now_ms());  // 0 = now
  auto mark = marked->read_up_to_ms;
  auto earlier = f.ask<inbox_view>("inbox", "ada", actors::mark_read_atom::value,
                                   std::int64_t{mark - 5000});
  REQUIRE(earlier);
  CHECK(earlier->read_up_to_ms == mark);
  CHECK(f.events().version("inbox/ada") == 1);  // going back wrote nothing
  f.clock.advance(3s);
  for (int i = 0; i < 40; ++i) {  // past a snapshot
    f.clock.advance(10ms);
    REQUIRE(f.ask<inbox_view>("inbox", "ada", actors::mark_read_atom::value, std::int64_t{0}));
  }
  auto last = f.clock.now_ms();
  f.restart();
  auto after = f.ask<inbox_view>("inbox", "ada", get_atom::value);
  REQUIRE(after);
  CHECK(after->user == "ada");
  CHECK(after->read_up_to_ms == last);
}

TEST_CASE("a follow's notification choices: e-mail on, notify off and back on") {
  test::entity_fixture f{{.manual_clock = true}};
  using actors::follow_prefs;
  auto prefs = [&](std::int8_t notify, std::int8_t email) {
    return f.ask<follows_view>("follows", "ada", actors::follow_prefs_atom::value,
                               std::string{"nova"}, follow_prefs{notify, email});
  };
  auto not_following = prefs(-1, 1);
  REQUIRE_FALSE(not_following);
  CHECK(code_of(not_following.error()) == errc::not_found);

  auto followed = f.ask<follows_view>("follows", "ada", actors::follow_atom::value, "nova");
  REQUIRE(followed);
  auto& fresh = followed->channels.at(0);
  CHECK(fresh.notify);
  CHECK_FALSE(fresh.email);
  CHECK(fresh.notify_since_ms == fresh.since_ms);

  auto email_on = prefs(-1, 1);
  REQUIRE(email_on);
  CHECK(email_on->channels[0].email);
  CHECK(email_on->channels[0].notify);
  f.clock.advance(1s);
  REQUIRE(prefs(0, -1));
  f.clock.advance(1s);
  auto back_on = prefs(1, -1);
  REQUIRE(back_on);
  // Notices from while the bell was off are not this follower's.
  CHECK(back_on->channels[0].notify_since_ms == f.clock.now_ms());
  CHECK(back_on->channels[0].email);
  auto version = f.events().version("follows/ada");
  REQUIRE(prefs(1, 1));  // no change, no event
  CHECK(f.events().version("follows/ada") == version);
  f.restart();
  auto after = f.ask<follows_view>("follows", "ada", get_atom::value);
  REQUIRE(after);
  CHECK(after->channels[0].notify_since_ms == back_on->channels[0].notify_since_ms);
}

TEST_CASE("the notices read model: one notice per session, fresh ones handed on, follow choices") {
  storage::testing::temp_dir dir;
  auto store = storage::event_store::open(dir.path() / "events");
  std::vector<actors::notice> fresh;
  storage::projection_runner runner(*store, dir.path() / "read.db");
  runner.add(std::make_unique<actors::notices_projection>(
    [&](const actors::notice& n) { fresh.push_back(n); }, [] { return now_ms; }));

  auto old = now_ms - actors::notices_projection::fresh_window_ms - 1000;
  REQUIRE(store->append(
    "channel/nova", storage::no_stream,
    std::vector{event_at("channel.created", old - 10, {{"name", "nova"}, {"title", "Day one"}}),
                event_at("channel.went_live", old, {{"session", "s1"}, {"node", "n"}}),
                event_at("channel.updated", now_ms - 30, {{"title", "Speedrun"}}),
                event_at("channel.went_live", now_ms - 20, {{"session", "s2"}, {"node", "n"}}),
                event_at("channel.went_live", now_ms - 10, {{"session", "s2"}, {"node", "n"}})}));
  REQUIRE(
    store->append("channel/orbit", storage::no_stream,
                  std::vector{event_at("channel.went_live", now_ms - 5, {{"session", "o1"}})}));
  REQUIRE(
    store->append("follows/ada", storage::no_stream,
                  std::vector{event_at("follow.started", old, {{"channel", "nova"}}),
                              event_at("follow.prefs_changed", old,
                                       {{"channel", "nova"}, {"notify", true}, {"email", true}})}));
  REQUIRE(store->append("follows/bea", storage::no_stream,
                        std::vector{
                          event_at("follow.started", old, {{"channel", "nova"}}),
                          event_at("follow.prefs_changed", old,
                                   {{"channel", "nova"}, {"notify", false}, {"email", true}})}));
  runner.catch_up();

  // The old session was replayed, not announced; the repeated session is one notice.
  REQUIRE(fresh.size() == 2);
  CHECK(fresh[0].id == "live:nova:s2");
  CHECK(fresh[0].title == "Speedrun");
  CHECK(fresh[1].channel == "orbit");

  json wanted{
    {"channels",
     {{{"channel", "nova"}, {"since_ms", 0}}, {{"channel", "orbit"}, {"since_ms", now_ms - 6}}}},
    {"limit", 10}};
  auto rows = actors::notices_query(runner.db(), wanted, owns_all);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["id"] == "live:orbit:o1");  // newest first
  CHECK(rows[1]["id"] == "live:nova:s2");
  CHECK(rows[2]["title"] == "Day one");
  wanted["channels"][0]["since_ms"] = now_ms - 25;  // followed (or bell on) since then
  CHECK(actors::notices_query(runner.db(), wanted, owns_all).size() == 2);
  wanted["limit"] = 1;
  CHECK(actors::notices_query(runner.db(), wanted, owns_all).size() == 1);
  auto not_orbit = [](std::string_view, std::string_view id) { return id != "orbit"; };
  CHECK(actors::notices_query(runner.db(), wanted, not_orbit)[0]["channel"] == "nova");

  // E-mail goes to followers who asked for it and kept notifications on.
  auto mailed = actors::email_followers_query(runner.db(), {{"channel", "nova"}}, owns_all);
  CHECK(mailed == json::array({{{"user", "ada"}}}));
  REQUIRE(store->append("follows/ada", 2,
                        std::vector{event_at("follow.stopped", now_ms, {{"channel", "nova"}})}));
  runner.catch_up();
  CHECK(actors::email_followers_query(runner.db(), {{"channel", "nova"}}, owns_all).empty());

  // A newer writer's event stops the projection instead of being misread.
  REQUIRE(store->append("channel/nova", 5,
                        std::vector{storage::event{"channel.went_live", 2, now_ms, "{}"}}));
  CHECK_THROWS(runner.catch_up());
}

TEST_CASE("the console's inbox commands build the entity's messages") {
  auto adapters = actors::console::default_adapters();
  auto* inbox = adapters.find("inbox");
  REQUIRE(inbox);
  auto read = inbox->find("read")->build({});
  REQUIRE(read);
  CHECK(read->match_elements<actors::mark_read_atom, std::int64_t>());
  CHECK(inbox->find("state")->query);
}
