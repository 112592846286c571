// The overlay routes as the HTTP binding calls them: the owner's list (every kind with its size
// and URL), the token issued once and kept, rotation refusing the old token, the page's check
// (404 unknown kind or bad channel, 403 missing, wrong or rotated token, never the token echoed
// in an error), now playing (bounds, clearing, the room frame open overlays get), and access
// (anonymous 401, another user 403).
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/overlays/overlays.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto alice = runtime::principal::user("alice");
const auto bob = runtime::principal::user("bob");
const auto nobody = runtime::principal::anonymous();

struct overlays_api {
  test::api_node node{{"overlays", "channel"}, {}};
  caf::scoped_actor viewer{node.sys};

  overlays_api() {
    REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                  std::string{"Alice"}));
    REQUIRE(test::ask_entity<std::string>(viewer, node.registry, "chat", "alice",
                                          chat_sub_atom::value, caf::actor{viewer}));
  }
  test::api_answer check(const std::string& kind, const std::string& token,
                         const std::string& channel = "alice") {
    return node.call(get, "overlays/" + channel + "/" + kind + "?token=" + token, nobody);
  }
  // The next {"type":"now_playing"} frame the room's viewers get (null after 5 s without one).
  json next_playing_frame() {
    json frame;
    for (bool waiting = true; waiting && frame.is_null();)
      viewer->receive(
        [&](chat_deliver_atom, const std::string& text) {
          auto j = json::parse(text);
          if (j["type"] == "now_playing")
            frame = j;
        },
        caf::after(5s) >> [&] { waiting = false; });
    return frame;
  }
};

}  // namespace

TEST_CASE("the owner's list names every overlay with its size; the token is issued once") {
  overlays_api t;
  CHECK(t.node.call(get, "channels/alice/overlays", nobody).error == errc::unauthorized);
  CHECK(t.node.call(get, "channels/alice/overlays", bob).error == errc::forbidden);

  // Before the owner ever asked there is no token: nothing opens an overlay.
  CHECK(t.check("chat", "").error == errc::forbidden);
  CHECK(t.check("chat", std::string(64, '0')).error == errc::forbidden);

  auto list = t.node.call(get, "channels/alice/overlays", alice);
  REQUIRE(list.status == 200);
  auto token = list.body["token"].get<std::string>();
  CHECK(token.size() == 2 * overlay_limits::token_bytes);
  std::set<std::string> kinds;
  for (auto& o : list.body["overlays"]) {
    kinds.insert(o["kind"].get<std::string>());
    CHECK(o["url"].get<std::string>().ends_with("/overlay/alice/" + o["kind"].get<std::string>() +
                                                "?token=" + token));
    CHECK(o["width"].get<int>() >= 400);
    CHECK(o["height"].get<int>() >= 160);
    CHECK_FALSE(o["title"].get<std::string>().empty());
  }
  CHECK(kinds == std::set<std::string>{"chat", "alerts", "polls", "predictions", "hype_train",
                                       "now_playing", "goals"});
  CHECK(t.node.call(get, "channels/alice/overlays", alice).body["token"] == token);  // kept

  for (const auto& k : overlay_kinds) {
    auto ok = t.check(std::string{k.kind}, token);
    REQUIRE(ok.status == 200);
    CHECK(ok.body["kind"] == k.kind);
    CHECK(ok.body["width"] == k.width);
    CHECK(ok.body["now_playing"].is_null());
  }
  CHECK(t.check("scoreboard", token).error == errc::not_found);
  CHECK(t.check("chat", token, "no!such").error == errc::not_found);
  CHECK(t.check("chat", token, "carol").error == errc::forbidden);  // carol's token is not alice's
  CHECK(t.check("chat", token.substr(1)).error == errc::forbidden);
  CHECK(t.node.call(get, "overlays/alice/chat", nobody).error == errc::forbidden);  // no ?token=
}

TEST_CASE("rotating the token refuses every URL given out before") {
  overlays_api t;
  auto old = t.node.call(get, "channels/alice/overlays", alice).body["token"].get<std::string>();
  CHECK(t.node.call(post, "channels/alice/overlays/token", bob).error == errc::forbidden);
  auto rotated = t.node.call(post, "channels/alice/overlays/token", alice);
  REQUIRE(rotated.status == 200);
  auto fresh = rotated.body["token"].get<std::string>();
  CHECK(fresh != old);
  CHECK(rotated.body["overlays"][0]["url"].get<std::string>().ends_with("?token=" + fresh));
  CHECK(t.check("alerts", old).error == errc::forbidden);
  CHECK(t.check("alerts", fresh).status == 200);
  CHECK(t.node.call(get, "channels/alice/overlays", alice).body["token"] == fresh);
}

