// A viewer follows a channel in a real browser and hears it go live (tests/e2e/browser/
// notifications.mjs): sign up, Follow on the channel page, then the top bar's bell counts the
// go-live notification pushed over the page's one WebSocket, lists it, and leads to the channel.
// The script says when its page is subscribed; only then does ffmpeg start publishing, so the
// push cannot come before the page listens. While nova is live the script also finds it on
// Browse (with its loaded thumbnail), under its category on Categories, and through the top
// bar's search. Afterwards the API confirms the follow and inbox.
//
// The second case (tests/e2e/browser/social.mjs) is three people in one Chromium: two signed-up
// users, each live on a channel of their name from ffmpeg, and an anonymous viewer. Direct
// messages (the unread count, the thread, live delivery both ways), a friend request from the
// channel page accepted on /friends, and a raid started from the dashboard that moves the
// viewer's page to the target; afterwards the API confirms what the pages showed.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

json call(const test_node& node, const std::string& method, const std::string& target,
          const json& body = nullptr, const std::string& token = {}) {
  auto res = api_call(node, method, target, body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.raw);
  REQUIRE(res.status == 200);
  return res.body;
}

void require_browser() {
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "chromium is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string{AETHEX_SOURCE_DIR} +
                                          "/net/web/node_modules/playwright-core"),
                  "net/web dependencies are required (scripts/setup runs npm ci)");
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
}

struct creator {
  std::string token;
  std::string key;
};

// Signs `name` up through the API and creates the channel of the same name (its owner).
creator sign_up_with_channel(const test_node& node, const std::string& name) {
  auto signup = api_call(node, "POST", "/api/v1/auth/signup",
                         {{"username", name}, {"password", name + "-password-1"}});
  INFO("signup " << name << " -> " << signup.status << " " << signup.raw);
  REQUIRE(signup.status == 201);
  auto token = signup.body["token"].get<std::string>();
  auto channel = api_call(node, "POST", "/api/v1/channels", {{"name", name}}, token);
  INFO("channel " << name << " -> " << channel.status << " " << channel.raw);
  REQUIRE(channel.status == 201);
  return {token, channel.body["stream_key"].get<std::string>()};
}

}  // namespace

TEST_CASE("a follower's bell lights up when the channel goes live") {
  require_browser();
  test_node node{"browser_notifications"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto key = node.create_channel("nova");
  const std::string password = "ada-password-1";
  // A category for the Categories page to count nova's live channel under.
  call(node, "PATCH", "/api/v1/channels/nova", json{{"category", "Space"}},
       admin_token(node.data_dir.string()));

  child_process script{{"node", browser_script("notifications.mjs"), "--url", node.http_base(),
                        "--channel", "nova", "--category", "Space", "--user", "ada", "--password",
                        password, "--out", node.out_dir.string(), "--timeout", "30"},
                       node.out_dir / "notifications_script.log"};
  auto said_ready = [&] { return script.log().find(R"({"ready":true})") != std::string::npos; };
  bool ready = eventually([&] { return said_ready() || !script.running(); }, 90s);
  REQUIRE_MESSAGE(ready, script.log());
  REQUIRE_MESSAGE(script.running(), script.log());

  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 60), node.out_dir / "ffmpeg.log"};
  auto status = script.wait(120s);
  auto output = script.log();
  INFO(output);
  CHECK(status == 0);
  auto result = last_json_line(output);
  REQUIRE(result.is_object());
  CHECK(result.value("ok", false));
  CHECK(result.value("channel", "") == "nova");
  CHECK(result.value("search_landed", "") == "/c/nova");
  CHECK(result.value("category_live_channels", -1) == 1);
  MESSAGE("browser notifications: " << result.dump());

  // What the browser did, as the API sees it.
  json credentials{{"username", "ada"}, {"password", password}};
  auto token = call(node, "POST", "/api/v1/auth/login", credentials)["token"].get<std::string>();
  auto following = call(node, "GET", "/api/v1/me/following", nullptr, token)["following"];
  REQUIRE(following.size() == 1);
  CHECK(following[0]["channel"] == "nova");
  CHECK(following[0]["notify"] == true);
  CHECK(following[0]["email"] == true);
  // Opening the bell marked it read (the page does not wait for that answer: allow a moment).
  CHECK(eventually(
    [&] { return call(node, "GET", "/api/v1/me/notifications", nullptr, token)["unread"] == 0; },
    5s));
  auto inbox = call(node, "GET", "/api/v1/me/notifications", nullptr, token);
  REQUIRE(inbox["notifications"].size() == 1);
  CHECK(inbox["notifications"][0]["channel"] == "nova");
  CHECK(inbox["notifications"][0]["read"] == true);
  CHECK(call(node, "GET", "/api/v1/channels/nova/followers")["followers"] == 1);
}

