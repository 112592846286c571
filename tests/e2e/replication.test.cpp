// Replicated partitions (--replicas 3): node processes on loopback under chat and API load lose
// the leader of the room's partition, round after round (kill -9 and restart); after every round
// each acknowledged message and each channel created through the API is stored exactly once, no
// two nodes ever led a group in the same term, and the time from the kill to the next
// acknowledged write is measured.
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "runtime/placement.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/cluster_nodes.hpp"
#include "tests/e2e/support/replicated_cluster.hpp"

using namespace aethex;
using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

using steady = std::chrono::steady_clock;

// What the two loads share: a worker thread, the writes acknowledged so far, the member new
// requests avoid (it is about to die).
class load_worker {
 public:
  void stop() {
    running_ = false;
    if (worker_.joinable())
      worker_.join();
  }
  std::vector<std::string> acknowledged() {
    std::lock_guard lock{mutex_};
    return acknowledged_;
  }
  void avoid(const std::string& id) {
    std::lock_guard lock{mutex_};
    avoid_ = id;
  }

 protected:
  ~load_worker() = default;  // derived loads stop() first: the worker uses their members
  void start(std::function<void()> run) { worker_ = std::thread{std::move(run)}; }
  std::string avoided() {
    std::lock_guard lock{mutex_};
    return avoid_;
  }
  std::atomic<bool> running_{true};
  std::mutex mutex_;
  std::vector<std::string> acknowledged_;

 private:
  std::string avoid_;
  std::thread worker_;
};

// Chat messages sent one at a time, each waiting for its answer; a connection lost with its
// node is replaced by one to another live member. Only "ok" answers count as acknowledged.
class failover_chat_load final : public load_worker {
 public:
  failover_chat_load(replicated_cluster& cluster, std::string channel)
      : cluster_(cluster), channel_(std::move(channel)) {
    start([this] { run(); });
  }
  ~failover_chat_load() { stop(); }
  // When the first message sent after `since` was acknowledged.
  std::optional<steady::time_point> first_ack_after(steady::time_point since) {
    std::lock_guard lock{mutex_};
    for (auto& [sent, acked] : ack_times_)
      if (sent > since)
        return acked;
    return std::nullopt;
  }

 private:
  std::unique_ptr<chat_client> connect() {
    auto avoid = avoided();
    for (auto& m : cluster_.members()) {
      if (!m.node || m.id == avoid)
        continue;
      try {
        auto client = std::make_unique<chat_client>(m.node->http_port);
        client->send({{"type", "auth"}, {"token", admin_token(m.node->data_dir.string())}});
        if (client->next("auth_ok", 3s).is_null() || client->join(channel_).is_null())
          continue;
        return client;
      } catch (const std::exception&) {
      }
    }
    return nullptr;
  }

  // Sends message `i` and waits for its answer (an "ok" counts as acknowledged).
  void send_one(chat_client& client, int i) {
    auto text = "load-" + std::to_string(i);
    auto sent = steady::now();
    client.send({{"type", "send"}, {"text", text}, {"ref", i}});
    for (auto deadline = steady::now() + 8s; steady::now() < deadline;) {
      auto reply = client.next_any(500ms);
      if (client.closed())
        break;
      if (reply.is_null() || reply.value("ref", -1) != i)
        continue;
      if (reply.value("type", "") == "ok") {
        std::lock_guard lock{mutex_};
        acknowledged_.push_back(text);
        ack_times_.emplace_back(sent, steady::now());
      }
      break;
    }
  }

  void run() {
    std::unique_ptr<chat_client> client;
    for (int i = 0; running_; ++i) {
      if (!client || client->closed()) {
        client = connect();
        if (!client) {
          std::this_thread::sleep_for(200ms);
          continue;
        }
      }
      try {
        send_one(*client, i);
      } catch (const std::exception&) {
        client.reset();  // its node died under it: the next message goes to another member
      }
      std::this_thread::sleep_for(50ms);
    }
  }

  replicated_cluster& cluster_;
  std::string channel_;
  std::vector<std::pair<steady::time_point, steady::time_point>> ack_times_;  // sent, acked
};

// Channels created one at a time through the API of a live member (spread over every partition,
// so the victim's groups are among them); a 201 counts as acknowledged.
class failover_api_load final : public load_worker {
 public:
  explicit failover_api_load(replicated_cluster& cluster) : cluster_(cluster) {
    start([this] { run(); });
  }
  ~failover_api_load() { stop(); }

 private:
  void run() {
    for (int i = 0; running_; ++i) {
      auto* m = cluster_.any_live(avoided());
      auto name = "api" + std::to_string(i);
      if (m != nullptr && m->node &&
          admin_post(*m->node, "/api/v1/channels", {{"name", name}}).status == 201) {
        std::lock_guard lock{mutex_};
        acknowledged_.push_back(name);
      }
      std::this_thread::sleep_for(100ms);
    }
  }

  replicated_cluster& cluster_;
};

// Every acknowledged channel reads back from a live member, created once.
void check_channels(replicated_cluster& cluster, const std::vector<std::string>& names) {
  int unreadable = 0, not_once = 0;
  for (auto& name : names) {
    auto& node = *cluster.any_live()->node;
    unreadable += !eventually([&] { return node.get("/api/v1/channels/" + name).status == 200; },
                              10s);
    not_once += channel_created_events(node, name) != 1;
  }
  CHECK_MESSAGE(unreadable == 0, unreadable << " of " << names.size() << " channels unreadable");
  CHECK_MESSAGE(not_once == 0, not_once << " of " << names.size() << " not created exactly once");
}

