// Community moderation (docs/moderation.md) on a front-end-less node: roles, AutoMod's queue,
// the moderation log, user cards, unban requests and ban lists, through the room's protocol and
// the REST routes as HTTP calls them. The test subscribes as a fan-out (what every viewer gets)
// and as a moderator's session (what moderators get).
#include <doctest/doctest.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/identity/user.hpp"
#include "actors/social/follows.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace std::chrono_literals;
using json = nlohmann::json;
using actors::http_method;
using runtime::principal;

namespace {

principal user(const std::string& name) { return principal::user(name); }

struct room_node : test::api_node {
  caf::scoped_actor watcher{sys};  // a moderator's session in the room

  room_node() : api_node({"chat", "channel"}, {}) {
    REQUIRE(ask<std::string>("channel", "alice", create_atom::value, user("alice"),
                             std::string{"Alice"}));
  }

  // What a chat command came to: "" when accepted, else the refusal's reason.
  std::string command(const std::string& who, std::string action, std::string target,
                      std::string reason = {}, std::int64_t amount = 0) {
    auto r = ask<actors::chat_ack>("chat", "alice", actors::chat_mod_atom::value, user(who),
                                   actors::chat_command{std::move(action), std::move(target),
                                                        amount, std::move(reason)});
    return r ? "" : reason_of(r.error());
  }
  caf::expected<actors::chat_ack> send(const std::string& who, const std::string& text) {
    return ask<actors::chat_ack>("chat", "alice", actors::chat_send_atom::value, user(who), text);
  }
  std::string sent(const std::string& who, const std::string& text) {
    auto r = send(who, text);
    return r ? "" : reason_of(r.error());
  }
  std::string settings(const std::string& who, actors::chat_settings_patch patch) {
    auto r = ask<actors::chat_ack>("chat", "alice", actors::chat_set_atom::value, user(who), patch);
    return r ? "" : reason_of(r.error());
  }
  void automod(std::int8_t level) {
    actors::chat_settings_patch patch;
    patch.automod_level = level;
    patch.rate_count = 100000;
    REQUIRE(settings("alice", patch) == "");
  }
  json info(const std::string& who) {
    auto r = ask<std::string>("chat", "alice", actors::chat_info_atom::value, user(who));
    REQUIRE(r);
    return json::parse(*r);
  }
  json history() {
    auto h = ask<std::string>("chat", "alice", actors::chat_hist_atom::value);
    REQUIRE(h);
    return json::parse(*h)["messages"];
  }
  void subscribe() {
    REQUIRE(ask<std::string>("chat", "alice", actors::chat_sub_atom::value, caf::actor{self}));
  }
  json next_frame(std::chrono::milliseconds timeout = 2s) {
    json out;
    self->receive([&](actors::chat_deliver_atom,
                      const std::string& text) { out = json::parse(text); },
                  caf::after(timeout) >> [] {});
    return out;
  }
  void watch(const std::string& moderator) {
    auto ok = ask<bool>("chat", "alice", actors::chat_watch_atom::value, user(moderator),
                        caf::actor{watcher});
    REQUIRE(ok);
    REQUIRE(*ok);
  }
  json next_mod_frame(std::chrono::milliseconds timeout = 2s) {
    json out;
    watcher->receive(
      [&](actors::chat_modq_atom, const std::string& channel, const std::string& text) {
        CHECK(channel == "alice");
        out = json::parse(text);
      },
      caf::after(timeout) >> [] {});
    return out;
  }
  test::api_answer rest(http_method m, const std::string& path, const std::string& who,
                        const json& body = nullptr) {
    return call(m, "channels/alice/" + path, user(who), body);
  }
  void account(const std::string& name) {
    REQUIRE(ask<actors::user_view>("user", name, create_atom::value, name + "@example.org",
                                   std::string{"a long enough password"}));
  }
};

}  // namespace

