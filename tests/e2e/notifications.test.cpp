// Go-live notifications end to end: followers of a channel that goes live (real ffmpeg over
// RTMP) find it in their inbox, get it pushed over their page's WebSocket, and by e-mail when
// they asked for it — into the node's file outbox, or through a real SMTP server (aiosmtpd).
// Followers who turned the channel's notifications off, users who do not follow it and users
// who unfollowed get nothing.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

json call(const test_node& node, const std::string& method, const std::string& target,
          const json& body = nullptr, const std::string& token = {}) {
  auto res = api_call(node, method, target, body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.raw);
  REQUIRE(res.status >= 200);
  REQUIRE(res.status < 300);
  return res.body;
}

std::string signup(const test_node& node, const std::string& user, const std::string& email) {
  json body{{"username", user}, {"password", user + "-password-1"}};
  if (!email.empty())
    body["email"] = email;
  return call(node, "POST", "/api/v1/auth/signup", body)["token"].get<std::string>();
}

json inbox(const test_node& node, const std::string& token) {
  return call(node, "GET", "/api/v1/me/notifications", nullptr, token);
}

// Every .eml file in the outboxes of the node and, in cluster mode, its peers (a notice is
// mailed by the member that stores the channel's events).
std::vector<std::string> outbox_messages(const test_node& node) {
  std::vector<std::string> messages;
  for (auto* suffix : {"", "-peer1", "-peer2"}) {
    fs::path dir = node.data_dir.string() + suffix + "/outbox";
    std::error_code ec;
    for (auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".eml") {
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        messages.push_back(text.str());
      }
  }
  return messages;
}

// A page connection of `token`'s user, subscribed to notifications.
std::unique_ptr<chat_client> subscribed_page(const test_node& node, const std::string& token) {
  auto page = std::make_unique<chat_client>(node.http_port);
  page->send({{"type", "auth"}, {"token", token}});
  REQUIRE_FALSE(page->next("auth_ok").is_null());
  page->send({{"type", "subscribe"}, {"topics", {"notifications"}}});
  auto subscribed = page->next("subscribed");
  REQUIRE(subscribed.value("topics", json::array()) == json::array({"notifications"}));
  return page;
}

bool live(const test_node& node, const std::string& channel, bool want) {
  auto res = node.get("/api/v1/channels/" + channel);
  return json::parse(res.body, nullptr, false).value("live", !want) == want;
}

}  // namespace