TEST_CASE("friends, direct messages and a raid in the browser") {
  require_browser();
  test_node node{"browser_social"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto ava = sign_up_with_channel(node, "ava");
  auto ben = sign_up_with_channel(node, "ben");
  // Both go live while the script does messages and friends; it waits for the live badges
  // before the raid. Small pictures: Chromium plays both streams on this box as well.
  child_process ava_stream{ffmpeg_publish_args(node.rtmp_url(ava.key), 120, "320x180"),
                           node.out_dir / "ffmpeg-ava.log"};
  child_process ben_stream{ffmpeg_publish_args(node.rtmp_url(ben.key), 120, "320x180"),
                           node.out_dir / "ffmpeg-ben.log"};

  child_process script{{"node", browser_script("social.mjs"), "--url", node.http_base(), "--user-a",
                        "ava", "--token-a", ava.token, "--user-b", "ben", "--token-b", ben.token,
                        "--out", node.out_dir.string(), "--timeout", "20"},
                       node.out_dir / "social_script.log"};
  auto status = script.wait(120s);
  auto output = script.log();
  INFO(output);
  CHECK(status == 0);
  auto result = last_json_line(output);
  REQUIRE(result.is_object());
  CHECK(result.value("ok", false));
  MESSAGE("browser social: " << result.dump());

  // Messages: counted in B's top bar before B opened the thread, then read.
  CHECK(result.value("dm_unread_before_open", "") == "1");
  CHECK(result.value("dm_unread_label", "") == "Messages, 1 unread");
  CHECK(result.value("dm_thread_unread", "") == "1");
  CHECK(result.value("dm_unread_after_open_hidden", false));
  CHECK(result.value("dm_live_in_conversation", false));
  CHECK(result.value("dm_badge_while_open_hidden", false));
  auto texts = result.value("dm_texts", json::array());
  REQUIRE(texts.size() == 3);
  json expected_log = json::array();
  for (std::size_t i = 0; i < texts.size(); ++i)
    expected_log.push_back({{"id", i + 1}, {"from", i < 2 ? "ava" : "ben"}, {"text", texts[i]}});
  CHECK(result.value("dm_shown_to_b", json::array()) == expected_log);
  // Friends: asked from the channel page, accepted on /friends, seen by both.
  CHECK(result.value("friend_button_before", "") == "Add friend");
  CHECK(result.value("friend_button_sent", "") == "Cancel request");
  CHECK(result.value("friend_request_live", false));
  CHECK(result.value("friend_button_after", "") == "Friends ✓");
  CHECK(result.value("friends_of_a", json::array()) == json::array({"ben"}));
  CHECK(result.value("friends_of_b", json::array()) == json::array({"ava"}));
  // Raid: the viewer saw the countdown, then moved with the raid without a reload.
  CHECK(result.value("raid_banner_target", "") == "ben");
  auto seconds = result.value("raid_banner_seconds", -1);
  CHECK(seconds > 0);
  CHECK(seconds <= 90);
  CHECK(result.value("raid_panel_state", "") == "done");
  CHECK(result.value("raid_landed", "") == "/c/ben?raid=ava");
  CHECK(result.value("raid_arrival_from", "") == "ava");
  CHECK(result.value("raid_same_document", false));
  CHECK(result.value("raid_banner_after", -1) == 0);
  // The viewer's player was counted before the raid started: the raid carries it along.
  auto viewers = result.value("raid_viewers", -1);
  CHECK(viewers >= 1);
  auto countdown = "Raiding ben with " + std::to_string(viewers) +
                   (viewers == 1 ? " viewer in " : " viewers in ");
  CHECK(result.value("raid_countdown_text", "").rfind(countdown, 0) == 0);
  CHECK(result.value("raided_viewers", -1) == viewers);
  CHECK(result.value("raided_line", "").find("ava is raiding with") != std::string::npos);
  CHECK(result.value("target_room_viewers", -1) == 2);  // ben's page and the moved viewer

  // What the pages did, as the API sees it.
  auto friends = call(node, "GET", "/api/v1/me/friends", nullptr, ava.token);
  REQUIRE(friends["friends"].size() == 1);
  CHECK(friends["friends"][0]["user"] == "ben");
  CHECK(friends["incoming"].empty());
  CHECK(friends["outgoing"].empty());
  // History comes from a read model, moments behind the conversation.
  json history;
  CHECK(eventually(
    [&] {
      history = call(node, "GET", "/api/v1/me/dms/ava", nullptr, ben.token)["messages"];
      return history.size() == 3;
    },
    5s));
  REQUIRE(history.size() == 3);
  for (std::size_t i = 0; i < history.size(); ++i)
    CHECK(history[i]["text"] == texts[i]);
  // The open conversation marked everything read (the page does not wait for that answer).
  CHECK(eventually(
    [&] { return call(node, "GET", "/api/v1/me/dms", nullptr, ben.token)["unread"] == 0; }, 5s));
  CHECK(call(node, "GET", "/api/v1/channels/ava/raid")["raid"].is_null());
}
