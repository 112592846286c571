// Raft groups of real libraft replicas over real RocksDB logs, wired to each other by a
// simulated network the test controls (delivery, loss, partitions) and driven by a manual
// clock, so elections and failovers are deterministic in time and fast.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/keys.hpp"
#include "storage/raft/replica.hpp"
#include "tests/storage/temp_dir.hpp"

namespace rs = aethex::storage::raft;
using aethex::storage::testing::temp_dir;

namespace {

constexpr rs::group_id group = 7;

struct packet {
  std::string to, from;
  std::uint64_t from_id = 0;
  std::string bytes;
};

// One node: its log folder, its replica (null while "down") and the commands it applied.
struct sim_node {
  std::uint64_t id = 0;
  std::string address;
  std::unique_ptr<rs::log_store> store;
  std::unique_ptr<rs::replica> replica;
  std::vector<std::string> applied;
  std::vector<std::uint64_t> indexes;  // log index of each applied command
  int restores = 0;
};

class sim_cluster {
 public:
  explicit sim_cluster(int n, rs::replica_options options = {}) : options_(options) {
    for (int i = 1; i <= n; ++i)
      add_node();
    std::vector<rs::server> servers;
    for (auto& node : nodes_)
      servers.push_back({node->id, node->address});
    for (auto& node : nodes_) {
      start(*node, servers);
    }
  }

  sim_node& add_node() {
    auto node = std::make_unique<sim_node>();
    node->id = nodes_.size() + 1;
    node->address = "n" + std::to_string(node->id);
    node->store = rs::log_store::open(dir_ / node->address);
    nodes_.push_back(std::move(node));
    return *nodes_.back();
  }

  void start(sim_node& node, const std::vector<rs::server>& bootstrap = {}) {
    node.applied.clear();  // the state machine is rebuilt from the log (and snapshot)
    rs::replica_hooks hooks{
      [this, &node](const std::string& to, std::string bytes) {
        network_.push_back({to, node.address, node.id, std::move(bytes)});
      },
      [&node](std::uint64_t index, std::string_view command) {
        node.applied.emplace_back(command);
        node.indexes.push_back(index);
        return "applied " + std::to_string(index);
      },
      [&node] {
        std::string state;
        for (auto& c : node.applied)
          state += c + "\n";
        return state;
      },
      [&node](std::uint64_t, std::string_view data) {
        ++node.restores;
        node.applied.clear();
        while (!data.empty()) {
          auto end = data.find('\n');
          node.applied.emplace_back(data.substr(0, end));
          data.remove_prefix(end + 1);
        }
      },
    };
    node.replica = std::make_unique<rs::replica>(
      *node.store, group, rs::server{node.id, node.address}, std::move(hooks),
      [this] { return now_; }, options_);
    if (!bootstrap.empty())
      node.replica->bootstrap(bootstrap);
    node.replica->start();
  }

  void stop(sim_node& node) { node.replica.reset(); }

  // Drops the messages between `address` and everyone else both ways while cut.
  void cut(const std::string& address) { cut_.insert(address); }
  void heal() { cut_.clear(); }

  // 10 ms of cluster life: deliver what is in flight, tick, flush.
  void step() {
    now_ += 10;
    auto in_flight = std::move(network_);
    network_.clear();
    for (auto& p : in_flight) {
      if (cut_.count(p.to) || cut_.count(p.from))
        continue;
      if (auto* node = find(p.to); node && node->replica)
        node->replica->receive(p.from, p.from_id, p.bytes);
    }
    for (auto& node : nodes_)
      if (node->replica)
        node->replica->tick();
    for (int round = 0; round < 4; ++round)
      for (auto& node : nodes_)
        if (node->replica)
          node->replica->flush();
  }

  template <class Predicate>
  bool run_until(Predicate done, int max_steps = 2000) {
    for (int i = 0; i < max_steps; ++i) {
      if (done())
        return true;
      step();
    }
    return done();
  }

  sim_node* leader() {
    sim_node* found = nullptr;
    for (auto& node : nodes_)
      if (node->replica && node->replica->leading() && !cut_.count(node->address))
        if (!found || node->replica->term() > found->replica->term())
          found = node.get();
    return found;
  }

  sim_node* find(const std::string& address) {
    for (auto& node : nodes_)
      if (node->address == address)
        return node.get();
    return nullptr;
  }

