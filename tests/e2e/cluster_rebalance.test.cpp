// Partitions move while chat runs: a 4th node joins a 3-node cluster under chat load, is then
// drained, and a member leaves on SIGTERM. Every acknowledged message must be in the room's
// event stream exactly once, and every entity must stay readable from every node.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "runtime/placement.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/cluster_nodes.hpp"

using namespace aethex;
using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// A channel whose chat room lives on `node` once `nodes` are the members (so the move of its
// room's partition is part of the test, not luck).
std::string channel_placed_on(const std::string& node, const std::vector<std::string>& nodes) {
  for (int i = 0;; ++i) {
    auto name = "moving" + std::to_string(i);
    if (runtime::rendezvous_owner(runtime::partition_of("chat", name), nodes) == node)
      return name;
  }
}

// Sends numbered messages as the node's admin (exempt from the rate limit) at about 12/s, each
// waiting for its answer; remembers which ones the room acknowledged.
class chat_load {
 public:
  chat_load(const test_node& node, const std::string& channel) : client_{node.http_port} {
    client_.send({{"type", "auth"}, {"token", admin_token(node.data_dir.string())}});
    REQUIRE(client_.next("auth_ok").is_object());
    REQUIRE(client_.join(channel).is_object());
    worker_ = std::thread{[this] { run(); }};
  }
  ~chat_load() { stop(); }

  void stop() {
    running_ = false;
    if (worker_.joinable())
      worker_.join();
  }
  const std::vector<std::string>& acknowledged() const { return acknowledged_; }
  int refused() const { return refused_; }

 private:
  void run() {
    for (int i = 0; running_; ++i) {
      auto text = "load-" + std::to_string(i);
      client_.send({{"type", "send"}, {"text", text}, {"ref", i}});
      for (auto deadline = std::chrono::steady_clock::now() + 20s;
           std::chrono::steady_clock::now() < deadline;) {
        auto reply = client_.next_any(1s);
        if (reply.is_null() || reply.value("ref", -1) != i)
          continue;
        if (reply.value("type", "") == "ok")
          acknowledged_.push_back(text);
        else
          ++refused_;
        break;
      }
      std::this_thread::sleep_for(80ms);
    }
  }

  chat_client client_;
  std::atomic<bool> running_{true};
  std::vector<std::string> acknowledged_;
  int refused_ = 0;
  std::thread worker_;
};

// Names the node's directory lists (every member's channels, merged), paging by 5.
std::vector<std::string> directory_names(const test_node& node) {
  std::vector<std::string> names;
  std::string after;
  for (int page = 0; page < 20; ++page) {
    auto res = node.get("/api/v1/channels?limit=5" + (after.empty() ? "" : "&after=" + after));
    REQUIRE(res.status == 200);
    auto body = json::parse(res.body);
    for (auto& row : body["channels"])
      names.push_back(row["name"]);
    if (body["next"].is_null())
      break;
    after = body["next"];
  }
  return names;
}

void check_exactly_once(const std::vector<std::string>& acknowledged,
                        const std::vector<std::string>& stored) {
  auto report = compare_once(acknowledged, stored);
  CHECK_MESSAGE(report.missing == 0, "missing: " << report.first_missing);
  CHECK(report.doubled == 0);
}

}  // namespace