void check_acknowledged_once(const std::vector<std::string>& acknowledged,
                             const std::vector<std::string>& stored) {
  auto report = compare_once(acknowledged, stored);
  MESSAGE("acknowledged " << acknowledged.size() << ", stored " << stored.size()
                          << (report.missing ? ", first missing: " + report.first_missing
                                             : std::string{}));
  CHECK(report.missing == 0);
  CHECK(report.doubled == 0);
}

void check_one_leader_per_term(replicated_cluster& cluster) {
  int shared = 0;
  for (auto& [group_term, nodes] : cluster.leaderships())
    shared += nodes.size() > 1;
  CHECK(shared == 0);
}

struct failover_times {
  std::vector<double> seconds;
  void report(const std::string& what) {
    if (seconds.empty())
      return;
    auto sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    MESSAGE(what << ": " << sorted.size() << " rounds, failover (kill to next acknowledged write) "
                 << "median " << sorted[sorted.size() / 2] << " s, max " << sorted.back() << " s");
  }
};

// The room as its owner stores it holds every acknowledged message once. The owner a member
// names may be a replica that has not applied the last commits yet: it is asked again for a
// while before anything counts as missing.
void check_room(replicated_cluster& cluster, const std::vector<std::string>& acknowledged,
                std::uint32_t partition, const std::string& channel) {
  std::vector<std::string> stored;
  eventually(
    [&] {
      auto owner = cluster.owner_of(partition);
      if (owner.empty() || !cluster.by_id(owner).node)
        return false;
      stored = room_texts(*cluster.by_id(owner).node, channel);
      std::set<std::string> have{stored.begin(), stored.end()};
      return std::all_of(acknowledged.begin(), acknowledged.end(),
                         [&](auto& text) { return have.count(text) > 0; });
    },
    10s);
  check_acknowledged_once(acknowledged, stored);
}

// Kills the leader of a chat room's partition `rounds` times under chat load, restarting it
// each time, and checks what the suite's comment says.
void kill_leader_rounds(const std::string& suite, int size, int rounds) {
  replicated_cluster cluster{suite, size};
  REQUIRE(eventually([&] { return cluster.settled(3); }, 90s));
  auto channel = std::string{"failover"};
  cluster.any_live()->node->create_channel(channel);
  auto partition = runtime::partition_of("chat", channel);
  failover_chat_load load{cluster, channel};
  failover_api_load api{cluster};
  REQUIRE(eventually([&] { return load.acknowledged().size() >= 5; }, 20s));
  std::size_t api_checked = 0;

  failover_times times;
  for (int round = 0; round < rounds; ++round) {
    std::string victim_id;
    REQUIRE(eventually(
      [&] {
        victim_id = cluster.owner_of(partition);
        return !victim_id.empty();
      },
      10s));
    auto& victim = cluster.by_id(victim_id);
    load.avoid(victim_id);
    api.avoid(victim_id);
    auto killed_at = steady::now();
    victim.node->kill();
    victim.node.reset();
    // The survivors elect a leader of their own and the load goes on.
    REQUIRE(eventually([&] { return load.first_ack_after(killed_at).has_value(); }, 30s));
    times.seconds.push_back(
      std::chrono::duration<double>(*load.first_ack_after(killed_at) - killed_at).count());
    CHECK(cluster.owner_of(partition) != victim_id);
    // Back from its own disk: it rejoins and catches up; every group has 3 voters again.
    auto& survivor = *cluster.any_live()->node;
    REQUIRE(eventually([&] { return member_count(survivor) == std::size_t(size - 1); }, 15s));
    cluster.start(victim, cluster.seed());
    load.avoid("");
    api.avoid("");
    REQUIRE(eventually([&] { return cluster.settled(3); }, 60s));
    check_room(cluster, load.acknowledged(), partition, channel);
    auto created = api.acknowledged();
    check_channels(cluster,
                   {created.begin() + static_cast<std::ptrdiff_t>(api_checked), created.end()});
    api_checked = created.size();
  }
  load.stop();
  api.stop();
  MESSAGE("channels created through the API: " << api.acknowledged().size());
  CHECK(api.acknowledged().size() > std::size_t(3 * rounds));
  check_channels(cluster, api.acknowledged());
  times.report(std::to_string(size) + " nodes, kill -9");
  CHECK(load.acknowledged().size() > std::size_t(3 * rounds));
  check_one_leader_per_term(cluster);
}

}  // namespace

// AETHEX_E2E_ROUNDS overrides the rounds (a quicker look while debugging).
int rounds_or(int rounds) {
  auto* text = std::getenv("AETHEX_E2E_ROUNDS");
  return text ? std::atoi(text) : rounds;
}

TEST_CASE("3 nodes: 20 rounds of kill -9 of the room's leader lose no acknowledged message") {
  kill_leader_rounds("replication3", 3, rounds_or(20));
}

TEST_CASE("5 nodes, 3 replicas: 20 rounds of kill -9 of the room's leader") {
  kill_leader_rounds("replication5", 5, rounds_or(20));
}