  sim_node& node(std::size_t i) { return *nodes_.at(i); }
  std::size_t size() const { return nodes_.size(); }

  // Proposes on the current leader and runs until the outcome is known.
  std::optional<rs::proposal_result> commit(const std::string& command) {
    if (!run_until([&] { return leader() != nullptr; }))
      return std::nullopt;
    std::optional<rs::proposal_result> outcome;
    leader()->replica->propose(command, [&](rs::proposal_result r) { outcome = std::move(r); });
    run_until([&] { return outcome.has_value(); });
    return outcome;
  }

 private:
  temp_dir dir_{"raft"};
  rs::replica_options options_;
  std::vector<std::unique_ptr<sim_node>> nodes_;
  std::vector<packet> network_;
  std::set<std::string> cut_;
  std::uint64_t now_ = 1000;
};

bool all_applied(sim_cluster& c, std::size_t count) {
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.node(i).replica && c.node(i).applied.size() < count)
      return false;
  return true;
}

}  // namespace

TEST_CASE(
  "three replicas elect one leader and apply every committed command everywhere, in order") {
  sim_cluster c{3};
  REQUIRE(c.run_until([&] { return c.leader() != nullptr; }));
  auto* leader = c.leader();
  for (int i = 0; i < 50; ++i) {
    auto outcome = c.commit("cmd " + std::to_string(i));
    REQUIRE(outcome);
    CHECK(outcome->applied);
    CHECK(outcome->result.starts_with("applied "));
  }
  REQUIRE(c.run_until([&] { return all_applied(c, 50); }));
  CHECK(c.leader() == leader);  // no needless elections on a healthy network
  // Each command is told its own log index, increasing (what replays are checked against).
  for (std::size_t i = 0; i < c.size(); ++i)
    for (std::size_t k = 1; k < c.node(i).indexes.size(); ++k)
      CHECK(c.node(i).indexes[k] > c.node(i).indexes[k - 1]);
  for (std::size_t i = 0; i < c.size(); ++i) {
    REQUIRE(c.node(i).applied.size() == 50);
    CHECK(c.node(i).applied.front() == "cmd 0");
    CHECK(c.node(i).applied.back() == "cmd 49");
  }
  // A follower refuses proposals: only the leader may append.
  auto& follower = c.node(leader == &c.node(0) ? 1 : 0);
  std::optional<rs::proposal_result> refused;
  follower.replica->propose("nope", [&](rs::proposal_result r) { refused = r; });
  REQUIRE(refused);
  CHECK_FALSE(refused->applied);
}

TEST_CASE("a burst of proposals committed together gets one index each") {
  sim_cluster c{3};
  REQUIRE(c.run_until([&] { return c.leader() != nullptr; }));
  int done = 0;
  for (int i = 0; i < 20; ++i)
    c.leader()->replica->propose("burst " + std::to_string(i),
                                 [&](rs::proposal_result r) { done += r.applied; });
  REQUIRE(c.run_until([&] { return done == 20 && all_applied(c, 20); }));
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto& indexes = c.node(i).indexes;
    REQUIRE(indexes.size() == 20);
    for (std::size_t k = 1; k < indexes.size(); ++k)
      CHECK(indexes[k] == indexes[k - 1] + 1);
  }
}

TEST_CASE("a leader hands its leadership to a voter it names") {
  sim_cluster c{3};
  REQUIRE(c.commit("a")->applied);
  auto* old_leader = c.leader();
  auto& target = c.node(old_leader == &c.node(2) ? 1 : 2);
  bool ended = false;
  REQUIRE(old_leader->replica->transfer_leadership(target.id, [&] { ended = true; }));
  REQUIRE(c.run_until([&] { return ended && target.replica->leading(); }));
  CHECK_FALSE(old_leader->replica->leading());
  REQUIRE(c.commit("b")->applied);
  CHECK(c.leader() == &target);
}

