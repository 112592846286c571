// Friends, blocks and direct messages through a real node: requests and answers with both
// sides' lists, live "friend" and "dm" frames on the pages' one WebSocket, history and unread
// counts from the read model, and blocks that stop requests and messages in both directions.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string signup(const test_node& node, const std::string& user) {
  return api_ok(node, "POST", "auth/signup", {},
                {{"username", user}, {"password", user + "-password-1"}})["token"]
    .get<std::string>();
}

std::unique_ptr<chat_client> messages_page(const test_node& node, const std::string& token) {
  auto page = std::make_unique<chat_client>(node.http_port);
  page->send({{"type", "auth"}, {"token", token}});
  REQUIRE_FALSE(page->next("auth_ok").is_null());
  page->send({{"type", "subscribe"}, {"topics", {"messages"}}});
  REQUIRE(page->next("subscribed").value("topics", json::array()) == json::array({"messages"}));
  return page;
}

std::vector<std::string> users_in(const json& list) {
  std::vector<std::string> users;
  for (auto& entry : list)
    users.push_back(entry.value("user", ""));
  return users;
}

// The read model lags a write by moments: wait until `check` holds for GET `target`.
json eventually(const test_node& node, const std::string& target, const std::string& token,
                const std::function<bool(const json&)>& check) {
  json body;
  for (int i = 0; i < 200; ++i) {
    body = api_ok(node, "GET", target, token);
    if (check(body))
      return body;
    std::this_thread::sleep_for(25ms);
  }
  FAIL("GET " << target << " never showed what was expected: " << body.dump());
  return body;
}

}  // namespace

TEST_CASE("friend requests are answered both ways and arrive live on the other's page") {
  test_node node{"friends"};
  auto amy = signup(node, "amy");
  auto bob = signup(node, "bob");
  auto cat = signup(node, "cat");
  auto bob_page = messages_page(node, bob);

  CHECK(api_step(node, "POST", "users/amy/friend", amy).status == 400);     // yourself
  CHECK(api_step(node, "POST", "users/nobody/friend", amy).status == 404);  // no such account
  CHECK(api_step(node, "POST", "users/bob/friend", "").status == 401);

  auto asked = api_ok(node, "POST", "users/bob/friend", amy);
  CHECK(asked == json{{"user", "bob"}, {"state", "requested"}});
  auto frame = bob_page->next("friend");
  CHECK(frame.value("user", "") == "amy");
  CHECK(frame.value("state", "") == "requested");
  auto bobs = api_ok(node, "GET", "me/friends", bob);
  CHECK(users_in(bobs["incoming"]) == std::vector<std::string>{"amy"});
  CHECK(users_in(api_ok(node, "GET", "me/friends", amy)["outgoing"]) ==
        std::vector<std::string>{"bob"});

  CHECK(api_step(node, "POST", "me/friends/requests/cat/accept", bob).status == 404);
  CHECK(api_ok(node, "POST", "me/friends/requests/amy/accept", bob)["state"] == "friends");
  CHECK(users_in(api_ok(node, "GET", "me/friends", amy)["friends"]) ==
        std::vector<std::string>{"bob"});
  CHECK(api_ok(node, "GET", "me/friends", bob)["incoming"].empty());

  // Asking someone who already asked you is accepting.
  api_ok(node, "POST", "users/amy/friend", cat);
  CHECK(api_ok(node, "POST", "users/cat/friend", amy)["state"] == "friends");
  CHECK(users_in(api_ok(node, "GET", "me/friends", cat)["friends"]) ==
        std::vector<std::string>{"amy"});

  // Presence: a friend with a page open is online; pages opening and closing tell the friends.
  auto amy_friends = api_ok(node, "GET", "me/friends", amy)["friends"];
  INFO(amy_friends.dump());
  REQUIRE(amy_friends.size() == 2);
  for (auto& f : amy_friends)
    CHECK(f["online"] == (f["user"] == "bob"));  // cat has no page open
  bob_page->clear();
  {
    auto amy_page = messages_page(node, amy);
    auto online = bob_page->next("friend_presence");
    CHECK(online.value("user", "") == "amy");
    CHECK(online.value("online", false) == true);
  }
  auto offline = bob_page->next("friend_presence");
  CHECK(offline.value("user", "") == "amy");
  CHECK(offline.value("online", true) == false);

  // Unfriending clears both sides, and the other's page hears it.
  bob_page->clear();
  CHECK(api_ok(node, "DELETE", "users/bob/friend", amy)["state"] == "none");
  CHECK(bob_page->next("friend").value("state", "") == "none");
  CHECK(api_ok(node, "GET", "me/friends", bob)["friends"].empty());
}

