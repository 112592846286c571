// A past broadcast in the viewer's browser (tests/e2e/browser/vod_replay.mjs): ffmpeg publishes
// 20 s while the broadcaster chats, the node records the session as a VOD, and Chromium finds it
// under Videos on the channel page, seeks into it, plays on from the seek point and sees the chat
// replayed in step with the video: a message from before the seek point at once, a later one
// only when playback reaches it. Afterwards the API counts the page's view.
#include <doctest/doctest.h>

#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/browser_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// Sends `text` to the room and waits for its echo: then it is stored for the replay.
void say(chat_client& client, const std::string& text) {
  client.send({{"type", "send"}, {"text", text}});
  for (auto m = client.next("msg"); !m.is_null(); m = client.next("msg"))
    if (m.value("text", "") == text)
      return;
  FAIL("the room did not echo: " << text);
}

}  // namespace

TEST_CASE("a viewer's browser replays a past broadcast and its chat from a seek point") {
  require_browser_tools();
  test_node node{"browser_vod"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto key = node.create_channel("vera");
  // Recording is the channel's choice (PATCH record); the node's admin token owns every channel.
  auto settings = api_call(node, "PATCH", "/api/v1/channels/vera", json{{"record", true}},
                           admin_token(node.data_dir.string()));
  INFO("PATCH record -> " << settings.status << " " << settings.raw);
  REQUIRE(settings.status == 200);
  CHECK(settings.body.value("record", false));
  auto broadcaster = admin_chat(node, "vera");

  // ffmpeg publishes in real time, so the messages land seconds apart in the video.
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 20), node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return channel_live(node, "vera"); }, 20s));
  const std::vector<std::string> texts{"first replayed line", "second replayed line",
                                       "third replayed line"};
  std::this_thread::sleep_for(2s);
  say(*broadcaster, texts[0]);
  std::this_thread::sleep_for(7s);
  say(*broadcaster, texts[1]);
  std::this_thread::sleep_for(3s);
  say(*broadcaster, texts[2]);
  CHECK(ffmpeg.wait(40s) == 0);

  auto vod = await_ready_vod(node, "vera", 60s);
  REQUIRE_MESSAGE(vod.is_object(), node.log());
  auto id = vod.value("id", "");
  auto duration = vod.value("duration_s", 0.0);
  CHECK(duration == doctest::Approx(20).epsilon(0.1));

  // Where the messages are in the video, as the replay API puts them.
  auto chat = api_call(node, "GET", "/api/v1/vods/" + id + "/chat?from_s=0&to_s=600");
  INFO("chat -> " << chat.status << " " << chat.raw);
  REQUIRE(chat.status == 200);
  std::map<std::string, double> offset;
  for (const auto& m : chat.body.value("messages", json::array()))
    offset[m.value("text", "")] = m.value("offset_s", -1.0);
  REQUIRE(offset.count(texts[0]) == 1);
  REQUIRE(offset.count(texts[1]) == 1);
  // 2 s past the first message: it is replayed at once; the second comes ~5 s into playback.
  const double seek = offset[texts[0]] + 2;
  REQUIRE(offset[texts[1]] > seek + 3);
  REQUIRE(offset[texts[1]] < duration - 1);

  auto measured = run_browser_script(
    "vod_replay.mjs",
    {"--url", node.http_base(), "--channel", "vera", "--vod", id, "--seek", std::to_string(seek),
     "--before-text", texts[0], "--after-text", texts[1], "--after-offset",
     std::to_string(offset[texts[1]]), "--out", node.out_dir.string(), "--timeout", "30"},
    120s);
  CHECK(measured.value("card_state", "") == "ready");
  CHECK(measured.value("advance_s", 0.0) > 1.5);
  CHECK(measured.value("after_shown_at_s", 0.0) >= offset[texts[1]] - 0.05);
  MESSAGE("browser VOD replay: " << measured.dump());
  CHECK(std::filesystem::exists(node.out_dir / "vod.png"));

  // The page counted one view when playback started.
  CHECK(eventually(
    [&] {
      auto reply = api_call(node, "GET", "/api/v1/vods/" + id);
      return reply.status == 200 && reply.body.value("views", 0) >= 1;
    },
    5s));
}