TEST_CASE("when the leader dies a follower takes over with every acknowledged command") {
  sim_cluster c{3};
  for (int i = 0; i < 20; ++i)
    REQUIRE(c.commit("before " + std::to_string(i))->applied);
  auto* old_leader = c.leader();
  auto old_term = old_leader->replica->term();
  c.stop(*old_leader);
  REQUIRE(c.run_until([&] { return c.leader() != nullptr; }));
  auto* next = c.leader();
  CHECK(next != old_leader);
  CHECK(next->replica->term() > old_term);
  REQUIRE(c.commit("after")->applied);
  CHECK(next->applied.size() == 21);
  CHECK(next->applied.back() == "after");

  // The old leader comes back from its own disk and catches up without a bootstrap.
  c.start(*old_leader);
  REQUIRE(c.run_until([&] { return old_leader->applied.size() == 21; }));
  CHECK(old_leader->applied == next->applied);
  CHECK_FALSE(old_leader->replica->leading());
}

TEST_CASE("an isolated leader cannot acknowledge a write; the majority elects and commits") {
  sim_cluster c{3};
  REQUIRE(c.commit("base")->applied);
  auto* old_leader = c.leader();
  auto old_term = old_leader->replica->term();
  c.cut(old_leader->address);
  std::optional<rs::proposal_result> stranded;
  old_leader->replica->propose("stranded", [&](rs::proposal_result r) { stranded = r; });
  REQUIRE(c.run_until([&] { return c.leader() != nullptr && c.leader() != old_leader; }));
  auto* next = c.leader();
  CHECK(next->replica->term() > old_term);
  REQUIRE(c.commit("majority")->applied);
  CHECK((!stranded || !stranded->applied));  // never acknowledged while cut off
  // Hearing from no majority for an election timeout, the old leader steps down and refuses
  // what it had pending.
  REQUIRE(c.run_until([&] { return !old_leader->replica->leading(); }, 300));
  REQUIRE(c.run_until([&] { return stranded.has_value(); }, 100));
  CHECK_FALSE(stranded->applied);

  c.heal();
  REQUIRE(c.run_until([&] { return all_applied(c, 2); }));
  REQUIRE(stranded.has_value());
  CHECK_FALSE(stranded->applied);  // its term ended: refused, never half-done
  for (std::size_t i = 0; i < c.size(); ++i)
    CHECK(c.node(i).applied == std::vector<std::string>{"base", "majority"});
}

TEST_CASE("a replica that missed compacted entries catches up from a snapshot") {
  rs::replica_options options;
  options.snapshot_threshold = 16;
  options.snapshot_trailing = 4;
  sim_cluster c{3, options};
  REQUIRE(c.commit("first")->applied);
  auto* leader = c.leader();
  auto& lagging = c.node(leader == &c.node(2) ? 1 : 2);
  c.stop(lagging);
  for (int i = 0; i < 60; ++i)
    REQUIRE(c.commit("while away " + std::to_string(i))->applied);
  c.start(lagging);
  REQUIRE(c.run_until([&] { return lagging.applied.size() == 61; }));
  CHECK(lagging.restores >= 1);
  CHECK(lagging.applied == c.leader()->applied);

  // Restarted from a compacted log, a replica rebuilds from its snapshot plus the tail.
  auto& restarted = *c.leader();
  c.stop(restarted);
  c.start(restarted);
  CHECK(restarted.restores >= 1);
  REQUIRE(c.run_until([&] { return restarted.applied.size() == 61; }));
}

TEST_CASE("a new server joins through a configuration change and becomes a voter") {
  sim_cluster c{3};
  REQUIRE(c.commit("a")->applied);
  auto& joining = c.add_node();
  c.start(joining);  // no bootstrap: it only knows what the leader sends it
  std::optional<rs::proposal_result> added;
  REQUIRE(c.leader()->replica->add_server({joining.id, joining.address},
                                          [&](rs::proposal_result r) { added = r; }));
  REQUIRE(c.run_until([&] { return added.has_value(); }));
  CHECK(added->applied);
  auto configuration = c.leader()->replica->configuration();
  CHECK(configuration.size() == 4);
  CHECK(std::all_of(configuration.begin(), configuration.end(),
                    [](auto& s) { return s.role == RAFT_VOTER; }));
  REQUIRE(c.commit("b")->applied);
  REQUIRE(c.run_until([&] { return joining.applied.size() == 2; }));

  std::optional<rs::proposal_result> removed;
  REQUIRE(c.leader()->replica->remove_server(joining.id,
                                             [&](rs::proposal_result r) { removed = r; }));
  REQUIRE(c.run_until([&] { return removed.has_value(); }));
  CHECK(removed->applied);
  CHECK(c.leader()->replica->configuration().size() == 3);
}
