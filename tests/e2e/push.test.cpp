// Web push end to end: a follower's device subscribed (keys made by a real receiver,
// support/push_receiver.py, standing in for the browser and its push service), the channel goes
// live (real ffmpeg over RTMP), and the receiver gets a push whose VAPID JWT and aes128gcm body
// it verifies and decrypts on its own (python3-cryptography): the message names the channel. A
// second subscription answered 410 Gone is removed from the account.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::string push_receiver_script = std::string{AETHEX_SOURCE_DIR} +
                                         "/tests/e2e/support/push_receiver.py";

json push_call(const test_node& node, const std::string& method, const std::string& target,
               const json& body, const std::string& token) {
  auto res = api_call(node, method, target, body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.raw);
  REQUIRE(res.status >= 200);
  REQUIRE(res.status < 300);
  return res.body;
}

}  // namespace

TEST_CASE("a followed channel going live wakes the follower's device by web push") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  REQUIRE(on_path("python3"));
  auto record = fresh_temp_dir("push-receiver") / "pushes.jsonl";
  auto port = free_tcp_port();
  child_process receiver{{"python3", push_receiver_script, std::to_string(port), record.string()},
                         output_dir("push") / "receiver.log"};
  REQUIRE(eventually([&] { return receiver.log().find("listening ") != std::string::npos; }, 10s));
  auto line = receiver.log().substr(receiver.log().find("listening ") + 10);
  auto keys = json::parse(line.substr(0, line.find('\n')));

  test_node node{"push", {"--push-allow-private", "--push-subject", "mailto:ops@example.org"}};
  auto stream_key = node.create_channel("nova");
  auto ada = push_call(node, "POST", "/api/v1/auth/signup",
                       {{"username", "ada"}, {"password", "ada-password-1"}}, "")["token"]
               .get<std::string>();
  push_call(node, "POST", "/api/v1/channels/nova/follow", nullptr, ada);
  auto origin = "http://127.0.0.1:" + std::to_string(port);
  auto subscribe = [&](const std::string& path) {
    return push_call(node, "POST", "/api/v1/me/push-subscriptions",
                     {{"endpoint", origin + path},
                      {"expirationTime", nullptr},
                      {"keys", {{"p256dh", keys["p256dh"]}, {"auth", keys["auth"]}}}},
                     ada);
  };
  subscribe("/sub/ada-phone");
  subscribe("/gone/ada-old-laptop");
  CHECK(
    push_call(node, "GET", "/api/v1/me/push-subscriptions", nullptr, ada)["subscriptions"].size() ==
    2);
  auto vapid_key = push_call(node, "GET", "/api/v1/push/vapid-key", nullptr, "")["public_key"];

  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(stream_key), 30),
                       node.out_dir / "ffmpeg.log"};
  bool both_arrived = eventually([&] { return json_lines_of(record).size() >= 2; }, 30s);
  REQUIRE_MESSAGE(both_arrived, receiver.log() << node.log());
  for (auto& push : json_lines_of(record)) {
    INFO(push.dump());
    CHECK(push["vapid_ok"] == true);  // signature, aud, exp within 24 h, sub
    CHECK(push["k"] == vapid_key);
    CHECK(push["claims"]["aud"] == origin);
    CHECK(push["claims"]["sub"] == "mailto:ops@example.org");
    CHECK(push["encoding"] == "aes128gcm");
    CHECK(push["ttl"] == "14400");
    REQUIRE(push.contains("message"));
    CHECK(push["message"]["type"] == "live");
    CHECK(push["message"]["channel"] == "nova");
    CHECK(push["message"]["url"] == "/c/nova");
  }
  // The push service said 410 for the old laptop: that subscription is gone, the phone stays.
  CHECK(eventually(
    [&] {
      auto subs = api_call(node, "GET", "/api/v1/me/push-subscriptions", nullptr, ada).body;
      return subs["subscriptions"].size() == 1 &&
             subs["subscriptions"][0]["endpoint"] == origin + "/sub/ada-phone";
    },
    10s));
  // Once per stream session: nothing more while the same session runs.
  CHECK(json_lines_of(record).size() == 2);
}
