// The notify domain's parts: inbox/<user> over a real registry and store, the notices read model
// fed by channel and follow events, and the follows entity's notification choices; personal
// notices (a course's lesson reminder) through the read model and the dispatcher, which mails
// them once to users with e-mail notifications on (real user entities; the test is the node's
// mail service, whose SMTP side tests/e2e/courses.test.cpp covers).
#include <doctest/doctest.h>

#include <chrono>

#include "actors/modules.hpp"
#include "actors/notify/inbox.hpp"
#include "actors/identity/user.hpp"
#include "actors/notify/notices.hpp"
#include "actors/notify/notify_hub.hpp"
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

// The notices projection over a fresh store; `fresh` collects what it hands on.
struct notices_fixture {
  storage::testing::temp_dir dir;
  std::unique_ptr<storage::event_store> store = storage::event_store::open(dir.path() / "events");
  std::vector<actors::notice> fresh;
  storage::projection_runner runner{*store, dir.path() / "read.db"};
  notices_fixture() {
    runner.add(std::make_unique<actors::notices_projection>(
      [this](const actors::notice& n) { fresh.push_back(n); }, [] { return now_ms; }));
  }
};

TEST_CASE("the notices read model: one notice per session, fresh ones handed on, follow choices") {
  notices_fixture t;
  auto& store = t.store;
  auto& fresh = t.fresh;
  auto& runner = t.runner;

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

TEST_CASE("personal notices: details handed on once per user, bounded, and their e-mail") {
  notices_fixture t;
  auto& store = t.store;
  auto& fresh = t.fresh;
  auto& runner = t.runner;
  json users = json::array();
  for (int i = 0; i < 70; ++i)
    users.push_back("u" + std::to_string(i));
  json details = json::array({json::array({"Course", "Rust in a week"}),
                              json::array({"Lesson", "Own\nership"}), json::array({"bad"})});
  for (int i = 0; i < 10; ++i)
    details.push_back(json::array({"More", std::string(300, 'x')}));
  json body{{"id", "course:c1:l1:5:24h"},
            {"kind", "course_reminder"},
            {"title", "Rust in a week: Ownership starts in 24 hours"},
            {"link", "/courses/c1"},
            {"users", users},
            {"details", details}};
  REQUIRE(store->append("course/c1", storage::no_stream,
                        std::vector{event_at("notify.personal", now_ms - 5, body)}));
  runner.catch_up();
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0].users.size() == 64);  // the bound of one notice's recipients
  REQUIRE(fresh[0].details.size() == actors::notice_details_max);
  CHECK(fresh[0].details[1].second == "Own ership");  // one line each
  CHECK(fresh[0].details[2].second.size() == actors::notice_detail_chars_max);
  // The same reminder again (a retry) reaches nobody twice.
  body["users"] = json::array({"u0", "u1"});
  REQUIRE(store->append("course/c1", 1, std::vector{event_at("notify.personal", now_ms, body)}));
  runner.catch_up();
  CHECK(fresh.size() == 1);
  auto rows = actors::personal_notices_query(runner.db(), {{"user", "u3"}}, owns_all);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["link"] == "/courses/c1");

  // Its e-mail: the title, the details as lines, the link on this site; only with the setting.
  auto n = actors::notice_from_json(actors::to_json(fresh[0]));
  CHECK(n.details == fresh[0].details);
  auto on = R"({"email_notifications": true})";
  auto mail = actors::personal_notice_mail(n, "u3@example.org", on, "live.example:8080");
  REQUIRE(mail);
  CHECK(mail->subject == "Reminder: Rust in a week: Ownership starts in 24 hours");
  CHECK(mail->text.find("Course: Rust in a week\n") != std::string::npos);
  CHECK(mail->text.find("http://live.example:8080/courses/c1") != std::string::npos);
  CHECK_FALSE(actors::personal_notice_mail(n, "u3@example.org", "{}", "site"));
  CHECK_FALSE(actors::personal_notice_mail(n, "u3@example.org", R"({"email_notifications": false})",
                                           "site"));
  CHECK_FALSE(actors::personal_notice_mail(n, "", on, "site"));
  n.link = "//evil.example/x";  // not a path on this site: no link
  CHECK(actors::personal_notice_mail(n, "a@b.org", on, "site")->text.find("evil") ==
        std::string::npos);
}

TEST_CASE("the dispatcher mails a personal notice once to each user who turned e-mail on") {
  test::entity_fixture f;
  for (auto* name : {"sam", "ivy", "kim"})
    REQUIRE(f.ask<actors::user_view>("user", name, create_atom::value,
                                     std::string{name} + "@example.org",
                                     std::string{"correct horse battery"}));
  for (auto* name : {"sam", "kim"})
    REQUIRE(f.ask<actors::user_view>("user", name, update_atom::value,
                                     json{{"settings", {{"email_notifications", true}}}}.dump()));
  REQUIRE(f.ask<actors::user_view>("user", "kim", update_atom::value,
                                   json{{"email", ""}}.dump()));  // no address: no mail
  actors::node_env env;
  env.sys = &f.sys;
  env.registry = f.registry;
  env.http_endpoint = "live.example";
  env.services->add(std::string{actors::service_names::mail}, caf::actor{f.self});
  auto dispatcher = actors::spawn_notify_dispatcher(f.sys, env);
  json notice{{"id", "course:c1:l1:5:15m"},
              {"kind", "course_reminder"},
              {"channel", ""},
              {"title", "Rust: Ownership starts in 15 minutes"},
              {"at_ms", now_ms},
              {"link", "/courses/c1"},
              {"users", {"sam", "ivy", "kim"}},
              {"details", json::array({json::array({"Course", "Rust"})})}};
  // Handed on twice (a read model rebuilt within the fresh window): still one mail.
  f.self->send(dispatcher, actors::fresh_notice_atom::value, notice.dump());
  f.self->send(dispatcher, actors::fresh_notice_atom::value, notice.dump());
  std::vector<std::string> to;
  for (bool more = true; more;)
    f.self->receive(
      [&](mail_atom, const std::string& address, const std::string& subject,
          const std::string& text) {
        to.push_back(address);
        CHECK(subject.starts_with("Reminder: Rust: Ownership"));
        CHECK(text.find("Course: Rust\n") != std::string::npos);
        CHECK(text.find("http://live.example/courses/c1") != std::string::npos);
      },
      caf::after(std::chrono::milliseconds(500)) >> [&] { more = false; });
  CHECK(to == std::vector<std::string>{"sam@example.org"});
  f.self->send_exit(dispatcher, caf::exit_reason::user_shutdown);
}
