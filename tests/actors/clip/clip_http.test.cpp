// The clip routes through a real node's HTTP binding (also run as one member of a 3-node
// cluster): who may call what (401 without a token, 403 for the admin token where an account is
// needed), errors as JSON bodies, the OpenAPI description, and a live clip of a stream published
// by ffmpeg: clip/<id> of the running session's VOD, listed for the owner while it renders.
#include <doctest/doctest.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", {},
                {{"username", name}, {"password", name + "-password-1"}})["token"]
    .get<std::string>();
}

}  // namespace

TEST_CASE("clip routes through the node: access, errors, and a live clip of a real stream") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"clips"};
  auto ava = sign_up(node, "ava");
  auto key =
    api_ok(node, "POST", "channels", ava, {{"name", "ava"}})["stream_key"].get<std::string>();
  auto cid = sign_up(node, "cid");
  auto admin = admin_token(node.data_dir.string());

  // Access as the binding checks it, errors as the documented body.
  CHECK(api_step(node, "POST", "clips", "", {{"channel", "ava"}}).status == 401);
  auto unknown = api_step(node, "POST", "clips", cid,
                          {{"vod", "ffffffffffff"}, {"start_s", 0}, {"duration_s", 10}});
  CHECK(unknown.status == 404);
  CHECK(unknown.body["error"]["code"] == "not_found");
  auto short_one = api_step(node, "POST", "clips", cid,
                            {{"vod", "ffffffffffff"}, {"start_s", 0}, {"duration_s", 2}});
  CHECK(short_one.status == 400);
  CHECK(short_one.body["error"]["code"] == "invalid_argument");
  auto offline = api_step(node, "POST", "clips", cid, {{"channel", "ava"}});
  CHECK(offline.status == 409);
  CHECK(offline.body["error"]["message"] ==
        "ava is offline: live clips are cut from a live stream");
  CHECK(api_step(node, "POST", "clips/ffffffffffff/like", admin).status == 403);
  CHECK(api_step(node, "POST", "clips/ffffffffffff/like", cid).status == 404);
  CHECK(api_step(node, "GET", "clips/ffffffffffff", "").status == 404);
  CHECK(api_step(node, "PATCH", "clips/ffffffffffff", "", {{"title", "x"}}).status == 401);
  CHECK(api_ok(node, "GET", "clips", "")["clips"] == json::array());
  CHECK(api_ok(node, "GET", "channels/ava/clips", "")["clips"] == json::array());
  CHECK(api_step(node, "GET", "channels/nosuch/clips", "").status == 404);
  auto paths = api_ok(node, "GET", "openapi.json", "")["paths"];
  for (auto path : {"/clips", "/clips/{id}", "/clips/{id}/like", "/clips/{id}/views",
                    "/channels/{channel}/clips"})
    CHECK_MESSAGE(paths.contains(path), path);

  child_process stream{ffmpeg_publish_args(node.rtmp_url(key), 40), node.out_dir / "ffmpeg.log"};
  REQUIRE_MESSAGE(eventually([&] { return channel_live(node, "ava"); }, 20s), node.log());
  // The recorder creates the session's VOD as it starts: until then a live clip is refused.
  api_reply made;
  REQUIRE_MESSAGE(eventually(
                    [&] {
                      made = api_step(node, "POST", "clips", cid,
                                      {{"channel", "ava"}, {"duration_s", 5}, {"title", "gg"}});
                      return made.status != 409;
                    },
                    20s),
                  made.raw);
  REQUIRE(made.status == 202);
  CHECK(made.body["live"] == true);
  CHECK(made.body["creator"] == "cid");
  CHECK(made.body["title"] == "gg");
  CHECK(made.body["duration_s"] == 5);
  auto id = made.body["id"].get<std::string>();
  auto vod = api_ok(node, "GET", "vods/" + made.body["vod"].get<std::string>(), "");
  CHECK(vod["channel"] == "ava");

  auto shown = api_ok(node, "GET", "clips/" + id, "");
  CHECK(shown["id"] == id);
  CHECK(shown["page"] == "/clip/" + id);
  // The owner's dashboard lists it whatever its state, once the read model has it.
  json mine;
  CHECK_MESSAGE(eventually(
                  [&] {
                    mine = api_ok(node, "GET", "channels/ava/clips", ava)["clips"];
                    return mine.size() == 1 && mine[0]["id"] == id;
                  },
                  10s),
                mine.dump() << " trending " << api_ok(node, "GET", "clips", "").dump() << " clip "
                            << api_ok(node, "GET", "clips/" + id, "").dump() << " health "
                            << api_step(node, "GET", "health", "").raw);
  CHECK(api_step(node, "PATCH", "clips/" + id, ava, {{"title", "Ava's clip"}}).status == 200);
  CHECK(api_step(node, "DELETE", "clips/" + id, sign_up(node, "dee")).status == 403);
  CHECK(api_ok(node, "POST", "clips/" + id + "/like", ava)["likes"] == 1);
  CHECK(api_ok(node, "DELETE", "clips/" + id, cid)["deleted"] == true);
  CHECK(api_step(node, "GET", "clips/" + id, "").status == 404);
}
