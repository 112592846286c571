// Community moderation survives a restart (snapshot + replayed tail), and events written the old
// way (no reason, no automod flag) are byte for byte what the room writes without them.
#include <doctest/doctest.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/chat/moderation_events.hpp"
#include "actors/core/event_sourced.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using json = nlohmann::json;
using runtime::principal;
namespace ev = actors::chat_events;

namespace {

struct room {
  test::entity_fixture& f;

  std::string mod(const std::string& who, std::string action, std::string target,
                  std::string reason = {}) {
    auto r = f.ask<actors::chat_ack>(
      "chat", "alice", actors::chat_mod_atom::value, principal::user(who),
      actors::chat_command{std::move(action), std::move(target), 0, std::move(reason)});
    return r ? "" : reason_of(r.error());
  }
  std::string send(const std::string& who, const std::string& text) {
    auto r = f.ask<actors::chat_ack>("chat", "alice", actors::chat_send_atom::value,
                                     principal::user(who), text);
    return r ? "" : reason_of(r.error());
  }
  json read(caf::expected<std::string> r) {
    REQUIRE(r);
    return json::parse(*r);
  }
  json info(const std::string& who) {
    return read(f.ask<std::string>("chat", "alice", actors::chat_info_atom::value,
                                   principal::user(who)));
  }
};

}  // namespace

TEST_CASE("roles, log, queue, bans and unban requests come back after a restart") {
  test::entity_fixture f;
  REQUIRE(f.ask<std::string>("channel", "alice", create_atom::value, principal::user("alice"),
                             std::string{"Alice"}));
  room r{f};
  actors::chat_settings_patch patch;
  patch.rate_count = 100000;
  patch.automod_level = 4;
  patch.set_allowed_terms = true;
  patch.allowed_terms = {"heck"};
  REQUIRE(f.ask<actors::chat_ack>("chat", "alice", actors::chat_set_atom::value,
                                  principal::user("alice"), patch));
  REQUIRE(r.mod("alice", "mod", "bob", "trusted") == "");
  REQUIRE(r.mod("alice", "vip", "vince") == "");
  REQUIRE(r.mod("alice", "editor", "dave") == "");
  REQUIRE(r.mod("bob", "ban", "carol", "insults") == "");
  REQUIRE(f.ask<actors::chat_ack>("chat", "alice", actors::unban_ask_atom::value,
                                  principal::user("carol"), std::string{"sorry"}));
  REQUIRE(r.send("erin", "what the fuck") == "held");
  for (int i = 0; i < 110; ++i)  // past a snapshot (every 100 events), then a tail
    REQUIRE(r.send("frank", "line " + std::to_string(i)) == "");
  REQUIRE(r.mod("bob", "ban", "gus", "after the snapshot") == "");

  f.restart();
  CHECK(r.info("vince")["role"] == "vip");
  CHECK(r.info("dave")["role"] == "editor");
  CHECK(r.info("bob")["settings"]["automod_level"] == 4);
  CHECK(r.info("bob")["settings"]["allowed_terms"] == json::array({"heck"}));
  auto roles = r.read(f.ask<std::string>("chat", "alice", actors::chat_roles_atom::value,
                                         principal::user("bob")));
  CHECK(roles == json{{"moderators", {"bob"}}, {"vips", {"vince"}}, {"editors", {"dave"}}});
  auto queue = r.read(f.ask<std::string>("chat", "alice", actors::chat_queue_atom::value,
                                         principal::user("bob")));
  REQUIRE(queue["items"].size() == 1);
  CHECK(queue["items"][0]["user"] == "erin");
  auto requests = r.read(f.ask<std::string>("chat", "alice", actors::unban_list_atom::value,
                                            principal::user("bob"), std::string{"pending"}));
  REQUIRE(requests["requests"].size() == 1);
  // Still once per ban after the restart.
  CHECK_FALSE(f.ask<actors::chat_ack>("chat", "alice", actors::unban_ask_atom::value,
                                      principal::user("carol"), std::string{"again"}));
  auto bans = r.read(f.ask<std::string>("chat", "alice", actors::chat_bans_atom::value,
                                        principal::user("bob")));
  REQUIRE(bans["bans"].size() == 2);
  CHECK(bans["bans"][0]["reason"] == "insults");
  CHECK(bans["bans"][1]["reason"] == "after the snapshot");
  auto log = r.read(f.ask<std::string>("chat", "alice", actors::chat_log_atom::value,
                                       principal::user("bob"), std::uint32_t{100},
                                       std::uint64_t{0}));
  std::vector<std::string> actions;
  for (auto& e : log["entries"])
    actions.push_back(e["action"]);
  CHECK(actions == std::vector<std::string>{"ban", "ban", "editor", "vip", "mod", "settings"});
  CHECK(log["entries"][4]["reason"] == "trusted");
  // The held message can still be approved, once.
  auto id = queue["items"][0]["id"].get<std::uint64_t>();
  CHECK(f.ask<actors::chat_ack>("chat", "alice", actors::chat_review_atom::value,
                                principal::user("bob"), id, std::string{"approve"}, std::string{}));
  CHECK_FALSE(f.ask<actors::chat_ack>("chat", "alice", actors::chat_review_atom::value,
                                      principal::user("bob"), id, std::string{"approve"},
                                      std::string{}));
}

TEST_CASE("events without the new optional fields are what rooms always wrote") {
  CHECK(actors::encode_payload(ev::user_banned{"carol", "", "bob"}) ==
        R"({"by":"bob","origin":"","user":"carol"})");
  CHECK(actors::encode_payload(ev::message_deleted{7, "bob"}) == R"({"by":"bob","id":7})");
  CHECK(actors::encode_payload(ev::message{3, "amy", "hi", {}}) ==
        R"({"badges":[],"id":3,"text":"hi","user":"amy"})");
  CHECK(actors::encode_payload(ev::settings_changed{json{{"slow_s", 5}}}) == R"({"slow_s":5})");
  // And old payloads read with empty new fields.
  ev::user_timed_out old;
  from_json(json::parse(R"({"user":"carol","origin":"","until_ms":5,"by":"bob"})"), old);
  CHECK(old.reason.empty());
  ev::settings_changed changed;
  from_json(json::parse(R"({"slow_s":5,"by":"bob","reason":"raid"})"), changed);
  CHECK(changed.settings == json{{"slow_s", 5}});
  CHECK(changed.by == "bob");
  CHECK(changed.reason == "raid");
}