TEST_CASE("roles: VIPs and editors beside moderators, answered by chat_info and badges") {
  room_node n;
  CHECK(n.rest(http_method::put, "roles/bob", "alice", {{"role", "vip"}}).status == 200);
  CHECK(n.rest(http_method::put, "roles/bob", "carol", {{"role", "vip"}}).error == errc::forbidden);
  CHECK(n.rest(http_method::put, "roles/bob", "alice", {{"role", "king"}}).error ==
        errc::invalid_argument);
  CHECK(n.command("alice", "editor", "dave", "runs our polls") == "");
  CHECK(n.command("alice", "mod", "erin") == "");
  CHECK(n.command("alice", "vip", "erin") == "");
  CHECK(n.command("erin", "vip", "frank") == "forbidden");  // broadcaster only
  CHECK(n.command("erin", "editor", "frank") == "forbidden");

  CHECK(n.info("bob")["role"] == "vip");
  CHECK(n.info("dave")["role"] == "editor");
  CHECK(n.info("erin")["role"] == "moderator");  // a moderator who is also a VIP
  CHECK(n.info("erin")["roles"] == json::array({"moderator", "vip"}));
  CHECK(n.info("alice")["role"] == "broadcaster");
  CHECK(n.info("frank")["role"] == "viewer");

  n.subscribe();
  REQUIRE(n.send("bob", "hi"));
  CHECK(n.next_frame()["badges"] == json::array({"vip"}));
  REQUIRE(n.send("erin", "hello"));
  CHECK(n.next_frame()["badges"] == json::array({"moderator", "vip"}));
  REQUIRE(n.send("dave", "yo"));
  CHECK(n.next_frame()["badges"] == json::array({"editor"}));

  // Editors do not moderate.
  auto spam = n.send("frank", "spam");
  REQUIRE(spam);
  CHECK(n.command("dave", "timeout", "frank", "", 60) == "forbidden");
  CHECK(n.command("dave", "ban", "frank") == "forbidden");
  CHECK(n.command("dave", "delete", std::to_string(spam->id)) == "forbidden");
  actors::chat_settings_patch slow;
  slow.slow_s = 30;
  CHECK(n.settings("dave", slow) == "forbidden");
  REQUIRE(n.settings("alice", slow) == "");
  // VIPs skip slow mode; editors and viewers do not.
  CHECK(n.sent("bob", "one") == "");
  CHECK(n.sent("bob", "two") == "");
  CHECK(n.sent("frank", "again") == "slow_mode");

  auto roles = n.rest(http_method::get, "roles", "erin");
  REQUIRE(roles.status == 200);
  CHECK(roles.body ==
        json{{"moderators", {"erin"}}, {"vips", {"bob", "erin"}}, {"editors", {"dave"}}});
  CHECK(n.rest(http_method::get, "roles", "bob").error == errc::forbidden);
  CHECK(n.rest(http_method::del, "roles/bob?role=vip", "alice").status == 200);
  CHECK(n.info("bob")["role"] == "viewer");
  CHECK(n.rest(http_method::del, "roles/erin", "alice", {{"role", "moderator"}}).status == 200);
  CHECK(n.info("erin")["role"] == "vip");
}

TEST_CASE(
  "an editor changes the channel's title and category, nothing else, and moderates nobody") {
  room_node n;
  REQUIRE(n.command("alice", "editor", "dave") == "");
  auto title = n.call(http_method::patch, "channels/alice", user("dave"),
                      {{"title", "Speedruns all night"}, {"category", "Games"}});
  REQUIRE(title.status == 200);
  CHECK(title.body["title"] == "Speedruns all night");
  CHECK(n.call(http_method::patch, "channels/alice", user("dave"), {{"description", "x"}}).error ==
        errc::forbidden);
  CHECK(n.call(http_method::patch, "channels/alice", user("carol"), {{"title", "mine"}}).error ==
        errc::forbidden);
  CHECK(
    n.call(http_method::patch, "channels/alice", user("alice"), {{"description", "ok"}}).status ==
    200);
  REQUIRE(n.send("carol", "hello"));
  CHECK(n.command("dave", "timeout", "carol", "", 60) == "forbidden");
  CHECK(n.rest(http_method::post, "bans", "dave", {{"user", "carol"}}).error == errc::forbidden);
}

