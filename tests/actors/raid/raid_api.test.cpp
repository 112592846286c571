// Raids end to end: two channels live from real ffmpeg publishers, WebSocket viewers in both
// rooms. Who may raid (the owner, from a live stream, to a live channel that accepts it: its
// setting, its blocks, "followed" through its owner's follows), the countdown and its cancel
// as frames in the raider's room, and "raid now" moving the viewers: raid_go in the raider's
// room and "raided" with the viewer count in the target's.
#include <doctest/doctest.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct creator {
  std::string token;
  std::string key;
};

creator sign_up_with_channel(const test_node& node, const std::string& name) {
  auto token = api_ok(node, "POST", "auth/signup", {},
                      {{"username", name}, {"password", name + "-password-1"}})["token"]
                 .get<std::string>();
  auto key =
    api_ok(node, "POST", "channels", token, {{"name", name}})["stream_key"].get<std::string>();
  return {token, key};
}

}  // namespace

TEST_CASE("a broadcaster raids a live channel that accepts it, and the viewers move") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"raids"};
  auto ava = sign_up_with_channel(node, "ava");
  auto ben = sign_up_with_channel(node, "ben");
  auto dee = sign_up_with_channel(node, "dee");  // never goes live
  auto cid = api_ok(node, "POST", "auth/signup", {},
                    {{"username", "cid"}, {"password", "cid-pass-123"}})["token"]
               .get<std::string>();

  // From an offline channel nothing can start.
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ben"}}).status == 409);
  child_process ava_stream{ffmpeg_publish_args(node.rtmp_url(ava.key), 60),
                           node.out_dir / "ffmpeg-ava.log"};
  child_process ben_stream{ffmpeg_publish_args(node.rtmp_url(ben.key), 60),
                           node.out_dir / "ffmpeg-ben.log"};
  REQUIRE_MESSAGE(eventually([&] { return channel_live(node, "ava") && channel_live(node, "ben"); },
                             20s),
                  node.log());

  CHECK(api_step(node, "POST", "channels/ava/raid", cid, {{"target", "ben"}}).status == 403);
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ava"}}).status == 400);
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "nosuch"}}).status ==
        404);
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "dee"}}).status == 409);
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"aim", "ben"}}).status == 400);

  // ben refuses: by setting, then by block, then only channels he follows.
  CHECK(
    api_step(node, "PATCH", "channels/ben/raid-settings", ben.token, {{"accept", "x"}}).status ==
    400);
  api_ok(node, "PATCH", "channels/ben/raid-settings", ben.token, {{"accept", "nobody"}});
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ben"}}).status == 403);
  api_ok(node, "PATCH", "channels/ben/raid-settings", ben.token, {{"accept", "followed"}});
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ben"}}).status == 403);
  api_ok(node, "POST", "channels/ava/follow", ben.token);
  auto blocked = api_ok(node, "POST", "channels/ben/raid-blocks/ava", ben.token);
  CHECK(blocked["blocked"] == json::array({"ava"}));
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ben"}}).status == 403);
  CHECK(api_ok(node, "DELETE", "channels/ben/raid-blocks/ava", ben.token)["blocked"].empty());
  CHECK(api_step(node, "GET", "channels/ben/raid-settings", ava.token).status == 403);

  chat_client viewer{node.http_port};
  viewer.guest_join("guest_viewer", "ava");
  chat_client target_room{node.http_port};
  target_room.guest_join("guest_target", "ben");

  auto started = api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ben"}});
  REQUIRE(started.status == 201);
  CHECK(started.body["raid"]["state"] == "countdown");
  auto countdown = viewer.next("raid");
  CHECK(countdown["target"] == "ben");
  CHECK(countdown["go_at_ms"] == started.body["raid"]["go_at_ms"]);
  CHECK(api_ok(node, "GET", "channels/ava/raid", "")["raid"]["target"] == "ben");
  CHECK(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ben"}}).status == 409);
  CHECK(api_ok(node, "DELETE", "channels/ava/raid", ava.token)["raid"].is_null());
  CHECK_FALSE(viewer.next("raid_cancelled").is_null());
  CHECK(api_step(node, "POST", "channels/ava/raid/go", ava.token).status == 404);

  REQUIRE(api_step(node, "POST", "channels/ava/raid", ava.token, {{"target", "ben"}}).status ==
          201);
  auto now = api_ok(node, "POST", "channels/ava/raid/go", ava.token);
  CHECK(now["raid"]["state"] == "done");
  auto go = viewer.next("raid_go");
  REQUIRE_FALSE(go.is_null());
  CHECK(go["target"] == "ben");
  auto raided = target_room.next("raided");
  REQUIRE_FALSE(raided.is_null());
  CHECK(raided["from"] == "ava");
  CHECK(raided["viewers"] == now["raid"]["viewers"]);
  CHECK(api_ok(node, "GET", "channels/ava/raid", "")["raid"].is_null());

  // The moved viewer lands in ben's room like any other viewer.
  viewer.send({{"type", "join"}, {"channel", "ben"}});
  CHECK(viewer.next("joined").value("channel", "") == "ben");
}
