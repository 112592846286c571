// Webhooks end to end: a real receiver process (support/webhook_receiver.py, Python's own hmac)
// on 127.0.0.1 answers the verification challenge, gets a follow and a chat message signed with
// the subscription's secret, fails a message with 500 three times and gets it again on the
// retry schedule as the node's test clock moves; Redeliver sends a logged message once more. A
// node without --webhooks-allow-private refuses loopback, private and link-local URLs.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <thread>

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

const std::string webhook_receiver_script = std::string{AETHEX_SOURCE_DIR} +
                                            "/tests/e2e/support/webhook_receiver.py";

std::vector<json> records_at(const std::filesystem::path& file, const std::string& path,
                             const std::string& type) {
  std::vector<json> out;
  for (auto& r : json_lines_of(file))
    if (r["path"] == path && r["type"] == type)
      out.push_back(r);
  return out;
}

std::string webhook_status(const test_node& node, const std::string& admin, const std::string& id) {
  // Kept in a local: a range-for over a member of a temporary would read freed memory.
  auto list = api_ok(node, "GET", "channels/nova/webhooks", admin);
  for (auto& w : list["webhooks"])
    if (w["id"] == id)
      return w["status"].get<std::string>();
  return "gone";
}

}  // namespace

TEST_CASE("webhooks: challenge, signed deliveries, retries on the test clock, redelivery, SSRF") {
  REQUIRE(on_path("python3"));
  auto dir = fresh_temp_dir("webhooks");
  auto record = dir / "received.jsonl";
  auto secrets_file = dir / "secrets.json";
  auto port = free_tcp_port();
  child_process receiver{{"python3", webhook_receiver_script, std::to_string(port), record.string(),
                          secrets_file.string()},
                         output_dir("webhooks") / "receiver.log"};
  REQUIRE(eventually([&] { return receiver.log().find("listening ") != std::string::npos; }, 10s));
  auto base = "http://127.0.0.1:" + std::to_string(port);

  test_node node{"webhooks", {"--webhooks-allow-private", "--test-clock"}};
  node.create_channel("nova");
  auto admin = admin_token(node.data_dir.string());
  auto catalogue = api_ok(node, "GET", "webhooks/catalogue", "")["types"];
  std::set<std::string> types;
  for (auto& t : catalogue)
    types.insert(t["type"].get<std::string>());
  for (auto type : {"stream.online", "stream.offline", "channel.follow", "chat.message",
                    "channel.raid", "poll.begin", "channel.subscribe", "channel.donation"})
    CHECK(types.contains(type));

  // Subscriptions: the secret once, then the challenge answered → enabled. A wrong answer fails.
  auto create = [&](const std::string& type, const std::string& path) {
    auto res = api_step(node, "POST", "channels/nova/webhooks", admin,
                        {{"type", type}, {"url", base + path}});
    INFO(res.raw);
    REQUIRE(res.status == 201);
    CHECK(res.body["status"] == "verification_pending");
    CHECK(res.body["secret"].get<std::string>().size() == 64);
    return res.body;
  };
  auto follow_sub = create("channel.follow", "/ok/follow");
  auto chat_sub = create("chat.message", "/fail3/chat");
  auto wrong_sub = create("channel.follow", "/wrong/follow");
  std::ofstream{secrets_file}
    << json{{"/ok/follow", follow_sub["secret"]}, {"/fail3/chat", chat_sub["secret"]}}.dump();
  CHECK(eventually([&] { return webhook_status(node, admin, follow_sub["id"]) == "enabled"; },
                   10s));
  CHECK(eventually([&] { return webhook_status(node, admin, chat_sub["id"]) == "enabled"; }, 10s));
  CHECK(eventually(
    [&] { return webhook_status(node, admin, wrong_sub["id"]) == "verification_failed"; }, 10s));
  auto challenges = records_at(record, "/ok/follow", "webhook_callback_verification");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0]["body"]["subscription"]["id"] == follow_sub["id"]);
  CHECK(challenges[0]["body"]["challenge"].get<std::string>().size() >= 16);
  // Secrets are never listed again.
  CHECK(api_ok(node, "GET", "channels/nova/webhooks", admin)["webhooks"][0].contains("secret") ==
        false);

  // A follow: delivered once, signed (checked by Python's hmac), with the catalogue's fields.
  auto ada = api_ok(node, "POST", "auth/signup", "",
                    {{"username", "ada"}, {"password", "ada-password-1"}})["token"]
               .get<std::string>();
  api_ok(node, "POST", "channels/nova/follow", ada);
  REQUIRE_MESSAGE(
    eventually([&] { return !records_at(record, "/ok/follow", "notification").empty(); }, 15s),
    node.log());
  auto follow = records_at(record, "/ok/follow", "notification")[0];
  INFO(follow.dump());
  CHECK(follow["sig_ok"] == true);
  CHECK(follow["body"]["event"]["type"] == "channel.follow");
  CHECK(follow["body"]["event"]["channel"] == "nova");
  CHECK(follow["body"]["event"]["data"]["user"] == "ada");
  CHECK(follow["body"]["subscription"]["id"] == follow_sub["id"]);
  CHECK(follow["timestamp"].get<std::string>().ends_with("Z"));
  CHECK(records_at(record, "/wrong/follow", "notification").empty());

  // A chat message: the receiver answers 500 three times; each retry waits for the test clock.
  auto broadcaster = admin_chat(node, "nova");
  broadcaster->send({{"type", "send"}, {"text", "hello webhooks"}});
  auto chat_attempts = [&] { return records_at(record, "/fail3/chat", "notification").size(); };
  REQUIRE_MESSAGE(eventually([&] { return chat_attempts() == 1; }, 15s), node.log());
  // Backoff 10 s, 20 s, 40 s (±20 %): nothing comes before the clock moves.
  std::this_thread::sleep_for(1500ms);  // two ticks of the entity with the clock still
  CHECK(chat_attempts() == 1);
  for (auto step : {std::pair{13, 2u}, {25, 3u}, {49, 4u}}) {
    api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", step.first}});
    auto expected = step.second;
    REQUIRE_MESSAGE(eventually([&] { return chat_attempts() == expected; }, 10s),
                    "attempt " << expected);
  }
  auto chats = records_at(record, "/fail3/chat", "notification");
  for (auto& c : chats) {
    CHECK(c["sig_ok"] == true);
    CHECK(c["id"] == chats[0]["id"]);  // one message, tried four times
    CHECK(c["body"]["event"]["data"]["text"] == "hello webhooks");
  }
  CHECK(chats[3]["answered"] == 204);
  // The owner's delivery log: newest first, status codes, attempts and latencies.
  json log;
  REQUIRE(eventually(
    [&] {
      log = api_ok(node, "GET",
                   "channels/nova/webhooks/" + chat_sub["id"].get<std::string>() + "/deliveries",
                   admin)["deliveries"];
      return log.size() == 5;  // the verification and four attempts
    },
    10s));
  CHECK(log[0]["outcome"] == "delivered");
  CHECK(log[0]["status"] == 204);
  CHECK(log[0]["attempt"] == 4);
  for (int i = 1; i <= 3; ++i) {
    CHECK(log[i]["status"] == 500);
    CHECK(log[i]["outcome"] == "retrying");
    CHECK(log[i]["latency_ms"].get<std::int64_t>() >= 0);
  }
  CHECK(log[4]["message_type"] == "webhook_callback_verification");

  // Redeliver: the same message once more, signed afresh.
  auto redo = api_step(node, "POST",
                       "channels/nova/webhooks/" + chat_sub["id"].get<std::string>() +
                         "/deliveries/" + std::to_string(log[0]["id"].get<std::uint64_t>()) +
                         "/redeliver",
                       admin);
  CHECK(redo.status == 202);
  REQUIRE(eventually([&] { return chat_attempts() == 5; }, 10s));
  CHECK(records_at(record, "/fail3/chat", "notification")[4]["sig_ok"] == true);

  // Bad input.
  CHECK(api_step(node, "POST", "channels/nova/webhooks", admin,
                 {{"type", "no.such"}, {"url", base + "/ok/x"}})
          .status == 400);
  CHECK(api_step(node, "POST", "channels/nova/webhooks", admin,
                 {{"type", "chat.message"}, {"url", "ftp://example.org/"}})
          .status == 400);
  CHECK(api_step(node, "POST", "channels/nova/webhooks", admin,
                 {{"type", "channel.follow"}, {"url", base + "/ok/follow"}})
          .status == 409);
  CHECK(api_step(node, "POST", "channels/nova/webhooks", ada,
                 {{"type", "chat.message"}, {"url", base + "/ok/x"}})
          .status == 403);
  CHECK(api_step(node, "DELETE", "channels/nova/webhooks/" + wrong_sub["id"].get<std::string>(),
                 admin)
          .status == 200);
  CHECK(webhook_status(node, admin, wrong_sub["id"]) == "gone");

  // SSRF: a node without --webhooks-allow-private refuses internal targets.
  test_node strict{"webhooks-strict"};
  strict.create_channel("nova");
  auto strict_admin = admin_token(strict.data_dir.string());
  for (auto url : {base + "/ok/x", std::string{"http://localhost:" + std::to_string(port) + "/"},
                   std::string{"http://10.1.2.3/hook"}, std::string{"http://169.254.169.254/"},
                   std::string{"http://[::1]:8080/"}, std::string{"http://192.168.1.1/"},
                   std::string{"http://0.0.0.0/"}}) {
    auto res = api_step(strict, "POST", "channels/nova/webhooks", strict_admin,
                        {{"type", "chat.message"}, {"url", url}});
    INFO(url << " -> " << res.raw);
    CHECK(res.status == 400);
    CHECK(res.body["error"]["code"] == "forbidden_address");
  }
  CHECK(api_ok(strict, "GET", "channels/nova/webhooks", strict_admin)["webhooks"].empty());
}
