// A tournament end to end on one real node (HTTP + WebSocket, --test-clock): an organizer
// creates and starts a 4-entrant single elimination (Bo3), posts one result, the sides of the
// other semi-final disagree (a dispute the organizer resolves), the final is scheduled, a
// reminder reaches both finalists' inboxes once the test clock is 14 minutes before it (the
// node's ticker) and carol's open page at once, the iCal feed lists it, both finalists report the
// same result and the champion is known. The tournament's chat room over a real WebSocket: the
// organizer joins as its broadcaster and a viewer sees the live bracket frames.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string tournament_sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-123"}})["token"]
    .get<std::string>();
}

json tournament_match_of(const json& t, const std::string& id) {
  for (auto& m : t["matches"])
    if (m["id"] == id)
      return m;
  return nullptr;
}

// A signed-in WebSocket client that joined `room`; the "joined" frame is returned in `joined`.
std::unique_ptr<chat_client> tournament_chat_client(const test_node& node, const std::string& token,
                                                    const std::string& room, json& joined) {
  auto client = std::make_unique<chat_client>(node.http_port);
  client->send({{"type", "auth"}, {"token", token}});
  REQUIRE(!client->next("auth_ok").is_null());
  client->send({{"type", "join"}, {"channel", room}});
  joined = client->next("joined");
  REQUIRE(joined.is_object());
  return client;
}

}  // namespace

TEST_CASE("tournaments: results, a dispute, a reminder on the test clock, iCal, live chat") {
  test_node node{"tournaments", {"--test-clock"}};
  auto admin = admin_token(node.data_dir.string());
  auto olga = tournament_sign_up(node, "olga");
  std::map<std::string, std::string> token;
  for (auto name : {"alice", "bob", "carol", "dave"})
    token[name] = tournament_sign_up(node, name);

  auto created = api_step(node, "POST", "tournaments", olga,
                          {{"name", "Friday Cup"},
                           {"format", "single_elimination"},
                           {"entrants", {"alice", "bob", "carol", "dave"}},
                           {"best_of", 3},
                           {"start", true}});
  REQUIRE(created.status == 201);
  auto id = created.body["id"].get<std::string>();
  auto path = "tournaments/" + id;
  CHECK(created.body["state"] == "running");

  // The chat room: the organizer is the broadcaster; a viewer follows the bracket live.
  json olga_joined, viewer_joined;
  auto organizer_chat = tournament_chat_client(node, olga, "tournament:" + id, olga_joined);
  CHECK(olga_joined["role"] == "broadcaster");
  auto viewer = tournament_chat_client(node, token["bob"], "tournament:" + id, viewer_joined);
  CHECK(viewer_joined["role"] == "viewer");
  organizer_chat->send({{"type", "send"}, {"text", "Welcome to the Friday Cup!"}});
  auto said = viewer->next("msg");
  REQUIRE(said.is_object());
  CHECK(said.dump().find("Welcome to the Friday Cup!") != std::string::npos);

  auto result = [&](const std::string& who, const std::string& m, const char* what, json body) {
    return api_step(node, "POST", path + "/matches/" + m + "/" + what, who, body);
  };
  REQUIRE(result(olga, "W1-1", "result", {{"winner", "alice"}, {"score", {2, 1}}}).status == 200);
  auto frame = viewer->next("tournament");
  REQUIRE(frame.is_object());
  CHECK(tournament_match_of(frame["tournament"], "W1-1")["winner"] == "alice");

  // The sides of W1-2 disagree: disputed until the organizer posts the result.
  REQUIRE(result(token["bob"], "W1-2", "report", {{"winner", "bob"}, {"score", {2, 0}}}).status ==
          200);
  auto disputed = result(token["carol"], "W1-2", "report",
                         {{"winner", "carol"}, {"score", {0, 2}}});
  REQUIRE(disputed.status == 200);
  CHECK(tournament_match_of(disputed.body, "W1-2")["status"] == "disputed");
  CHECK(result(token["bob"], "W1-2", "result", {{"winner", "bob"}, {"score", {2, 0}}}).status ==
        403);
  auto resolved = result(olga, "W1-2", "result", {{"winner", "carol"}, {"score", {1, 2}}});
  REQUIRE(resolved.status == 200);
  CHECK(tournament_match_of(resolved.body, "W2-1")["opponents"] == json{"alice", "carol"});

  // The final in 20 minutes on the node's clock, given in a +02:00 offset's local time.
  auto now = api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 0}})["now_ms"]
               .get<std::int64_t>();
  auto at = now - now % 60'000 + 20 * 60'000;
  auto scheduled = api_ok(node, "PUT", path + "/matches/W2-1/schedule", olga, {{"at", at}});
  CHECK(tournament_match_of(scheduled, "W2-1")["scheduled_at_ms"] == at);
  auto ics = api_step(node, "GET", path + "/calendar.ics", "");
  REQUIRE(ics.status == 200);
  CHECK(ics.raw.find("BEGIN:VCALENDAR") == 0);
  CHECK(ics.raw.find("SUMMARY:Friday Cup: alice vs carol (W2-1)") != std::string::npos);
  CHECK(ics.raw.find("DTSTART:") != std::string::npos);

  auto reminders = [&](const std::string& who) {
    auto inbox = api_ok(node, "GET", "me/notifications", token[who]);
    int n = 0;
    for (auto& row : inbox["notifications"])
      n += row["kind"] == "match_reminder" ? 1 : 0;
    return n;
  };
  CHECK(reminders("alice") == 0);
  // carol's open page hears of the reminder at once (a personal notice, pushed).
  auto carol_page = std::make_unique<chat_client>(node.http_port);
  carol_page->send({{"type", "auth"}, {"token", token["carol"]}});
  REQUIRE(!carol_page->next("auth_ok").is_null());
  carol_page->send({{"type", "subscribe"}, {"topics", {"notifications"}}});
  REQUIRE(!carol_page->next("subscribed").is_null());
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 6 * 60 + 5}});
  auto pushed = carol_page->next("notification", 10s);
  REQUIRE(pushed.is_object());
  CHECK(pushed["notification"]["kind"] == "match_reminder");
  CHECK(pushed["notification"]["link"] == "/t/" + id);
  CHECK(!pushed["notification"].contains("users"));
  CHECK(eventually([&] { return reminders("alice") == 1; }, 10s));
  CHECK(reminders("carol") == 1);
  CHECK(reminders("bob") == 0);

  // Both finalists agree: the champion.
  REQUIRE(
    result(token["alice"], "W2-1", "report", {{"winner", "carol"}, {"score", {1, 2}}}).status ==
    200);
  auto final_done = result(token["carol"], "W2-1", "report",
                           {{"winner", "carol"}, {"score", {1, 2}}});
  REQUIRE(final_done.status == 200);
  CHECK(final_done.body["state"] == "finished");
  CHECK(final_done.body["champion"] == "carol");
  // The list is a read model: it follows the entity a moment later.
  json listed;
  REQUIRE(eventually(
    [&] {
      listed = api_ok(node, "GET", "tournaments?state=finished", "");
      return listed["tournaments"].size() == 1;
    },
    10s));
  CHECK(listed["tournaments"][0]["champion"] == "carol");
}