TEST_CASE("followers of a channel that goes live are notified once per session") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"notifications"};
  auto key = node.create_channel("nova");
  auto ada = signup(node, "ada", "ada@example.org");  // follows, e-mail on
  auto bea = signup(node, "bea", "bea@example.org");  // follows, notifications off
  auto cyd = signup(node, "cyd", "");                 // does not follow
  for (auto* token : {&ada, &bea})
    call(node, "POST", "/api/v1/channels/nova/follow", nullptr, *token);
  auto prefs = call(node, "PATCH", "/api/v1/channels/nova/follow", {{"email", true}}, ada);
  CHECK(prefs.value("email", false));
  CHECK(prefs.value("notify", false));
  call(node, "PATCH", "/api/v1/channels/nova/follow", {{"notify", false}}, bea);
  auto ada_page = subscribed_page(node, ada);
  auto bea_page = subscribed_page(node, bea);
  CHECK(inbox(node, ada)["unread"] == 0);

  {
    child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 60), node.out_dir / "ffmpeg1.log"};
    auto pushed = ada_page->next("notification", 20s);
    REQUIRE_MESSAGE(!pushed.is_null(), node.log());
    CHECK(pushed["notification"]["channel"] == "nova");
    CHECK(pushed["notification"]["kind"] == "live");
    CHECK(eventually([&] { return inbox(node, ada)["unread"] == 1; }, 5s));
    auto listed = inbox(node, ada)["notifications"];
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["id"] == pushed["notification"]["id"]);
    CHECK(listed[0]["read"] == false);
    CHECK(eventually([&] { return outbox_messages(node).size() == 1; }, 10s));
    auto mail = outbox_messages(node).at(0);
    CHECK(mail.find("To: <ada@example.org>") != std::string::npos);
    CHECK(mail.find("nova is live") != std::string::npos);
    CHECK(mail.find("/c/nova") != std::string::npos);
    // Notifications off, or not following: nothing, in the inbox or over the socket.
    CHECK(inbox(node, bea)["notifications"].empty());
    CHECK(inbox(node, cyd)["notifications"].empty());
    CHECK(bea_page->next("notification", 300ms).is_null());
    // Reading clears the count and keeps the notification.
    call(node, "POST", "/api/v1/me/notifications/read", nullptr, ada);
    auto read = inbox(node, ada);
    CHECK(read["unread"] == 0);
    CHECK(read["notifications"].size() == 1);
  }
  REQUIRE(eventually([&] { return live(node, "nova", false); }, 15s));

  // A pinned chat announcement by the broadcaster notifies too; viewers cannot announce.
  chat_client broadcaster{node.http_port};
  broadcaster.send({{"type", "auth"}, {"token", admin_token(node.data_dir.string())}});
  REQUIRE_FALSE(broadcaster.next("auth_ok").is_null());
  broadcaster.join("nova");
  broadcaster.send({{"type", "announce"}, {"text", "Giveaway at 9!"}, {"ref", 1}});
  auto pinned = broadcaster.next("announcement");
  REQUIRE_FALSE(pinned.is_null());
  CHECK(pinned["text"] == "Giveaway at 9!");
  auto told = ada_page->next("notification", 10s);
  REQUIRE_FALSE(told.is_null());
  CHECK(told["notification"]["kind"] == "announcement");
  CHECK(told["notification"]["title"] == "Giveaway at 9!");
  CHECK(eventually([&] { return inbox(node, ada)["unread"] == 1; }, 5s));
  broadcaster.send({{"type", "announce"}, {"text", "again"}, {"ref", 2}});
  CHECK(broadcaster.next("notice").value("code", "") == "rate_limited");
  chat_client viewer{node.http_port};
  viewer.send({{"type", "auth"}, {"token", cyd}});
  REQUIRE_FALSE(viewer.next("auth_ok").is_null());
  viewer.join("nova");
  viewer.send({{"type", "announce"}, {"text", "me too"}, {"ref", 3}});
  CHECK(viewer.next("notice").value("code", "") == "forbidden");
  chat_client late{node.http_port};
  late.send({{"type", "join"}, {"channel", "nova"}});
  CHECK(late.next("joined")["announcement"]["text"] == "Giveaway at 9!");  // pinned for newcomers
  broadcaster.send({{"type", "unannounce"}});
  CHECK(broadcaster.next("announcement")["text"] == "");
  CHECK(eventually([&] { return outbox_messages(node).size() == 2; }, 10s));  // ada: e-mail on

  // Next session: ada unfollowed, bea turned notifications back on.
  call(node, "DELETE", "/api/v1/channels/nova/follow", nullptr, ada);
  call(node, "PATCH", "/api/v1/channels/nova/follow", {{"notify", true}}, bea);
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 60), node.out_dir / "ffmpeg2.log"};
  CHECK_FALSE(bea_page->next("notification", 20s).is_null());
  CHECK(eventually([&] { return inbox(node, bea)["unread"] == 1; }, 5s));
  CHECK(inbox(node, ada)["notifications"].empty());
  CHECK(ada_page->next("notification", 300ms).is_null());
  CHECK(outbox_messages(node).size() == 2);  // bea never asked for e-mail
}

TEST_CASE("e-mail notifications go through a configured SMTP relay") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  auto smtp_port = free_tcp_port();
  auto maildir = fresh_temp_dir("aethex-maildir");
  child_process smtp{{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                      "127.0.0.1:" + std::to_string(smtp_port), "-c", "aiosmtpd.handlers.Mailbox",
                      (maildir / "box").string()},
                     output_dir("notifications_smtp") / "aiosmtpd.log"};
  test_node node{"notifications_smtp",
                 {"--smtp-url", "smtp://127.0.0.1:" + std::to_string(smtp_port), "--mail-from",
                  "Nova Alerts <alerts@aethex.test>"}};
  auto key = node.create_channel("lumen");
  auto eve = signup(node, "eve", "eve@example.org");
  call(node, "POST", "/api/v1/channels/lumen/follow", nullptr, eve);
  call(node, "PATCH", "/api/v1/channels/lumen/follow", {{"email", true}}, eve);
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 60), node.out_dir / "ffmpeg.log"};
  auto delivered = [&] {
    std::vector<std::string> mails;
    std::error_code ec;
    for (auto& entry : fs::directory_iterator(maildir / "box" / "new", ec)) {
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      mails.push_back(text.str());
    }
    return mails;
  };
  REQUIRE_MESSAGE(eventually([&] { return delivered().size() == 1; }, 25s), smtp.log());
  auto mail = delivered().at(0);
  CHECK(mail.find("To: <eve@example.org>") != std::string::npos);
  CHECK(mail.find("From: Nova Alerts <alerts@aethex.test>") != std::string::npos);
  CHECK(mail.find("lumen is live") != std::string::npos);
  CHECK(outbox_messages(node).empty());  // with a relay, nothing goes to the outbox
}
