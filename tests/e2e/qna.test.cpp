// Webinar Q&A end to end (docs/webinars.md, section Q&A) on a real node with real WebSocket
// chat clients: a viewer asks, the moderator (the channel's owner) approves, a second viewer
// sees the `qa` frame and upvotes, the question goes on screen and is answered; a pending
// question never reaches other viewers' sockets; on an attendee-only webinar a viewer who did
// not register cannot ask (and can once registered); the CSV export parses.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-1"}})["token"]
    .get<std::string>();
}

// A signed-in chat client in `channel`'s room.
std::unique_ptr<chat_client> viewer(const test_node& node, const std::string& token,
                                    const std::string& channel) {
  auto c = std::make_unique<chat_client>(node.http_port);
  c->send({{"type", "auth"}, {"token", token}});
  REQUIRE_FALSE(c->next("auth_ok").is_null());
  REQUIRE(c->join(channel).is_object());
  return c;
}

// The next `qa` frame of `webinar` carrying a question (pending counts are skipped).
json next_question(chat_client& c, const std::string& webinar) {
  for (int i = 0; i < 10; ++i) {
    auto f = c.next("qa");
    if (f.is_null())
      return f;
    if (f["webinar"] == webinar && f.contains("question"))
      return f["question"];
  }
  return nullptr;
}

// RFC 4180 rows (quoted cells may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        rows.back().back() += text[++i];
      else if (c == '"')
        quoted = false;
      else
        rows.back().back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty())
    rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("viewers ask, a moderator approves, others see and upvote; on screen, answered") {
  test_node node{"qna"};
  node.create_channel("alice");
  auto admin = admin_token(node.data_dir.string());  // owns (manages) every channel
  auto ann = sign_up(node, "ann");
  auto ben = sign_up(node, "ben");
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  auto webinar = api_ok(node, "POST", "channels/alice/webinars", admin,
                        {{"title", "Actors at scale"}, {"starts_at_ms", now_ms}})["id"]
                   .get<std::string>();
  const std::string qa = "webinars/" + webinar + "/qa";

  auto ann_ws = viewer(node, ann, "alice");
  auto ben_ws = viewer(node, ben, "alice");
  auto mod_ws = admin_chat(node, "alice");

  // ann asks: pending, so only a count reaches the room; ben's socket never sees the text.
  auto asked = api_step(node, "POST", qa + "/questions", ann, {{"text", "Secret: how, exactly?"}});
  REQUIRE(asked.status == 201);
  CHECK(asked.body["status"] == "pending");
  auto id = asked.body["id"].get<std::int64_t>();
  auto cue = mod_ws->next("qa");
  REQUIRE(cue.is_object());
  CHECK(cue["pending"] == 1);
  CHECK_FALSE(cue.contains("question"));
  CHECK(api_ok(node, "GET", qa, ben)["questions"].empty());
  CHECK(api_ok(node, "GET", qa, ann)["questions"].size() == 1);
  auto queue = api_ok(node, "GET", qa, admin);
  REQUIRE(queue["questions"].size() == 1);
  CHECK(queue["questions"][0]["status"] == "pending");

  // The moderator approves: ben's socket gets the question.
  CHECK(api_step(node, "POST", qa + "/questions/" + std::to_string(id) + "/approve", ben).status ==
        403);
  CHECK(api_ok(node, "POST", qa + "/questions/" + std::to_string(id) + "/approve",
               admin)["status"] == "approved");
  auto seen = next_question(*ben_ws, webinar);
  REQUIRE(seen.is_object());
  CHECK(seen["id"] == id);
  CHECK(seen["text"] == "Secret: how, exactly?");
  CHECK(seen["status"] == "approved");

  // ben upvotes (once); the count reaches ann's socket.
  auto voted = api_ok(node, "POST", qa + "/questions/" + std::to_string(id) + "/vote", ben);
  CHECK(voted["votes"] == 1);
  CHECK(voted["voted"] == true);
  CHECK(api_ok(node, "POST", qa + "/questions/" + std::to_string(id) + "/vote", ben)["votes"] == 1);
  json counted;
  for (int i = 0; i < 5 && (counted.is_null() || counted["votes"] != 1); ++i)
    counted = next_question(*ann_ws, webinar);
  REQUIRE(counted.is_object());
  CHECK(counted["votes"] == 1);

  // On screen, then answered with its time.
  CHECK(api_ok(node, "POST", qa + "/questions/" + std::to_string(id) + "/on_screen",
               admin)["on_screen"] == true);
  json shown;
  for (int i = 0; i < 5 && (shown.is_null() || shown["on_screen"] != true); ++i)
    shown = next_question(*ben_ws, webinar);
  REQUIRE(shown.is_object());
  CHECK(shown["on_screen"] == true);
  auto answered = api_ok(node, "POST", qa + "/questions/" + std::to_string(id) + "/answered",
                         admin);
  CHECK(answered["status"] == "answered");
  CHECK(answered["answered_at_ms"].is_number());
  json done;
  for (int i = 0; i < 5 && (done.is_null() || done["status"] != "answered"); ++i)
    done = next_question(*ben_ws, webinar);
  REQUIRE(done.is_object());
  CHECK(done["answered_at_ms"] == answered["answered_at_ms"]);

  // A second pending question: other viewers' sockets never carry its text.
  ben_ws->clear();
  REQUIRE(
    api_step(node, "POST", qa + "/questions", ann, {{"text", "Private, still pending"}}).status ==
    201);
  for (auto f = ben_ws->next("qa", 1s); !f.is_null(); f = ben_ws->next("qa", 500ms))
    CHECK(f.dump().find("Private, still pending") == std::string::npos);

  // The CSV export (managers only) parses: header and both questions, quoting kept.
  CHECK(api_step(node, "GET", qa + "/export?format=csv", ben).status == 403);
  auto csv = aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), "GET",
                                    "/api/v1/" + qa + "/export?format=csv", "", admin);
  REQUIRE(csv.status == 200);
  auto rows = parse_csv(csv.body);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"id", "asked_at_ms", "author", "text", "status",
                                            "votes", "on_screen", "answered_at_ms"});
  CHECK(rows[1][2] == "ann");
  CHECK(rows[1][3] == "Secret: how, exactly?");
  CHECK(rows[1][4] == "answered");
  CHECK(rows[1][5] == "1");
  CHECK(rows[2][4] == "pending");
}

TEST_CASE("an attendee-only webinar: only registered viewers ask") {
  test_node node{"qna-members", {"--test-clock"}};
  node.create_channel("alice");
  auto admin = admin_token(node.data_dir.string());
  auto cid = sign_up(node, "cid");
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  auto webinar =
    api_ok(node, "POST", "channels/alice/webinars", admin,
           {{"title", "Members only"}, {"starts_at_ms", now_ms}, {"access", "registered"}})["id"]
      .get<std::string>();
  const std::string qa = "webinars/" + webinar + "/qa";
  auto refused = api_step(node, "POST", qa + "/questions", cid, {{"text", "Let me in?"}});
  CHECK(refused.status == 403);
  CHECK(refused.body["error"]["code"] == "forbidden");
  CHECK(api_step(node, "POST", qa + "/questions", "", {{"text", "Anyone?"}}).status == 401);
  CHECK(api_step(node, "GET", qa, cid).status == 403);
  api_ok(node, "POST", "webinars/" + webinar + "/registration", cid);
  // Rights are kept 10 s per caller: a registration counts at the latest after that.
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 11}});
  CHECK(api_step(node, "POST", qa + "/questions", cid, {{"text", "Now may I?"}}).status == 201);
}