TEST_CASE("leaderboards: a badge its player shows in chat appears beside their messages") {
  test_node node{"tournaments-badges"};
  auto alice = tournament_sign_up(node, "alice");
  auto bob = tournament_sign_up(node, "bob");
  api_ok(node, "POST", "channels", alice, {{"name", "alicechan"}});
  api_ok(node, "POST", "leaderboards", alice,
         {{"game", "chess"}, {"name", "Chess"}, {"mode", "rating"}});
  api_ok(node, "POST", "leaderboards/chess/matches", alice,
         {{"winner", "bob"}, {"loser", "alice"}});
  // The badge is the leaderboard's at once, and its read model's a moment later.
  REQUIRE(eventually(
    [&] {
      auto badges = api_ok(node, "GET", "users/bob/achievements", "");
      return badges.dump().find("first_win") != std::string::npos;
    },
    10s));

  json joined;
  auto viewer = tournament_chat_client(node, alice, "alicechan", joined);
  // Not shown until bob chooses it.
  auto writer = tournament_chat_client(node, bob, "alicechan", joined);
  writer->send({{"type", "send"}, {"text", "gg"}});
  auto plain = viewer->next("msg");
  REQUIRE(plain.is_object());
  CHECK(plain["badges"].empty());

  CHECK(api_step(node, "PUT", "users/alice/achievements/chess/first_win", bob,
                 {{"show_in_chat", true}})
          .status == 403);
  api_ok(node, "PUT", "users/bob/achievements/chess/first_win", bob, {{"show_in_chat", true}});
  // The room hears of the choice when bob joins again (the node's badge service answers a join
  // from the read model, which follows the choice a moment later: join again until it shows).
  json shown;
  CHECK(eventually(
    [&] {
      writer = tournament_chat_client(node, bob, "alicechan", joined);
      writer->send({{"type", "send"}, {"text", "gg again"}});
      shown = viewer->next("msg");
      return shown.is_object() && shown["badges"] == json::array({"achievement/chess/first_win"});
    },
    10s));
  CHECK(shown["user"] == "bob");
}
