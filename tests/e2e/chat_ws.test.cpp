// Chat end to end: real WebSocket clients (Beast) against a running node on /ws.
#include <doctest/doctest.h>

#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

json command(chat_client& c, json frame) {
  frame["ref"] = "cmd";
  c.send(frame);
  for (;;) {
    auto reply = c.next_any();
    if (reply.is_null() || reply.value("ref", "") == "cmd")
      return reply;
  }
}

// The next message with this text (others before it are skipped).
json next_msg(chat_client& c, const std::string& text) {
  for (auto m = c.next("msg"); !m.is_null(); m = c.next("msg"))
    if (m["text"] == text)
      return m;
  return nullptr;
}

}  // namespace

TEST_CASE("chat over /ws: join, send, everyone receives in order; anonymous viewers only read") {
  test_node node{"chat_ws_basic"};
  node.create_channel("lobby");
  allow_guests(node, "lobby");
  chat_client bob{node.http_port}, carol{node.http_port}, anon{node.http_port};
  auto history = bob.guest_join("bob", "lobby");
  CHECK(history["messages"].empty());
  carol.guest_join("carol", "lobby");
  anon.join("lobby");

  for (int i = 0; i < 20; ++i)
    (i % 2 ? carol : bob).send({{"type", "send"}, {"text", "message " + std::to_string(i)}});
  // Each client sees all 20 in one order: ids increase, and each sender's own order holds.
  std::vector<std::vector<std::string>> seen(3);
  chat_client* clients[] = {&bob, &carol, &anon};
  std::vector<std::uint64_t> ids;
  for (int c = 0; c < 3; ++c) {
    std::uint64_t last = 0;
    for (int i = 0; i < 20; ++i) {
      auto m = clients[c]->next("msg");
      REQUIRE(m.is_object());
      CHECK(m["id"].get<std::uint64_t>() > last);
      last = m["id"].get<std::uint64_t>();
      seen[c].push_back(m["user"].get<std::string>() + ":" + m["text"].get<std::string>());
      CHECK(m["ts"].get<std::int64_t>() > 0);
      CHECK(m["badges"].is_array());
    }
  }
  CHECK(seen[0] == seen[1]);
  CHECK(seen[1] == seen[2]);
  std::vector<std::string> bobs;
  for (auto& s : seen[0])
    if (s.rfind("guest:bob:", 0) == 0)
      bobs.push_back(s);
  REQUIRE(bobs.size() == 10);
  for (int i = 0; i < 10; ++i)
    CHECK(bobs[i] == "guest:bob:message " + std::to_string(2 * i));

  anon.send({{"type", "send"}, {"text", "hello?"}});
  auto notice = anon.next("notice");
  CHECK(notice["code"] == "sign_in_required");
  CHECK(anon.next("msg", 300ms).is_null());  // nothing was posted

  // Viewer counts are throttled; the latest one counts everybody in the room.
  json presence;
  for (auto p = anon.next("presence"); !p.is_null(); p = anon.next("presence", 1500ms))
    presence = p;
  REQUIRE(presence.is_object());
  CHECK(presence["viewers"] == 3);

  // Reactions arrive as one aggregated count, not one frame per click.
  for (int i = 0; i < 8; ++i)
    bob.send({{"type", "react"}, {"kind", "heart"}});
  auto counts = anon.next("reactions");
  REQUIRE(counts.is_object());
  int hearts = counts["counts"].value("heart", 0);
  while (hearts < 8) {
    auto more = anon.next("reactions", 1s);
    REQUIRE(more.is_object());
    hearts += more["counts"].value("heart", 0);
  }
  CHECK(hearts == 8);

  // /metrics counts the 20 chat messages once each (not per socket, not the other frames).
  auto metrics = node.get("/metrics").body;
  CHECK(metrics.find("\naethex_chat_messages_total 20\n") != std::string::npos);
  CHECK(metrics.find("\naethex_chat_connections 3\n") != std::string::npos);

  chat_client nowhere{node.http_port};
  nowhere.send({{"type", "join"}, {"channel", "nosuchroom"}});
  CHECK(nowhere.next("error")["code"] == "not_found");
}

