// Custom emotes end to end: images made by ffmpeg uploaded over HTTP as raw bodies, every refusal
// with its status, the image served with its type and a year's caching, the list pushed to chat
// viewers and the emote accepted in emote-only mode, delete and the operator's takedown (the
// image stops being served, and may not come back), the operator's list of uploads.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"
#include "tests/e2e/support/raw_client.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// An image file ffmpeg makes from a lavfi source (`extra` before the output name).
std::string make_image(const std::filesystem::path& dir, const std::string& name,
                       const std::string& source, std::vector<std::string> extra = {}) {
  auto path = dir / name;
  std::vector<std::string> argv{"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(path.string());
  REQUIRE(run(argv, 30s).status == 0);
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

// The head of GET `target`, for its headers.
std::string head_of(unsigned short port, const std::string& target) {
  raw_client c{port};
  c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  return c.read_until("\r\n\r\n", 5s);
}

}  // namespace

TEST_CASE("custom emotes: upload, serve, chat, delete, take down") {
  test_node node{"emotes"};
  node.create_channel("lobby");
  allow_guests(node, "lobby");
  auto token = admin_token(node.data_dir.string());
  auto dir = fresh_temp_dir("emotes");
  auto host = "127.0.0.1:" + std::to_string(node.http_port);
  auto upload = [&](const std::string& code, const std::string& bytes, const std::string& bearer) {
    return aethex::app::http_call(host, "POST", "/api/v1/channels/lobby/emotes/" + code, bytes,
                                  bearer);
  };
  auto error_code = [](const aethex::app::http_result& r) {
    return json::parse(r.body, nullptr, false)["error"].value("code", "");
  };

  auto png = make_image(dir, "hype.png", "color=c=red:s=56x56", {"-frames:v", "1"});
  auto gif = make_image(dir, "dance.gif", "testsrc=s=64x64:r=10", {"-t", "1"});
  auto jpeg = make_image(dir, "photo.jpg", "color=c=blue:s=56x56", {"-frames:v", "1"});
  auto wide = make_image(dir, "wide.png", "color=c=red:s=80x56", {"-frames:v", "1"});

  chat_client viewer{node.http_port};
  viewer.guest_join("carol", "lobby");

  CHECK(upload("lobbyHype", png, "").status == 401);
  auto added = upload("lobbyHype", png, token);
  REQUIRE(added.status == 201);
  auto emote = json::parse(added.body);
  CHECK(emote["format"] == "png");
  CHECK(emote["width"] == 56);
  auto frame = viewer.next("emotes");
  REQUIRE(frame.is_object());
  CHECK(frame["emotes"][0]["code"] == "lobbyHype");

  auto dance = upload("lobbyDance", gif, token);
  REQUIRE(dance.status == 201);
  CHECK(json::parse(dance.body)["frames"] == 10);

  auto photo = upload("lobbyPhoto", jpeg, token);
  CHECK(photo.status == 415);
  CHECK(error_code(photo) == "unsupported_media_type");
  CHECK(upload("lobbyWide", wide, token).status == 400);
  CHECK(upload("lobbyHype", gif, token).status == 409);  // the code is taken
  CHECK(upload("x", png, token).status == 400);
  CHECK(upload("lobbyBig", std::string(600 * 1024, 'x'), token).status == 413);

  // The image: its bytes, its type, cached for a year, never sniffed.
  auto url = emote["url"].get<std::string>();
  auto image = node.get(url);
  REQUIRE(image.status == 200);
  CHECK(image.body == png);
  auto head = head_of(node.http_port, url);
  CHECK(head.find("Content-Type: image/png") != std::string::npos);
  CHECK(head.find("max-age=31536000, immutable") != std::string::npos);
  CHECK(head.find("X-Content-Type-Options: nosniff") != std::string::npos);

  auto list = api_ok(node, "GET", "channels/lobby/emotes", "");
  REQUIRE(list["emotes"].size() == 2);
  CHECK(list["limits"]["png_max_bytes"] == 256 * 1024);

  // Emote-only mode takes the channel's emotes.
  auto broadcaster = admin_chat(node, "lobby");
  broadcaster->send({{"type", "settings"}, {"emote_only", true}, {"ref", "s"}});
  REQUIRE(broadcaster->next("ok").is_object());
  viewer.send({{"type", "send"}, {"text", ":lobbyHype: :heart:"}, {"ref", "1"}});
  auto shown = viewer.next("msg");
  REQUIRE(shown.is_object());
  CHECK(shown["text"] == ":lobbyHype: :heart:");
  viewer.send({{"type", "send"}, {"text", "plain words"}, {"ref", "2"}});
  CHECK(viewer.next("notice")["code"] == "emote_only");

  // Delete: no longer listed, the image no longer served.
  CHECK(api_step(node, "DELETE", "channels/lobby/emotes/lobbyDance", token).status == 200);
  CHECK(node.get(json::parse(dance.body)["url"].get<std::string>()).status == 404);

  // The operator's list, then a takedown: the image may not come back on this channel.
  json recent;
  CHECK(eventually(
    [&] {
      recent = api_ok(node, "GET", "admin/emotes?limit=10", token);
      return recent["emotes"].size() == 1;
    },
    5s));
  REQUIRE(recent["emotes"].size() == 1);
  CHECK(recent["emotes"][0]["channel"] == "lobby");
  CHECK(api_step(node, "POST", "channels/lobby/emotes/lobbyHype/takedown", token,
                 {{"reason", "breaks rule 3"}})
          .status == 200);
  CHECK(node.get(url).status == 404);
  CHECK(api_ok(node, "GET", "channels/lobby/emotes", "")["emotes"].empty());
  auto again = upload("lobbyHype2", png, token);
  CHECK(again.status == 409);
  CHECK(json::parse(again.body)["error"]["message"].get<std::string>().find("taken down") !=
        std::string::npos);
}
