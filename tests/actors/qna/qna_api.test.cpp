// qna/<webinar> over its routes on a node without front ends, with the real webinar entity
// answering who may ask and moderate: pending questions private to their author and
// moderators, approval, one vote per user, one question on screen, answered with its time,
// the limits as 4xx, registration counted once the 10 s rights cache expires, AutoMod with
// moderation off, the export as JSON and CSV, the console, and the same questions replayed by a
// fresh activation.
#include <doctest/doctest.h>

#include <string>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/qna/qna.hpp"
#include "actors/webinars/webinars.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto alice = runtime::principal::user("alice");  // owns channel alice
const auto mia = runtime::principal::user("mia");      // moderates its chat
const auto bob = runtime::principal::user("bob");
const auto cat = runtime::principal::user("cat");
const auto nobody = runtime::principal::anonymous();

const std::string open_webinar = "00000000000a";     // access public
const std::string members_webinar = "00000000000b";  // access registered

struct qna_api {
  test::api_node node{{"qna", "webinars", "channel", "chat"}, {}};

  qna_api() {
    REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                  std::string{"Alice"}));
    REQUIRE(node.ask<chat_ack>("chat", "alice", chat_mod_atom::value, alice,
                               chat_command{"mod", "mia", 0}));
    for (auto [id, access] : {std::pair{open_webinar, "public"}, {members_webinar, "registered"}})
      REQUIRE(node.ask<std::string>(
        "webinar", id, webinar_create_atom::value, std::string{"alice"}, std::string{"alice"},
        json{{"title", "Scaling CAF"}, {"starts_at_ms", node.clock.now_ms()}, {"access", access}}
          .dump()));
  }
  std::string qa(const std::string& webinar = open_webinar) {
    return "webinars/" + webinar + "/qa";
  }
  test::api_answer ask(const runtime::principal& who, const std::string& text,
                       const std::string& webinar = open_webinar) {
    return node.call(post, qa(webinar) + "/questions", who, json{{"text", text}});
  }
  test::api_answer act(const runtime::principal& who, std::int64_t id, const std::string& action) {
    return node.call(post, qa() + "/questions/" + std::to_string(id) + "/" + action, who);
  }
  test::api_answer vote(const runtime::principal& who, std::int64_t id, bool up = true) {
    return node.call(up ? post : del, qa() + "/questions/" + std::to_string(id) + "/vote", who);
  }
  json list(const runtime::principal& who, const std::string& sort = "votes") {
    auto r = node.call(get, qa() + "?sort=" + sort, who);
    REQUIRE(r.status == 200);
    return r.body;
  }
  static std::vector<std::int64_t> ids(const json& listing) {
    std::vector<std::int64_t> out;
    for (const auto& q : listing["questions"])
      out.push_back(q["id"].get<std::int64_t>());
    return out;
  }
};

}  // namespace

