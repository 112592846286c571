// Chat bots end to end on one real node (HTTP + WebSocket): a bot account is flagged and its
// messages carry the `bot` badge; a channel's scripted bot answers a template !command, the
// built-in !uptime and a Lua !command in chat with the `bot` badge, and thanks a new follower (a
// public event through the catalogue); a script that does not compile is refused with the Lua
// error; a command that loops forever stops the script, the stop is in the bot's log (REST and
// console), and the room keeps delivering other messages at once.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string bots_sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-123"}})["token"]
    .get<std::string>();
}

std::unique_ptr<chat_client> bots_chat(const test_node& node, const std::string& token,
                                       const std::string& room) {
  auto client = std::make_unique<chat_client>(node.http_port);
  client->send({{"type", "auth"}, {"token", token}});
  REQUIRE(!client->next("auth_ok").is_null());
  client->send({{"type", "join"}, {"channel", room}});
  REQUIRE(client->next("joined").is_object());
  return client;
}

// The next chat message with this text (others before it are skipped); null after 5 s.
json bots_next_text(chat_client& c, const std::string& text) {
  for (auto m = c.next("msg"); !m.is_null(); m = c.next("msg"))
    if (m["text"] == text)
      return m;
  return nullptr;
}

bool has_badge(const json& m, const std::string& badge) {
  const auto& badges = m["badges"];
  return badges.is_array() && std::find(badges.begin(), badges.end(), badge) != badges.end();
}

double bots_ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("bots: bot accounts, !commands answered in chat, a looping script stopped") {
  test_node node{"bots"};
  auto alice = bots_sign_up(node, "alice");
  auto bob = bots_sign_up(node, "bob");
  auto carol = bots_sign_up(node, "carol");
  api_ok(node, "POST", "channels", alice, {{"name", "alice"}});

  // A bot account: bob flags his own account.
  CHECK(api_ok(node, "PUT", "me/bot", bob, {{"bot", true}})["bot"] == true);
  CHECK(api_ok(node, "GET", "users/bob", "")["bot"] == true);

  // Only the owner manages the bot; a script that does not compile is refused with Lua's words.
  CHECK(api_step(node, "PUT", "channels/alice/bot", bob, {{"enabled", true}}).status == 403);
  auto bad = api_step(node, "PUT", "channels/alice/bot", alice,
                      {{"script", "bot.command('x', function( end)"}, {"enabled", true}});
  CHECK(bad.status == 400);
  CHECK(bad.raw.find("script:1:") != std::string::npos);

  api_ok(node, "PUT", "channels/alice/bot/commands/hello", alice,
         {{"response", "Hello $(user)!"}, {"cooldown_s", 0}});
  auto bot = api_ok(
    node, "PUT", "channels/alice/bot", alice,
    {{"script",
      "bot.command('spin', function() while true do end end)\n"
      "bot.command('ping', {cooldown = 0}, function(ctx)\n"
      "  return 'pong ' .. ctx.user .. ' ' .. (ctx.args[1] or '')\n"
      "end)\n"
      "bot.on('channel.follow', function(e) bot.say('thanks for the follow, ' .. e.user) "
      "end)\n"},
     {"enabled", true}});
  CHECK(bot["status"] == "running");

  auto viewer = bots_chat(node, carol, "alice");
  auto robot = bots_chat(node, bob, "alice");

  // A template command, the built-in !uptime and a Lua command, answered as the broadcaster
  // through the bot (the `bot` badge).
  auto asked = std::chrono::steady_clock::now();
  viewer->send({{"type", "send"}, {"text", "!hello"}});
  auto hello = bots_next_text(*viewer, "Hello carol!");
  REQUIRE(hello.is_object());
  MESSAGE("!hello answered in " << bots_ms_since(asked) << " ms");
  CHECK(hello["user"] == "alice");
  CHECK(has_badge(hello, "bot"));
  CHECK(has_badge(hello, "broadcaster"));
  viewer->send({{"type", "send"}, {"text", "!uptime"}});
  CHECK(bots_next_text(*viewer, "alice is offline").is_object());
  viewer->send({{"type", "send"}, {"text", "!ping one"}});
  auto pong = bots_next_text(*viewer, "pong carol one");
  REQUIRE(pong.is_object());
  CHECK(has_badge(pong, "bot"));

  // A public event (the catalogue's channel.follow) reaches the script's handler.
  api_ok(node, "POST", "channels/alice/follow", carol);
  CHECK(bots_next_text(*viewer, "thanks for the follow, carol").is_object());

  // The bot account's own messages carry the badge once the badge service told the room (it
  // does so when bob joins); bots are not answered, so its !hello gets no reply.
  bool badged = false;
  for (int i = 0; i < 10 && !badged; ++i) {
    auto text = "beep " + std::to_string(i);
    robot->send({{"type", "send"}, {"text", text}});
    auto m = bots_next_text(*viewer, text);
    REQUIRE(m.is_object());
    badged = has_badge(m, "bot");
  }
  CHECK(badged);

  // A command that loops forever: the script is stopped, the room keeps going at once.
  viewer->send({{"type", "send"}, {"text", "!spin"}});
  auto sent = std::chrono::steady_clock::now();
  viewer->send({{"type", "send"}, {"text", "still here"}});
  REQUIRE(bots_next_text(*viewer, "still here").is_object());
  auto room_ms = bots_ms_since(sent);
  MESSAGE("a message after !spin reached the room's viewers in " << room_ms << " ms");
  CHECK(room_ms < 1000);
  // The bot hears !spin on its own time: the stop is awaited.
  json state;
  CHECK(eventually(
    [&] {
      state = api_ok(node, "GET", "channels/alice/bot", alice);
      return state["status"] == "stopped";
    },
    10s));
  CHECK(state["stopped_reason"] == "instruction budget exceeded");
  auto log = api_ok(node, "GET", "channels/alice/bot/log", alice);
  bool logged = false;
  for (const auto& e : log["entries"])
    logged = logged ||
             (e["kind"] == "stopped" &&
              e["text"].get<std::string>().find("instruction budget") != std::string::npos);
  CHECK(logged);
  CHECK(console_command(node, "ask bot/alice get").find("instruction budget exceeded") !=
        std::string::npos);
  CHECK(api_step(node, "GET", "channels/alice/bot/log", carol).status == 403);

  // Template commands still answer; the script's commands are gone until it is saved again.
  viewer->send({{"type", "send"}, {"text", "!hello"}});
  CHECK(bots_next_text(*viewer, "Hello carol!").is_object());
  api_ok(node, "PUT", "channels/alice/bot", alice, {{"script", bot["script"]}});
  viewer->send({{"type", "send"}, {"text", "!ping again"}});
  CHECK(bots_next_text(*viewer, "pong carol again").is_object());
}
