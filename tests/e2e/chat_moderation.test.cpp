// AutoMod end to end: real WebSocket clients against a running node. A held message reaches the
// broadcaster's page only; approved over REST, every viewer gets it once, flagged; a denied one
// never shows, and its sender is told. Also the moderation log over REST.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace chat_moderation_suite {

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

json command(chat_client& c, json frame) {
  frame["ref"] = "cmd";
  c.send(frame);
  for (;;) {
    auto reply = c.next_any();
    if (reply.is_null() || reply.value("ref", "") == "cmd")
      return reply;
  }
}

// Every "msg" frame the client got within `wait` with this text.
int copies_of(chat_client& c, const std::string& text, std::chrono::milliseconds wait) {
  int n = 0;
  for (auto m = c.next("msg", wait); !m.is_null(); m = c.next("msg", wait))
    n += m.value("text", "") == text ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("AutoMod over /ws: held, shown to moderators only, approved once to all, denied never") {
  test_node node{"chat_moderation"};
  node.create_channel("lobby");
  allow_guests(node, "lobby");
  auto token = admin_token(node.data_dir.string());
  auto broadcaster = admin_chat(node, "lobby");
  auto set = command(*broadcaster, {{"type", "settings"}, {"automod_level", 2}});
  REQUIRE(set["type"] == "ok");
  chat_client carol{node.http_port}, bob{node.http_port}, anon{node.http_port};
  carol.guest_join("carol", "lobby");
  bob.guest_join("bob", "lobby");
  anon.join("lobby");
  broadcaster->clear();

  auto held = command(carol, {{"type", "send"}, {"text", "you are a f4ggot"}});
  CHECK(held["type"] == "notice");
  CHECK(held["code"] == "held");
  auto item = broadcaster->next("automod_held");
  REQUIRE(item.is_object());
  CHECK(item["item"]["user"] == "guest:carol");
  CHECK(item["item"]["category"] == "discrimination");
  CHECK(bob.next("automod_held", 300ms).is_null());  // viewers never see held items
  CHECK(copies_of(bob, "you are a f4ggot", 300ms) == 0);

  auto queue = api_ok(node, "GET", "channels/lobby/mod/queue", token);
  REQUIRE(queue["items"].size() == 1);
  auto id = std::to_string(queue["items"][0]["id"].get<std::uint64_t>());
  api_ok(node, "POST", "channels/lobby/mod/queue/" + id, token,
         {{"action", "approve"}, {"reason", "reclaimed word, in context"}});
  for (auto* c : {&carol, &bob, &anon, broadcaster.get()}) {
    auto m = c->next("msg");
    REQUIRE(m.is_object());
    CHECK(m["text"] == "you are a f4ggot");
    CHECK(m["automod"] == true);
  }
  CHECK(copies_of(bob, "you are a f4ggot", 500ms) == 0);  // once only
  CHECK(api_step(node, "POST", "channels/lobby/mod/queue/" + id, token, {{"action", "approve"}})
          .status == 404);

  CHECK(command(carol, {{"type", "send"}, {"text", "kill yourself"}})["code"] == "held");
  auto second = broadcaster->next("automod_held");
  REQUIRE(second.is_object());
  auto second_id = std::to_string(second["item"]["id"].get<std::uint64_t>());
  api_ok(node, "POST", "channels/lobby/mod/queue/" + second_id, token, {{"action", "deny"}});
  auto denied = carol.next("notice");
  REQUIRE(denied.is_object());
  CHECK(denied["code"] == "automod_denied");  // the sender is told, nobody else sees it
  CHECK(copies_of(anon, "kill yourself", 500ms) == 0);

  auto log = api_ok(node, "GET", "channels/lobby/mod/log?limit=5", token);
  REQUIRE(log["entries"].size() >= 3);
  CHECK(log["entries"][0]["action"] == "automod_deny");
  CHECK(log["entries"][1]["action"] == "automod_approve");
  CHECK(log["entries"][1]["reason"] == "reclaimed word, in context");
  CHECK(log["entries"][2]["action"] == "settings");
}

}  // namespace chat_moderation_suite