TEST_CASE("moderation over /ws: delete, timeout, ban and unban; rejections go to the sender") {
  test_node node{"chat_ws_mod"};
  node.create_channel("modroom");
  allow_guests(node, "modroom");
  auto owner = admin_chat(node, "modroom");
  chat_client bob{node.http_port}, viewer{node.http_port};
  bob.guest_join("bob", "modroom");
  viewer.guest_join("vic", "modroom");

  CHECK(command(viewer, {{"type", "ban"}, {"user", "guest:bob"}})["code"] == "forbidden");

  bob.send({{"type", "send"}, {"text", "spam spam"}});
  auto spam = viewer.next("msg");
  REQUIRE(spam.is_object());
  CHECK(command(*owner, {{"type", "delete"}, {"id", spam["id"]}})["type"] == "ok");
  auto deleted = viewer.next("deleted");
  REQUIRE(deleted.is_object());
  CHECK(deleted["id"] == spam["id"]);
  chat_client late{node.http_port};
  CHECK(late.join("modroom")["messages"].empty());  // gone from history too

  CHECK(command(*owner, {{"type", "timeout"}, {"user", "guest:bob"}, {"seconds", 1}})["type"] ==
        "ok");
  CHECK(viewer.next("moderation")["action"] == "timeout");
  bob.send({{"type", "send"}, {"text", "am I muted?"}});
  CHECK(bob.next("notice")["code"] == "timed_out");
  std::this_thread::sleep_for(1100ms);
  bob.send({{"type", "send"}, {"text", "back"}});
  CHECK(next_msg(viewer, "back").is_object());

  CHECK(command(*owner, {{"type", "ban"}, {"user", "guest:bob"}})["type"] == "ok");
  bob.send({{"type", "send"}, {"text", "still here"}});
  CHECK(bob.next("notice")["code"] == "banned");
  CHECK(viewer.next("msg", 300ms).is_null());
  CHECK(command(*owner, {{"type", "unban"}, {"user", "guest:bob"}})["type"] == "ok");
  bob.send({{"type", "send"}, {"text", "unbanned"}});
  CHECK(next_msg(viewer, "unbanned").is_object());

  // Moderators made by the broadcaster get the tools and the badge.
  CHECK(command(*owner, {{"type", "mod"}, {"user", "guest:vic"}})["type"] == "ok");
  viewer.send({{"type", "send"}, {"text", "mod speaking"}});
  auto badged = next_msg(bob, "mod speaking");
  CHECK(badged["badges"] == json::array({"moderator"}));
  CHECK(command(viewer, {{"type", "timeout"}, {"user", "guest:bob"}, {"seconds", 5}})["type"] ==
        "ok");
}

TEST_CASE("slow mode and the rate limit answer with notices; over-long and malformed frames") {
  test_node node{"chat_ws_limits"};
  node.create_channel("limits");
  allow_guests(node, "limits");
  auto owner = admin_chat(node, "limits");
  chat_client bob{node.http_port}, viewer{node.http_port};
  bob.guest_join("bob", "limits");
  viewer.join("limits");

  CHECK(command(*owner, {{"type", "slow"}, {"seconds", 2}})["type"] == "ok");
  CHECK(viewer.next("settings")["settings"]["slow_s"] == 2);
  bob.send({{"type", "send"}, {"text", "first"}});
  bob.send({{"type", "send"}, {"text", "second"}});
  auto slow = bob.next("notice");
  CHECK(slow["code"] == "slow_mode");
  CHECK(viewer.next("msg")["text"] == "first");
  CHECK(viewer.next("msg", 300ms).is_null());

  CHECK(command(*owner, {{"type", "settings"},
                         {"slow_s", 0},
                         {"rate_count", 5},
                         {"rate_window_s", 30}})["type"] == "ok");
  for (int i = 0; i < 7; ++i)
    bob.send({{"type", "send"}, {"text", "burst " + std::to_string(i)}});
  int delivered = 0;
  while (!viewer.next("msg", 500ms).is_null())
    ++delivered;
  CHECK(delivered == 4);  // 5 per 30 s, and "first" already counted
  auto limited = bob.next("notice");
  CHECK(limited["code"] == "rate_limited");

  CHECK(command(bob, {{"type", "send"}, {"text", std::string(501, 'x')}})["code"] == "too_long");

  // Malformed JSON: an error frame, and the connection stays usable.
  bob.send_text("{\"type\": \"send\", ");
  CHECK(bob.next("error")["code"] == "bad_json");
  bob.send_text("[1,2,3]");
  CHECK(bob.next("error")["code"] == "bad_request");
  bob.send({{"type", "teleport"}});
  CHECK(bob.next("error")["code"] == "unknown_type");
  bob.send({{"type", "ping"}, {"ref", 7}});
  CHECK(bob.next("pong")["ref"] == 7);

  // A frame over 16 KiB closes that connection with 1009 and a reason; nobody else notices.
  chat_client big{node.http_port};
  big.join("limits");
  big.send_text(std::string(20 * 1024, 'a'));
  REQUIRE(big.closed(5s));
  CHECK(big.close_code() == 1009);
  CHECK(big.close_reason().find("16384") != std::string::npos);
  bob.send({{"type", "ping"}, {"ref", 8}});
  CHECK(bob.next("pong")["ref"] == 8);
  CHECK(node.get("/api/v1/health").status == 200);
}