TEST_CASE("a 4th node joins under chat load, is drained, and a member leaves on SIGTERM") {
  auto port_a = free_tcp_port(), port_b = free_tcp_port(), port_c = free_tcp_port();
  auto seed = "127.0.0.1:" + std::to_string(port_a);
  test_node a{"rebalance_a", cluster_args("a", port_a)};
  test_node b{"rebalance_b", cluster_args("b", port_b, seed)};
  auto c = std::make_unique<test_node>("rebalance_c", cluster_args("c", port_c, seed));
  REQUIRE(eventually([&] { return placement_settled(a, {"a", "b", "c"}); }, 30s));

  auto channel = channel_placed_on("d", {"a", "b", "c", "d"});
  a.create_channel(channel);
  // Channels on every node, to read back after the moves.
  std::vector<std::string> others;
  for (int i = 0; i < 12; ++i) {
    others.push_back("keep" + std::to_string(i));
    (i % 2 ? b : a).create_channel(others.back());
  }
  chat_client reader{c->http_port};
  REQUIRE(reader.guest_join("reader", channel).is_object());
  chat_load load{b, channel};
  std::this_thread::sleep_for(1500ms);

  auto port_d = free_tcp_port();
  auto d = std::make_unique<test_node>("rebalance_d", cluster_args("d", port_d, seed));
  CHECK(eventually([&] { return placement_settled(a, {"a", "b", "c", "d"}); }, 60s));
  std::this_thread::sleep_for(1s);
  CHECK(!room_texts(*d, channel).empty());  // the room moved to d and took messages there
  auto moved_in = load.acknowledged().size();

  // Drain d while the load goes on: its partitions go back to a, b and c.
  auto drained = admin_post(*d, "/api/v1/cluster/drain", json::object());
  CHECK(drained.status == 200);
  CHECK(partition_counts(a)["d"] == 0);
  std::this_thread::sleep_for(1s);
  load.stop();
  MESSAGE("acknowledged: " << load.acknowledged().size() << " (" << moved_in
                           << " by the end of the join), refused: " << load.refused());
  CHECK(load.refused() == 0);
  CHECK(load.acknowledged().size() > 30);

  auto owner_among = [&](const std::vector<std::string>& nodes) -> const test_node& {
    auto id = runtime::rendezvous_owner(runtime::partition_of("chat", channel), nodes);
    return id == "a" ? a : id == "b" ? b : id == "c" ? *c : *d;
  };
  check_exactly_once(load.acknowledged(), room_texts(owner_among({"a", "b", "c"}), channel));
  // The room's history agrees, from any node.
  auto history = admin_post(b, "/api/v1/admin/console",
                            {{"argv", {"ask", "chat/" + channel, "history"}}});
  REQUIRE(history.status == 200);
  auto messages = json::parse(history.body)["result"]["messages"];
  REQUIRE(!messages.empty());
  CHECK(messages.back()["text"] == load.acknowledged().back());

  // The reader on c kept receiving through both moves: live, or in the history frame its
  // node's fan-out sends again after re-subscribing to the moved room.
  std::set<std::string> seen;
  for (auto f = reader.next_any(2s); !f.is_null(); f = reader.next_any(500ms)) {
    if (f.value("type", "") == "msg")
      seen.insert(f.value("text", ""));
    if (f.value("type", "") == "history")
      for (auto& m : f["messages"])
        seen.insert(m.value("text", ""));
  }
  int unseen = 0;
  for (auto& text : load.acknowledged())
    unseen += seen.count(text) == 0;
  CHECK(unseen == 0);

  // SIGTERM: c moves its partitions away before it exits; nothing becomes unavailable.
  auto c_log_before_stop = c->log().size();
  CHECK(c->stop() == 0);
  auto c_log = c->log().substr(c_log_before_stop);
  CHECK(c_log.find("partitions moved") != std::string::npos);
  c.reset();
  // d stays drained (an edge) until it restarts, so a and b own everything now.
  CHECK(eventually([&] { return member_count(a) == 3; }, 15s));
  CHECK(placement_settled(a, {"a", "b"}));
  for (auto& name : others)
    for (auto* node : {&a, &b, d.get()}) {
      auto res = node->get("/api/v1/channels/" + name);
      CHECK_MESSAGE(res.status == 200, name << " via " << node->http_port << ": " << res.body);
    }
  // The directory is the same on every node, each channel once, in name order.
  auto expected = others;
  expected.push_back(channel);
  std::sort(expected.begin(), expected.end());
  CHECK(eventually([&] { return directory_names(a) == expected; }, 10s));
  for (auto* node : {&b, d.get()})
    CHECK(directory_names(*node) == expected);
  check_exactly_once(load.acknowledged(), room_texts(owner_among({"a", "b"}), channel));
}