TEST_CASE("AutoMod: a held message approved reaches every viewer once; a denied one never") {
  room_node n;
  REQUIRE(n.command("alice", "mod", "bob") == "");
  n.automod(2);
  n.subscribe();
  n.watch("bob");
  auto viewer = n.ask<bool>("chat", "alice", actors::chat_watch_atom::value, user("carol"),
                            caf::actor{n.watcher});
  REQUIRE(viewer);
  CHECK_FALSE(*viewer);  // viewers are not told of held messages

  CHECK(n.sent("carol", "you are a f4ggot") == "held");
  CHECK(n.next_frame(300ms).is_null());  // nobody saw it
  auto held = n.next_mod_frame();
  REQUIRE(held["type"] == "automod_held");
  CHECK(held["item"]["user"] == "carol");
  CHECK(held["item"]["text"] == "you are a f4ggot");
  CHECK(held["item"]["category"] == "discrimination");
  CHECK(held["item"]["level"] == 2);
  CHECK(held["item"]["ts"].is_number());
  auto id = held["item"]["id"].get<std::uint64_t>();

  auto queue = n.rest(http_method::get, "mod/queue", "bob");
  REQUIRE(queue.status == 200);
  REQUIRE(queue.body["items"].size() == 1);
  CHECK(queue.body["items"][0]["id"] == id);
  CHECK(n.rest(http_method::get, "mod/queue", "carol").error == errc::forbidden);
  CHECK(n.rest(http_method::post, "mod/queue/" + std::to_string(id), "carol",
               {{"action", "approve"}})
          .error == errc::forbidden);
  CHECK(n.rest(http_method::post, "mod/queue/" + std::to_string(id), "bob", {{"action", "maybe"}})
          .error == errc::invalid_argument);

  auto approved = n.rest(http_method::post, "mod/queue/" + std::to_string(id), "bob",
                         {{"action", "approve"}, {"reason", "quoting a troll"}});
  REQUIRE(approved.status == 200);
  auto shown = n.next_frame();
  CHECK(shown["type"] == "msg");
  CHECK(shown["text"] == "you are a f4ggot");
  CHECK(shown["user"] == "carol");
  CHECK(shown["automod"] == true);
  CHECK(shown["id"] == approved.body["id"]);
  CHECK(n.next_frame(300ms).is_null());  // once
  CHECK(n.next_mod_frame()["action"] == "approve");
  CHECK(n.history().back()["automod"] == true);
  CHECK(n.rest(http_method::post, "mod/queue/" + std::to_string(id), "bob", {{"action", "approve"}})
          .error == errc::not_found);  // not twice

  CHECK(n.sent("carol", "KYS loser") == "held");
  auto second = n.next_mod_frame();
  CHECK(second["item"]["category"] == "hostility");
  auto second_id = second["item"]["id"].get<std::uint64_t>();
  CHECK(n.rest(http_method::post, "mod/queue/" + std::to_string(second_id), "bob",
               {{"action", "deny"}})
          .status == 200);
  CHECK(n.next_frame(300ms).is_null());
  for (auto& m : n.history())
    CHECK(m["text"] != "KYS loser");
  CHECK(n.rest(http_method::get, "mod/queue", "bob").body["items"].empty());
  // The moderators and the broadcaster are never held.
  CHECK(n.sent("bob", "you f4ggot, quoting") == "");
}