TEST_CASE("a moderated Q&A: pending stays private, approve, one vote each, on screen, answered") {
  qna_api t;
  // Moderation is on by default: bob's question waits, seen by bob and moderators only.
  auto asked = t.ask(bob, "  How do actors scale?  ");
  REQUIRE(asked.status == 201);
  CHECK(asked.body["text"] == "How do actors scale?");
  CHECK(asked.body["status"] == "pending");
  CHECK(asked.body["author"] == "bob");
  auto q1 = asked.body["id"].get<std::int64_t>();
  CHECK(qna_api::ids(t.list(cat)).empty());
  CHECK(qna_api::ids(t.list(nobody)).empty());
  CHECK(qna_api::ids(t.list(bob)) == std::vector<std::int64_t>{q1});
  CHECK(qna_api::ids(t.list(mia)) == std::vector<std::int64_t>{q1});
  auto mine = t.list(bob);
  CHECK(mine["can"]["ask"] == true);
  CHECK(mine["can"]["moderate"] == false);
  CHECK(mine["channel"] == "alice");
  CHECK(t.list(mia)["can"]["moderate"] == true);
  CHECK(t.list(mia)["pending"] == 1);
  // Nobody votes on a pending question; viewers cannot moderate.
  CHECK(t.vote(cat, q1).error == errc::not_found);
  CHECK(t.act(cat, q1, "approve").error == errc::forbidden);
  CHECK(t.act(mia, q1, "answered").error == errc::conflict);
  CHECK(t.act(mia, q1, "on_screen").error == errc::conflict);

  auto approved = t.act(mia, q1, "approve");
  REQUIRE(approved.status == 200);
  CHECK(approved.body["status"] == "approved");
  CHECK(qna_api::ids(t.list(cat)) == std::vector<std::int64_t>{q1});

  // One vote per user: a second changes nothing; taking it back does.
  CHECK(t.vote(cat, q1).body["votes"] == 1);
  auto again = t.vote(cat, q1);
  CHECK(again.body["votes"] == 1);
  CHECK(again.body["voted"] == true);
  CHECK(t.vote(bob, q1).body["votes"] == 2);
  CHECK(t.vote(bob, q1, false).body["votes"] == 1);
  CHECK(t.vote(nobody, q1).error == errc::unauthorized);
  CHECK(t.list(cat)["questions"][0]["voted"] == true);
  CHECK(t.list(bob)["questions"][0]["voted"] == false);

  // Sorted by votes, then by time.
  auto q2 = t.ask(cat, "Is there a recording?").body["id"].get<std::int64_t>();
  t.node.clock.advance(1s);
  auto q3 = t.ask(bob, "Which GStreamer version?").body["id"].get<std::int64_t>();
  REQUIRE(t.act(alice, q2, "approve").status == 200);
  REQUIRE(t.act(alice, q3, "approve").status == 200);
  t.vote(cat, q3);
  t.vote(mia, q3);
  CHECK(qna_api::ids(t.list(cat)) == std::vector<std::int64_t>{q3, q1, q2});
  CHECK(qna_api::ids(t.list(cat, "time")) == std::vector<std::int64_t>{q3, q2, q1});
  CHECK(t.node.call(get, t.qa() + "?sort=random", cat).error == errc::invalid_argument);

  // One question on screen at a time.
  CHECK(t.act(mia, q1, "on_screen").body["on_screen"] == true);
  CHECK(t.act(mia, q3, "on_screen").body["on_screen"] == true);
  auto screen = t.list(cat);
  int shown = 0;
  for (const auto& q : screen["questions"])
    shown += q["on_screen"].get<bool>() ? 1 : 0;
  CHECK(shown == 1);
  // Answered: the time is recorded; it leaves the open votes.
  t.node.clock.advance(5s);
  auto answered = t.act(mia, q3, "answered");
  CHECK(answered.body["status"] == "answered");
  CHECK(answered.body["answered_at_ms"] == t.node.clock.now_ms());
  CHECK(t.vote(bob, q3).error == errc::conflict);
  // Hidden: gone for viewers, kept for moderators.
  CHECK(t.act(mia, q2, "hide").body["status"] == "hidden");
  CHECK(qna_api::ids(t.list(cat)) == std::vector<std::int64_t>{q3, q1});
  CHECK(t.list(alice)["questions"].size() == 3);

  // The recording's list and the export carry every question.
  auto all = t.node.ask<std::string>("qna", open_webinar, qna_list_atom::value);
  REQUIRE(all);
  CHECK(json::parse(*all).size() == 3);
  CHECK(t.node.call(get, t.qa() + "/export", cat).error == errc::forbidden);
  auto exported = t.node.call(get, t.qa() + "/export?format=json", alice);
  REQUIRE(exported.status == 200);
  CHECK(exported.body["questions"].size() == 3);
  auto csv = t.node.call(get, t.qa() + "/export?format=csv", mia);
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type.starts_with("text/csv"));
  CHECK(
    csv.text.starts_with("id,asked_at_ms,author,text,status,votes,on_screen,answered_at_ms\r\n"));
  CHECK(csv.text.find(",cat,Is there a recording?,hidden,0,false,\r\n") != std::string::npos);
  CHECK(t.node.call(get, t.qa() + "/export?format=xml", alice).error == errc::invalid_argument);

  // The console reads the same.
  auto shown_console = t.node.console("qna", open_webinar, "get", {});
  REQUIRE(shown_console);
  CHECK((*shown_console)["questions"] == 3);
  CHECK((*shown_console)["on_screen"] == q3);

  // A fresh activation over the same store replays the same questions and votes.
  runtime::entity_kinds kinds;
  add_qna_kind(kinds, *t.node.store, t.node.clock);
  auto registry = runtime::spawn_entity_registry(t.node.sys, std::move(kinds));
  caf::expected<std::string> replayed{std::string{}};
  t.node.self
    ->request(registry, 10s, route_atom::value, std::string{"qna"}, open_webinar,
              caf::make_message(qna_list_atom::value))
    .receive([&](std::string& text) { replayed = text; },
             [&](caf::error& err) { replayed = std::move(err); });
  REQUIRE(replayed);
  CHECK(json::parse(*replayed) == json::parse(*all));
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
}

