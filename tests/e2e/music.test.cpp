// DJ mode end to end (docs/music.md) on a real node over HTTP: the library (add, edit, checks,
// delete), CSV and M3U imports, artwork bytes served back, the queue, who may manage (owner or
// admin yes, another account 403, nobody 401), now-playing reaching a real WebSocket chat client
// as the room's now_playing frame, the console's view, and the chapters of a VOD recorded from a
// real ffmpeg publish while tracks played.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// A raw (non-JSON) body: CSV, M3U, image bytes.
aethex::app::http_result raw_call(const test_node& node, const std::string& method,
                                  const std::string& target, const std::string& body,
                                  const std::string& token) {
  return aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), method,
                                "/api/v1/" + target, body, token);
}

// The smallest PNG the probe takes: signature, IHDR of w x h, one IDAT, IEND (CRCs unchecked).
std::string tiny_png(std::uint32_t w, std::uint32_t h) {
  auto put32 = [](std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out += static_cast<char>((v >> shift) & 0xFF);
  };
  auto chunk = [&](std::string& out, const char* type, const std::string& data) {
    put32(out, static_cast<std::uint32_t>(data.size()));
    out += type;
    out += data;
    put32(out, 0);
  };
  std::string out{"\x89PNG\r\n\x1a\n", 8};
  std::string header;
  put32(header, w);
  put32(header, h);
  header += std::string{"\x08\x06\x00\x00\x00", 5};
  chunk(out, "IHDR", header);
  chunk(out, "IDAT", std::string(32, 'z'));
  chunk(out, "IEND", "");
  return out;
}

}  // namespace