TEST_CASE("AutoMod: allowed terms override it, VIPs skip spam rules only, the queue is bounded") {
  room_node n;
  n.automod(4);
  CHECK(n.sent("carol", "well shit") == "held");
  actors::chat_settings_patch allow;
  allow.set_allowed_terms = true;
  allow.allowed_terms = {"Shit"};
  REQUIRE(n.settings("alice", allow) == "");
  CHECK(n.sent("carol", "oh sh1t") == "");
  CHECK(n.sent("carol", "see www.example.com") == "held");
  REQUIRE(n.command("alice", "vip", "vince") == "");
  CHECK(n.sent("vince", "see www.example.com") == "");
  CHECK(n.sent("vince", "THIS IS THE BEST STREAM EVER") == "");
  CHECK(n.sent("vince", "what the fuck") == "held");
  actors::chat_settings_patch links;
  links.links_allowed = 1;
  REQUIRE(n.settings("alice", links) == "");
  CHECK(n.sent("carol", "docs at https://example.org/x") == "");
  // A repeated message is spam at level 3 and up.
  CHECK(n.sent("dora", "first!") == "");
  CHECK(n.sent("dora", "first!") == "held");

  actors::chat_settings_patch bad;
  bad.automod_level = 5;
  CHECK(n.settings("alice", bad) == "invalid");
  actors::chat_settings_patch too_many;
  too_many.set_allowed_terms = true;
  too_many.allowed_terms.assign(201, "word");
  CHECK(n.settings("alice", too_many) == "invalid");
  // Blocked terms refuse outright; they never wait in the queue.
  actors::chat_settings_patch blocked;
  blocked.set_blocked_terms = true;
  blocked.blocked_terms = {"spoiler"};
  REQUIRE(n.settings("alice", blocked) == "");
  CHECK(n.sent("carol", "SPOILER: he dies") == "blocked_term");

  // 500 held at most: the oldest goes, logged as denied by AutoMod.
  for (int i = 0; i < 502; ++i)
    REQUIRE(n.sent("user" + std::to_string(i), "fuck " + std::to_string(i)) == "held");
  auto queue = n.rest(http_method::get, "mod/queue", "alice");
  REQUIRE(queue.status == 200);
  CHECK(queue.body["items"].size() == 500);
  CHECK(queue.body["items"].back()["text"] == "fuck 501");
  auto log = n.rest(http_method::get, "mod/log?limit=1", "alice");
  CHECK(log.body["entries"][0]["action"] == "automod_deny");
  CHECK(log.body["entries"][0]["by"] == "automod");
}

TEST_CASE("the moderation log lists every action with who, whom, when and why, newest first") {
  room_node n;
  REQUIRE(n.command("alice", "mod", "bob", "trusted") == "");
  auto msg = n.send("carol", "buy followers");
  REQUIRE(msg);
  REQUIRE(n.command("bob", "delete", std::to_string(msg->id), "spam") == "");
  REQUIRE(n.command("bob", "timeout", "carol", "spamming links", 60) == "");
  REQUIRE(n.command("bob", "untimeout", "carol") == "");
  REQUIRE(
    n.rest(http_method::post, "bans", "bob", {{"user", "carol"}, {"reason", "again"}}).status ==
    200);
  REQUIRE(n.rest(http_method::del, "bans/carol", "bob", {{"reason", "second chance"}}).status ==
          200);
  REQUIRE(n.command("alice", "vip", "vince", "loyal") == "");
  actors::chat_settings_patch slow;
  slow.slow_s = 10;
  slow.reason = "raid incoming";
  REQUIRE(n.settings("bob", slow) == "");
  CHECK(n.command("bob", "timeout", "carol", std::string(501, 'x'), 60) == "invalid");

  auto log = n.rest(http_method::get, "mod/log", "bob");
  REQUIRE(log.status == 200);
  auto& e = log.body["entries"];
  REQUIRE(e.size() == 8);
  std::vector<std::string> actions;
  for (auto& entry : e)
    actions.push_back(entry["action"]);
  CHECK(actions == std::vector<std::string>{"settings", "vip", "unban", "ban", "untimeout",
                                            "timeout", "delete", "mod"});
  CHECK(e[0]["reason"] == "raid incoming");
  CHECK(e[0]["detail"]["slow_s"] == 10);
  CHECK(e[1]["reason"] == "loyal");
  CHECK(e[3]["user"] == "carol");
  CHECK(e[3]["by"] == "bob");
  CHECK(e[3]["reason"] == "again");
  CHECK(e[5]["detail"]["duration_s"] == 60);
  CHECK(e[6]["user"] == "carol");
  CHECK(e[6]["reason"] == "spam");
  CHECK(e[7]["reason"] == "trusted");
  CHECK(e[0]["at_ms"].get<std::int64_t>() >= e[7]["at_ms"].get<std::int64_t>());

  auto page = n.rest(http_method::get, "mod/log?limit=3", "bob");
  REQUIRE(page.body["entries"].size() == 3);
  auto next = page.body["next_before"].get<std::uint64_t>();
  auto rest = n.rest(http_method::get, "mod/log?limit=100&before=" + std::to_string(next), "bob");
  REQUIRE(rest.body["entries"].size() == 5);
  CHECK(rest.body["entries"][0]["action"] == "ban");
  CHECK(n.rest(http_method::get, "mod/log?limit=101", "bob").error == errc::invalid_argument);
  CHECK(n.rest(http_method::get, "mod/log", "carol").error == errc::forbidden);
}