TEST_CASE("now playing: bounded, cleared by an empty title, and sent to the room") {
  overlays_api t;
  auto token = t.node.call(get, "channels/alice/overlays", alice).body["token"].get<std::string>();
  CHECK(t.node.call(get, "channels/alice/overlays/now-playing", nobody).body.is_null());
  auto put = [&](const runtime::principal& who, json body) {
    return t.node.call(http_method::put, "channels/alice/overlays/now-playing", who, body);
  };
  CHECK(put(nobody, json{{"title", "x"}}).error == errc::unauthorized);
  CHECK(put(bob, json{{"title", "x"}}).error == errc::forbidden);
  CHECK(put(alice, json{{"title", std::string(121, 'x')}}).error == errc::invalid_argument);
  CHECK(put(alice, json{{"artist", std::string(121, 'x')}, {"title", "t"}}).error ==
        errc::invalid_argument);
  CHECK(put(alice, json{{"title", 5}}).error == errc::invalid_argument);
  CHECK(put(alice, json{{"title", "t"}, {"album", "a"}}).error == errc::invalid_argument);
  CHECK(put(alice, json{{"artist", "only an artist"}}).error == errc::invalid_argument);
  CHECK(put(alice, json::array()).error == errc::invalid_json);

  // 120 code points is the limit, not 120 bytes.
  std::string title;
  for (int i = 0; i < 120; ++i)
    title += "é";
  auto set = put(alice, json{{"title", title}, {"artist", "Daft Punk"}});
  REQUIRE(set.status == 200);
  CHECK(set.body["title"] == title);
  auto frame = t.next_playing_frame();
  REQUIRE(frame.is_object());
  CHECK(frame["title"] == title);
  CHECK(frame["artist"] == "Daft Punk");
  CHECK(t.check("now_playing", token).body["now_playing"]["artist"] == "Daft Punk");
  CHECK(t.node.call(get, "channels/alice/overlays/now-playing", nobody).body["title"] == title);

  CHECK(put(alice, json{{"title", ""}}).body.is_null());
  frame = t.next_playing_frame();
  REQUIRE(frame.is_object());
  CHECK(frame["title"] == "");
  CHECK(t.check("now_playing", token).body["now_playing"].is_null());
}

TEST_CASE("the follower goal: owner-set, bounded, in the page's check, sent to the room") {
  overlays_api t;
  auto token = t.node.call(get, "channels/alice/overlays", alice).body["token"].get<std::string>();
  auto put = [&](const runtime::principal& who, json body) {
    return t.node.call(http_method::put, "channels/alice/overlays/goals", who, body);
  };
  CHECK(t.node.call(get, "channels/alice/overlays/goals", alice).body["followers"].is_null());
  CHECK(put(bob, json{{"followers", 100}}).error == errc::forbidden);
  CHECK(put(alice, json{{"followers", -1}}).error == errc::invalid_argument);
  CHECK(put(alice, json{{"followers", 100'000'001}}).error == errc::invalid_argument);
  CHECK(put(alice, json{{"followers", "100"}}).error == errc::invalid_argument);
  CHECK(put(alice, json{{"subscribers", 5}}).error == errc::invalid_argument);
  CHECK(put(alice, json{{"followers", 250}}).body["followers"] == 250);
  json frame;
  for (bool waiting = true; waiting && frame.is_null();)
    t.viewer->receive(
      [&](chat_deliver_atom, const std::string& text) {
        auto j = json::parse(text);
        if (j["type"] == "overlay_goals")
          frame = j;
      },
      caf::after(5s) >> [&] { waiting = false; });
  REQUIRE(frame.is_object());
  CHECK(frame["followers"] == 250);
  CHECK(t.check("goals", token).body["goals"]["followers"] == 250);
  CHECK(put(alice, json{{"followers", nullptr}}).body["followers"].is_null());
  CHECK(t.check("goals", token).body["goals"]["followers"].is_null());
}