TEST_CASE("direct messages arrive live, keep history and unread counts, and respect blocks") {
  test_node node{"dms"};
  auto amy = signup(node, "amy");
  auto bob = signup(node, "bob");
  auto amy_page = messages_page(node, amy);
  auto bob_page = messages_page(node, bob);

  CHECK(api_step(node, "POST", "me/dms/bob", amy, {{"text", ""}}).status == 400);
  CHECK(api_step(node, "POST", "me/dms/bob", amy, {{"text", std::string(501, 'x')}}).status == 400);
  CHECK(api_step(node, "POST", "me/dms/bob", amy, {{"txt", "hi"}}).status == 400);
  CHECK(api_step(node, "POST", "me/dms/nobody", amy, {{"text", "hi"}}).status == 404);

  auto sent = api_step(node, "POST", "me/dms/bob", amy, {{"text", "hi bob"}});
  REQUIRE(sent.status == 201);
  CHECK(sent.body["id"] == 1);
  CHECK(sent.body["to"] == "bob");
  auto live = bob_page->next("dm");
  CHECK(live["message"]["text"] == "hi bob");
  CHECK(live["message"]["from"] == "amy");
  CHECK(amy_page->next("dm")["message"]["id"] == 1);  // the sender's other pages see it too
  api_ok(node, "POST", "me/dms/bob", amy, {{"text", "are you there?"}});
  api_ok(node, "POST", "me/dms/amy", bob, {{"text", "yes!"}});

  auto threads = eventually(node, "me/dms", amy, [](const json& b) {
    return b["threads"].size() == 1 && b["threads"][0]["last"]["id"] == 3;
  });
  CHECK(threads["threads"][0]["with"] == "bob");
  CHECK(threads["threads"][0]["last"]["text"] == "yes!");
  CHECK(threads["unread"] == 1);
  // bob's reply answered amy's two; nothing is unread on his side.
  CHECK(eventually(node, "me/dms", bob, [](const json& b) {
          return b["threads"].size() == 1 && b["threads"][0]["last"]["id"] == 3;
        })["unread"] == 0);
  auto history = api_ok(node, "GET", "me/dms/bob?limit=2", amy);
  REQUIRE(history["messages"].size() == 2);
  CHECK(history["messages"][0]["text"] == "are you there?");
  CHECK(history["messages"][1]["from"] == "bob");
  auto older = api_ok(node, "GET", "me/dms/bob?before=2", amy);
  REQUIRE(older["messages"].size() == 1);
  CHECK(older["messages"][0]["text"] == "hi bob");
  CHECK(api_step(node, "GET", "me/dms/bob?limit=0", amy).status == 400);

  CHECK(api_ok(node, "POST", "me/dms/bob/read", amy)["read_up_to"] == 3);
  eventually(node, "me/dms", amy, [](const json& b) { return b["unread"] == 0; });

  bob_page->clear();
  // bob blocks amy: neither can write to the other, nor can amy ask to be friends.
  CHECK(api_ok(node, "POST", "users/amy/block", bob)["blocked"] == true);
  CHECK(api_step(node, "POST", "me/dms/bob", amy, {{"text", "hello?"}}).status == 403);
  CHECK(api_step(node, "POST", "me/dms/amy", bob, {{"text", "bye"}}).status == 403);
  CHECK(api_step(node, "POST", "users/bob/friend", amy).status == 403);
  CHECK(api_ok(node, "GET", "me/friends", amy)["outgoing"].empty());  // the refused request is gone
  CHECK(users_in(api_ok(node, "GET", "me/friends", bob)["blocked"]) ==
        std::vector<std::string>{"amy"});
  CHECK(bob_page->next("dm", 300ms).is_null());

  CHECK(api_ok(node, "DELETE", "users/amy/block", bob)["blocked"] == false);
  CHECK(api_step(node, "POST", "me/dms/bob", amy, {{"text", "friends again?"}}).status == 201);
  CHECK(bob_page->next("dm")["message"]["id"] == 4);
}