TEST_CASE("history survives a node restart") {
  auto data = fresh_temp_dir("aethex-chat-restart");
  std::vector<std::string> texts;
  {
    test_node node{"chat_ws_restart", {}, data};
    node.create_channel("keep");
    allow_guests(node, "keep");
    auto owner = admin_chat(node, "keep");
    chat_client bob{node.http_port};
    bob.guest_join("bob", "keep");
    for (int i = 0; i < 5; ++i) {
      texts.push_back("persisted " + std::to_string(i));
      bob.send({{"type", "send"}, {"text", texts.back()}});
      REQUIRE(owner->next("msg").is_object());
    }
    CHECK(command(*owner, {{"type", "ban"}, {"user", "guest:troll"}})["type"] == "ok");
    CHECK(node.stop() == 0);
  }
  test_node node{"chat_ws_restart2", {}, data};
  chat_client viewer{node.http_port};
  auto history = viewer.join("keep");
  REQUIRE(history["messages"].size() == 5);
  for (int i = 0; i < 5; ++i)
    CHECK(history["messages"][i]["text"] == texts[i]);
  chat_client troll{node.http_port};
  troll.guest_join("troll", "keep");
  troll.send({{"type", "send"}, {"text", "hi again"}});
  CHECK(troll.next("notice")["code"] == "banned");
  node.stop();
  std::filesystem::remove_all(data);
}

TEST_CASE("a client that stops reading is dropped; the others keep receiving on time") {
  test_node node{"chat_ws_slow"};
  node.create_channel("flood");
  allow_guests(node, "flood");
  auto owner = admin_chat(node, "flood");
  CHECK(command(*owner, {{"type", "settings"}, {"rate_count", 100000}, {"rate_window_s", 1}})
          .value("type", "") == "ok");
  chat_client stalled{node.http_port, {.read = false, .receive_buffer = 4096}};
  stalled.send({{"type", "join"}, {"channel", "flood"}});
  chat_client fast{node.http_port};
  fast.join("flood");
  std::this_thread::sleep_for(200ms);

  // 40 senders x 40 messages of ~450 bytes: far more than the stalled socket's queue holds.
  constexpr int senders = 40, per_sender = 40, total = senders * per_sender;
  std::vector<std::unique_ptr<chat_client>> writers;
  for (int s = 0; s < senders; ++s) {
    writers.push_back(std::make_unique<chat_client>(node.http_port));
    writers.back()->guest_join("w" + std::to_string(s), "flood");
  }
  fast.clear();
  std::string pad(400, 'p');
  std::thread flood([&] {
    for (int i = 0; i < per_sender; ++i)
      for (auto& w : writers)
        w->send({{"type", "send"}, {"text", std::to_string(now_ms()) + " " + pad}});
  });
  int received = 0;
  std::int64_t worst_ms = 0;
  while (received < total) {
    auto m = fast.next("msg", 10s);
    if (m.is_null())
      break;
    ++received;
    std::int64_t sent_at = std::stoll(m["text"].get<std::string>().substr(0, 13));
    worst_ms = std::max(worst_ms, now_ms() - sent_at);
  }
  flood.join();
  MESSAGE("fast reader: " << received << " messages, worst delivery " << worst_ms << " ms");
  CHECK(received == total);
  CHECK(worst_ms < 3000);  // generous for a loaded 2-core box; a stall would be unbounded
  // The stalled client was cut off: it holds far fewer than all messages, then the socket ends.
  auto waiting = stalled.drain(10s);
  CHECK(stalled.closed());
  CHECK(waiting < static_cast<std::size_t>(total));
  CHECK(node.get("/api/v1/health").status == 200);
}