TEST_CASE("unban requests: once per ban, listed for moderators, accepted or denied") {
  room_node n;
  REQUIRE(n.command("alice", "mod", "bob") == "");
  REQUIRE(n.command("bob", "ban", "carol", "insults") == "");
  auto text = json{{"text", "I am sorry, it will not happen again"}};
  CHECK(n.rest(http_method::post, "unban-requests", "dave", text).error == errc::conflict);
  CHECK(
    n.rest(http_method::post, "unban-requests", "carol", {{"text", std::string(501, 'a')}}).error ==
    errc::invalid_argument);
  auto asked = n.rest(http_method::post, "unban-requests", "carol", text);
  REQUIRE(asked.status == 201);
  CHECK(n.rest(http_method::post, "unban-requests", "carol", text).error == errc::conflict);

  auto pending = n.rest(http_method::get, "unban-requests?status=pending", "bob");
  REQUIRE(pending.status == 200);
  REQUIRE(pending.body["requests"].size() == 1);
  auto& r = pending.body["requests"][0];
  CHECK(r["user"] == "carol");
  CHECK(r["text"] == text["text"]);
  CHECK(r["status"] == "pending");
  CHECK(n.rest(http_method::get, "unban-requests", "carol").error == errc::forbidden);
  auto id = std::to_string(r["id"].get<std::uint64_t>());
  CHECK(n.rest(http_method::post, "unban-requests/" + id, "carol", {{"action", "accept"}}).error ==
        errc::forbidden);
  CHECK(n.rest(http_method::post, "unban-requests/" + id, "bob",
               {{"action", "accept"}, {"reason", "apology accepted"}})
          .status == 200);
  CHECK(n.sent("carol", "thank you") == "");
  CHECK(n.rest(http_method::post, "unban-requests/" + id, "bob", {{"action", "deny"}}).error ==
        errc::conflict);
  CHECK(n.rest(http_method::get, "unban-requests", "bob").body["requests"].empty());
  CHECK(n.rest(http_method::get, "unban-requests?status=accepted", "bob").body["requests"].size() ==
        1);

  // A new ban, a new request; denied, the ban stays.
  REQUIRE(n.command("bob", "ban", "carol") == "");
  auto again = n.rest(http_method::post, "unban-requests", "carol", text);
  REQUIRE(again.status == 201);
  CHECK(n.rest(http_method::post, "unban-requests/" + std::to_string(again.body["id"].get<int>()),
               "bob", {{"action", "deny"}})
          .status == 200);
  CHECK(n.sent("carol", "please") == "banned");
  CHECK(n.rest(http_method::post, "unban-requests", "carol", text).error == errc::conflict);
  auto log = n.rest(http_method::get, "mod/log?limit=1", "bob");
  CHECK(log.body["entries"][0]["action"] == "unban_request_deny");
}