TEST_CASE("limits and access: text, five open questions, attendee-only asking, unknown ids") {
  qna_api t;
  CHECK(t.ask(bob, "").error == errc::invalid_argument);
  CHECK(t.ask(bob, std::string(501, 'x')).error == errc::invalid_argument);
  CHECK(t.ask(bob, "ring\x07").error == errc::invalid_argument);
  CHECK(t.node.call(post, t.qa() + "/questions", bob, json{{"text", 5}}).error ==
        errc::invalid_argument);
  CHECK(t.node.call(post, t.qa() + "/questions", bob, json{{"text", "x"}, {"extra", 1}}).error ==
        errc::invalid_argument);
  CHECK(t.ask(nobody, "hello?").error == errc::unauthorized);
  for (int i = 0; i < 5; ++i)
    REQUIRE(t.ask(bob, "question " + std::to_string(i)).status == 201);
  CHECK(t.ask(bob, "a sixth").error == errc::conflict);
  CHECK(t.ask(cat, "cat asks").status == 201);
  // Answering one frees a place.
  REQUIRE(t.act(alice, 1, "approve").status == 200);
  REQUIRE(t.act(alice, 1, "answered").status == 200);
  CHECK(t.ask(bob, "a sixth").status == 201);

  // Unknown webinars and questions.
  CHECK(t.node.call(get, "webinars/ffffffffffff/qa", bob).error == errc::not_found);
  CHECK(t.node.call(get, "webinars/not-an-id/qa", bob).error == errc::not_found);
  CHECK(t.ask(bob, "anyone?", "ffffffffffff").error == errc::not_found);
  CHECK(t.act(alice, 99, "approve").error == errc::not_found);
  CHECK(t.act(alice, 1, "approve").error == errc::conflict);  // answered already
  CHECK(t.node.call(post, t.qa() + "/questions/x1/vote", bob).error == errc::not_found);

  // Attendee-only: not registered → no asking and no reading; registered → both, once the
  // rights kept for 10 s have expired.
  CHECK(t.ask(cat, "may I?", members_webinar).error == errc::forbidden);
  CHECK(t.node.call(get, t.qa(members_webinar), cat).error == errc::forbidden);
  REQUIRE(t.node.ask<std::string>("webinar", members_webinar, webinar_register_atom::value,
                                  std::string{"cat"}, true));
  t.node.clock.advance(11s);
  CHECK(t.ask(cat, "may I?", members_webinar).status == 201);
  CHECK(t.ask(alice, "the owner asks", members_webinar).status == 201);

  // Moderation off: questions are approved at once, unless AutoMod's terms hold them.
  CHECK(t.node.call(put, t.qa() + "/settings", bob, json{{"moderation", false}}).error ==
        errc::forbidden);
  CHECK(t.node.call(put, t.qa() + "/settings", mia, json{{"moderation", "no"}}).error ==
        errc::invalid_argument);
  CHECK(t.node.call(put, t.qa() + "/settings", mia, json{{"moderation", false}}).body ==
        json{{"moderation", false}});
  CHECK(t.ask(cat, "straight through").body["status"] == "approved");
  // AutoMod's terms (level 3, as chat would hold them) still wait for review.
  CHECK(t.ask(cat, "F**K this").body["status"] == "pending");
  CHECK(t.list(alice)["moderation"] == false);
}