TEST_CASE("a DJ's library, queue and now playing over HTTP, in chat and in the VOD's chapters") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  test_node node{"music"};
  auto key = node.create_channel("alice");
  auto admin = admin_token(node.data_dir.string());
  auto listener = api_ok(node, "POST", "auth/signup", "",
                         {{"username", "listener"}, {"password", "listener-pass-1"}})["token"]
                    .get<std::string>();
  const std::string music = "channels/alice/music";

  auto fresh = api_ok(node, "GET", music, "");
  CHECK(fresh["dj_mode"] == false);
  CHECK(fresh["announce_in_chat"] == true);
  CHECK(fresh["now_playing"].is_null());
  CHECK(api_step(node, "GET", "channels/nobody/music", "").status == 404);

  // Who may manage: the owner (here the admin, who owns every channel) and editors.
  json strobe{{"title", "Strobe"},
              {"artist", "deadmau5"},
              {"bpm", 128},
              {"key", "8A"},
              {"duration_ms", 634000}};
  CHECK(api_step(node, "POST", music + "/tracks", "", strobe).status == 401);
  CHECK(api_step(node, "POST", music + "/tracks", listener, strobe).status == 403);
  CHECK(api_step(node, "GET", music + "/tracks", listener).status == 403);
  auto added = api_step(node, "POST", music + "/tracks", admin, strobe);
  REQUIRE(added.status == 201);
  CHECK(added.body["id"] == "t1");
  auto bad = api_step(node, "POST", music + "/tracks", admin, {{"title", "x"}, {"bpm", 500}});
  CHECK(bad.status == 400);
  CHECK(bad.body["error"]["code"] == "invalid_argument");
  CHECK(api_ok(node, "PUT", music + "/tracks/t1", admin,
               {{"album", "For Lack of a Better Name"}})["album"] == "For Lack of a Better Name");
  CHECK(api_step(node, "PUT", music + "/tracks/t77", admin, {{"bpm", 100}}).status == 404);

  // Imports: a quoted CSV field with a comma and escaped quotes; a bad line reported.
  auto csv = raw_call(node, "POST", music + "/tracks/import?format=csv",
                      "title,artist,duration\n\"Hello, \"\"World\"\"\",Band,3:25\n"
                      "Ghosts,Someone,4:10\nBroken,X,9:99\n",
                      admin);
  REQUIRE_MESSAGE(csv.status == 200, csv.body);
  auto csv_answer = json::parse(csv.body);
  CHECK(csv_answer["imported"] == 2);
  CHECK(csv_answer["skipped"] == 1);
  CHECK(csv_answer["errors"][0]["line"] == 4);
  auto m3u = raw_call(node, "POST", music + "/tracks/import?format=m3u",
                      "#EXTM3U\n#EXTINF:200,Daft Punk - Aerodynamic\naero.mp3\n", admin);
  REQUIRE(m3u.status == 200);
  CHECK(json::parse(m3u.body)["imported"] == 1);
  auto found = api_ok(node, "GET", music + "/tracks?q=WORLD", admin);
  REQUIRE(found["total"] == 1);
  CHECK(found["tracks"][0]["title"] == "Hello, \"World\"");
  CHECK(found["tracks"][0]["duration_ms"] == 205000);
  CHECK(api_ok(node, "GET", music + "/tracks?limit=2&offset=1", admin)["tracks"].size() == 2);

  // Artwork: checked by its bytes, then served as it was sent.
  CHECK(raw_call(node, "PUT", music + "/tracks/t1/artwork", "not an image", admin).status == 415);
  auto png = tiny_png(300, 300);
  auto art = raw_call(node, "PUT", music + "/tracks/t1/artwork", png, admin);
  REQUIRE_MESSAGE(art.status == 200, art.body);
  CHECK(json::parse(art.body)["artwork_url"] == "/api/v1/channels/alice/music/tracks/t1/artwork");
  auto served = node.get("/api/v1/channels/alice/music/tracks/t1/artwork");
  CHECK(served.status == 200);
  CHECK(served.body == png);

  // The queue, then "next" plays its head and a chat reader sees the line.
  CHECK(api_ok(node, "PUT", music + "/queue", admin, {{"tracks", {"t2", "t3"}}})["queue"].size() ==
        2);
  CHECK(api_step(node, "PUT", music + "/queue", admin, {{"tracks", {"t99"}}}).status == 404);
  auto queued = api_ok(node, "POST", music + "/queue", admin, {{"track", "t1"}});
  REQUIRE(queued["queue"].size() == 3);
  chat_client reader{node.http_port};
  reader.guest_join("guest_dj_fan", "alice");
  auto play = api_ok(node, "POST", music + "/now-playing", admin, {{"next", true}});
  CHECK(play["track"]["id"] == "t2");
  CHECK(play["source"] == "manual");
  auto frame = reader.next("now_playing");
  REQUIRE_MESSAGE(frame.is_object(), "no now_playing frame in chat");
  CHECK(frame["play"]["track"]["title"] == "Hello, \"World\"");
  CHECK(frame["title"] == "Hello, \"World\"");
  CHECK(frame["announce"] == true);
  auto now = api_ok(node, "GET", music, "");
  CHECK(now["now_playing"]["track"]["id"] == "t2");
  CHECK(now["queue"].size() == 2);
  CHECK(now["queue"][1]["artwork_url"] == "/api/v1/channels/alice/music/tracks/t1/artwork");
  CHECK(api_step(node, "DELETE", music + "/tracks/t1", admin).status == 204);
  CHECK(api_ok(node, "GET", music, "")["queue"].size() == 1);
  CHECK(node.get("/api/v1/channels/alice/music/tracks/t1/artwork").status == 404);

  // The console sees what the API sees.
  CHECK(console_command(node, "ask music/alice np").find("Hello") != std::string::npos);

  // A recorded session: plays while it records are its chapters, from its start.
  CHECK(api_ok(node, "PUT", music + "/settings", admin, {{"dj_mode", true}})["dj_mode"] == true);
  // Nothing plays when the stream starts; the publisher names its track in onMetaData, as DJ
  // software does: the first chapter (at 0 when it came just before the recording began).
  CHECK(api_step(node, "DELETE", music + "/now-playing", admin).status == 204);
  auto publish = ffmpeg_publish_args(node.rtmp_url(key), 8);
  publish.insert(publish.end() - 1,
                 {"-metadata", "title=Opening Set", "-metadata", "artist=DJ Stream"});
  child_process ffmpeg{publish, node.out_dir / "ffmpeg.log"};
  std::string vod_id;
  REQUIRE(eventually(
    [&] {
      auto vods = api_call(node, "GET", "/api/v1/channels/alice/vods").body;
      if (vods.is_object() && !vods["vods"].empty() && vods["vods"][0]["state"] == "recording")
        vod_id = vods["vods"][0]["id"];
      // The publisher's onMetaData reaches the channel's music on its own path: the plays below
      // must come after it, so it is awaited too (a loaded machine delivered it later).
      auto now = api_call(node, "GET", "/api/v1/" + music).body;
      return !vod_id.empty() && now.is_object() && now["now_playing"].is_object() &&
             now["now_playing"].value("source", "") == "metadata";
    },
    15s));
  api_ok(node, "POST", music + "/now-playing", admin, {{"track", "t3"}});
  auto second = api_ok(node, "POST", music + "/now-playing", admin,
                       {{"title", "Encore"}, {"artist", "The Band"}});
  CHECK(second["track"]["id"] == "");
  // While it records, the chapters so far (the read model catches up on its own).
  CHECK(eventually(
    [&] {
      auto live = api_call(node, "GET", "/api/v1/vods/" + vod_id + "/chapters").body;
      return live.is_object() && live["chapters"].size() == 3;
    },
    10s));
  REQUIRE(ffmpeg.wait(30s) == 0);
  auto vod = await_ready_vod(node, "alice", 20s);
  REQUIRE_MESSAGE(vod.is_object(), node.log());
  REQUIRE(vod["id"] == vod_id);
  auto chapters = api_ok(node, "GET", "vods/" + vod_id + "/chapters", "")["chapters"];
  REQUIRE(chapters.size() == 3);
  CHECK(chapters[0]["title"] == "Opening Set");  // from the stream's own metadata
  CHECK(chapters[0]["artist"] == "DJ Stream");
  CHECK(chapters[1]["title"] == "Ghosts");
  CHECK(chapters[1]["track"] == "t3");
  CHECK(chapters[2]["title"] == "Encore");
  CHECK(chapters[2]["artist"] == "The Band");
  CHECK(chapters[0]["at_ms"].get<std::int64_t>() >= 0);
  CHECK(chapters[1]["at_ms"] >= chapters[0]["at_ms"]);
  CHECK(chapters[2]["at_ms"] >= chapters[1]["at_ms"]);
  CHECK(chapters[2]["at_ms"].get<std::int64_t>() <= vod["duration_ms"].get<std::int64_t>());
  CHECK(api_step(node, "GET", "vods/nope/chapters", "").status == 404);
}