TEST_CASE("ban lists: export, import into another channel (unknown users counted), round trip") {
  room_node n;
  n.account("carol");
  n.account("dave");
  REQUIRE(n.ask<std::string>("channel", "vega", create_atom::value, user("vega"),
                             std::string{"Vega"}));
  REQUIRE(n.command("alice", "ban", "carol", "hate raid") == "");
  REQUIRE(n.command("alice", "ban", "dave") == "");
  REQUIRE(n.command("alice", "ban", "ghost", "bot") == "");  // no such account
  auto exported = n.rest(http_method::get, "bans", "alice");
  REQUIRE(exported.status == 200);
  REQUIRE(exported.body.size() == 3);
  CHECK(exported.body[0]["user"] == "carol");
  CHECK(exported.body[0]["reason"] == "hate raid");
  CHECK(exported.body[0]["by"] == "alice");
  CHECK(exported.body[0]["at_ms"].get<std::int64_t>() > 0);
  CHECK(n.rest(http_method::get, "bans", "carol").error == errc::forbidden);

  auto imported = n.call(http_method::post, "channels/vega/bans/import", user("vega"),
                         {{"bans", exported.body}});
  REQUIRE(imported.status == 200);
  CHECK(imported.body["imported"] == 2);
  CHECK(imported.body["unknown_users"] == 1);
  auto vega = n.call(http_method::get, "channels/vega/bans", user("vega"));
  REQUIRE(vega.body.size() == 2);
  CHECK(vega.body[0]["user"] == "carol");
  CHECK(vega.body[0]["reason"] == "hate raid");
  CHECK(vega.body[0]["by"] == "vega");
  auto again = n.call(http_method::post, "channels/vega/bans/import", user("vega"),
                      {{"bans", exported.body}});
  CHECK(again.body["imported"] == 0);
  CHECK(again.body["already_banned"] == 2);
  CHECK(n.call(http_method::post, "channels/vega/bans/import", user("carol"),
               {{"bans", exported.body}})
          .error == errc::forbidden);
  json many = json::array();
  for (int i = 0; i < 1001; ++i)
    many.push_back({{"user", "u" + std::to_string(i)}});
  CHECK(
    n.call(http_method::post, "channels/vega/bans/import", user("vega"), {{"bans", many}}).error ==
    errc::invalid_argument);
  CHECK(n.call(http_method::post, "channels/vega/bans/import", user("vega"),
               {{"bans", {{{"name", "x"}}}}})
          .error == errc::invalid_argument);
}

TEST_CASE("user card: recent messages, moderation here, account age, follow age, state") {
  room_node n;
  n.automod(0);  // and a rate limit that lets 25 messages through
  n.account("carol");
  REQUIRE(n.ask<actors::follows_view>("follows", "carol", actors::follow_atom::value,
                                      std::string{"alice"}));
  REQUIRE(n.command("alice", "mod", "bob") == "");
  for (int i = 0; i < 25; ++i)
    REQUIRE(n.send("carol", "message " + std::to_string(i)));
  auto last = n.send("carol", "last words");
  REQUIRE(last);
  REQUIRE(n.command("bob", "delete", std::to_string(last->id)) == "");
  for (int i = 0; i < 100; ++i)  // the room's history forgets carol; the card does not
    REQUIRE(n.send("dave", "not carol"));
  REQUIRE(n.command("bob", "timeout", "carol", "calm down", 600) == "");
  auto card = n.rest(http_method::get, "mod/users/carol", "bob");
  REQUIRE(card.status == 200);
  CHECK(card.body["user"] == "carol");
  REQUIRE(card.body["messages"].size() == 20);
  CHECK(card.body["messages"][0]["text"] == "last words");
  CHECK(card.body["messages"][0]["deleted"] == true);
  CHECK(card.body["messages"][1]["text"] == "message 24");
  CHECK(card.body["messages"][1]["deleted"] == false);
  CHECK(card.body["messages"][19]["text"] == "message 6");
  CHECK(card.body["moderation"][0]["action"] == "timeout");
  CHECK(card.body["moderation"][0]["reason"] == "calm down");
  CHECK(card.body["timeout_until_ms"].get<std::int64_t>() > n.clock.now_ms());
  CHECK(card.body["banned"] == false);
  CHECK(card.body["account_created_ms"].get<std::int64_t>() > 0);
  CHECK(card.body["following_since_ms"].get<std::int64_t>() > 0);
  CHECK(card.body["roles"].empty());
  auto mod = n.rest(http_method::get, "mod/users/bob", "alice");
  CHECK(mod.body["roles"] == json::array({"moderator"}));
  CHECK(mod.body["account_created_ms"].is_null());  // no such account here
  CHECK(n.rest(http_method::get, "mod/users/carol", "dave").error == errc::forbidden);
}
