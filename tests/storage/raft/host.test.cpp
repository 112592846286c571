// Three nodes' Raft hosts in one actor system: their groups replicate appends made through the
// replicated event store, keep their members at the desired replicas, and fail over when the
// leading host dies.
#include <doctest/doctest.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include <caf/all.hpp>

#include "runtime/placement.hpp"
#include "storage/raft/host.hpp"
#include "storage/replicated_event_store.hpp"
#include "tests/storage/temp_dir.hpp"

namespace rs = aethex::storage::raft;
namespace storage = aethex::storage;
using aethex::storage::testing::temp_dir;

namespace {

constexpr std::uint32_t host_groups = 4;

std::uint32_t group_of_stream(std::string_view stream) {
  return aethex::runtime::partition_of_stream(stream) % host_groups;
}

// Who leads which group, as the hosts announce it (from their threads).
struct leadership_board {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::uint32_t, std::pair<std::string, std::uint64_t>> leader_of;  // group -> node, term

  void set(std::uint32_t group, const std::string& node, std::uint64_t term, bool leading) {
    std::lock_guard lock{mutex};
    auto& entry = leader_of[group];
    if (leading && term >= entry.second)
      entry = {node, term};
    else if (!leading && entry.first == node)
      entry.first.clear();
    changed.notify_all();
  }

  // The node leading `group` with a term above `after`, once there is one.
  std::optional<std::pair<std::string, std::uint64_t>> await(std::uint32_t group,
                                                             std::uint64_t after = 0) {
    std::unique_lock lock{mutex};
    std::optional<std::pair<std::string, std::uint64_t>> found;
    changed.wait_for(lock, std::chrono::seconds{20}, [&] {
      auto it = leader_of.find(group);
      if (it != leader_of.end() && !it->second.first.empty() && it->second.second > after)
        found = it->second;
      return found.has_value();
    });
    return found;
  }
};

struct hosted_node {
  std::string id;
  std::unique_ptr<storage::event_store> local = storage::event_store::in_memory();
  std::map<std::uint32_t, std::unique_ptr<storage::partition_state_machine>> machines;
  caf::actor host;
  std::unique_ptr<rs::host_partition_log> log;
  std::unique_ptr<storage::event_store> store;
};

struct hosted_cluster {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  temp_dir dir{"raft-host"};
  leadership_board board;
  std::vector<std::unique_ptr<hosted_node>> nodes;

  hosted_node& start(const std::string& id, bool found) {
    auto node = std::make_unique<hosted_node>();
    node->id = id;
    rs::host_config config;
    config.dir = dir / id;
    config.node_id = id;
    config.groups = host_groups;
    config.found = found;
    config.options.heartbeat_ms = 50;
    config.options.election_timeout_ms = 400;
    auto* raw = node.get();
    config.state_machine_of = [raw](rs::group_id group) {
      auto& machine = raw->machines[group];
      machine = std::make_unique<storage::partition_state_machine>(*raw->local, group,
                                                                   group_of_stream);
      auto* m = machine.get();
      return rs::state_machine{
        [m](std::uint64_t index, std::string_view command) { return m->apply(index, command); },
        [m] { return m->snapshot(); },
        [m](std::uint64_t index, std::string_view data) { m->restore(index, data); }};
    };
    config.leadership_changed = [this, id](rs::group_id group, std::uint64_t term, bool leading) {
      board.set(group, id, term, leading);
    };
    node->host = rs::spawn_raft_host(sys, std::move(config));
    node->log = std::make_unique<rs::host_partition_log>(sys, node->host);
    node->store = storage::replicated_event_store(*node->local, *node->log, group_of_stream);
    nodes.push_back(std::move(node));
    return *nodes.back();
  }

  void publish_peers(const std::vector<std::string>& stopping = {},
                     const std::vector<std::string>& drained = {}) {
    std::vector<std::string> ids;
    std::vector<caf::actor> hosts;
    for (auto& n : nodes)
      if (n->host) {
        ids.push_back(n->id);
        hosts.push_back(n->host);
      }
    for (auto& n : nodes)
      if (n->host)
        caf::anon_send(n->host, rs::peers_atom::value, ids, hosts, stopping, drained);
  }

  hosted_node& node(const std::string& id) {
    for (auto& n : nodes)
      if (n->id == id)
        return *n;
    throw std::runtime_error("no node " + id);
  }

  std::vector<std::string> status(hosted_node& n) {
    caf::scoped_actor self{sys};
    std::vector<std::string> lines;
    self->request(n.host, std::chrono::seconds{5}, rs::status_atom::value)
      .receive([&](std::vector<std::string>& l) { lines = std::move(l); }, [](caf::error&) {});
    return lines;
  }

  // Waits until every group's configuration on `n` names `voters` voters.
  bool await_voters(hosted_node& n, std::size_t voters) {
    for (int i = 0; i < 400; ++i) {
      auto lines = status(n);
      bool all = lines.size() == host_groups;
      for (auto& line : lines) {
        auto words = std::count(line.begin(), line.end(), ' ') - 2;
        all = all && static_cast<std::size_t>(words) == voters &&
              line.find('?') == std::string::npos;
      }
      if (all)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return false;
  }

  ~hosted_cluster() {
    for (auto& n : nodes)
      if (n->host)
        caf::anon_send_exit(n->host, caf::exit_reason::user_shutdown);
    sys.await_all_actors_done();
  }
};

std::string stream_in_group(std::uint32_t group) {
  for (int i = 0;; ++i) {
    auto stream = "channel/c" + std::to_string(i);
    if (group_of_stream(stream) == group)
      return stream;
  }
}

}  // namespace

TEST_CASE("appends are replicated to every replica and survive the leader's death") {
  hosted_cluster c;
  c.start("a", true);
  c.start("b", false);
  c.start("c", false);
  c.publish_peers();
  for (std::uint32_t g = 0; g < host_groups; ++g)
    REQUIRE(c.board.await(g));
  REQUIRE(c.await_voters(c.node("a"), 3));

  auto stream = stream_in_group(1);
  auto leader = c.board.await(1);
  REQUIRE(leader);
  auto& first = c.node(leader->first);
  std::vector<storage::event> events{{"test.happened", 1, 0, R"({"n":1})"}};
  auto appended = first.store->append(stream, storage::no_stream, events);
  REQUIRE(appended);
  CHECK(appended.version == 1);
  // The expected version is checked by the state machine on every replica alike.
  CHECK(first.store->append(stream, storage::no_stream, events).status ==
        storage::append_status::conflict);
  // A follower refuses to append before replicating anything: only the leader's entities write.
  auto& follower = c.node(leader->first == "a" ? "b" : "a");
  CHECK(follower.store->append(stream, 1, events).status == storage::append_status::not_leader);

  // Every replica applies it (followers a little later).
  for (auto& n : c.nodes) {
    for (int i = 0; i < 100 && n->local->version(stream) < 1; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    auto read = n->local->read_stream(stream, 1);
    REQUIRE(read.size() == 1);
    CHECK(read[0].data.payload == R"({"n":1})");
    CHECK(read[0].data.timestamp_ms == first.local->read_stream(stream, 1)[0].data.timestamp_ms);
  }

  // The leader dies: the others elect one of themselves, with the acknowledged event.
  caf::anon_send_exit(first.host, caf::exit_reason::kill);
  first.host = nullptr;
  c.publish_peers();
  auto next = c.board.await(1, leader->second);
  REQUIRE(next);
  CHECK(next->first != leader->first);
  auto& second = c.node(next->first);
  CHECK(second.local->version(stream) == 1);
  auto again = second.store->append(stream, 1, events);
  REQUIRE(again);
  CHECK(again.version == 2);
}

TEST_CASE("leaders are the first replicas in rendezvous order; stopping and drained members leave") {
  hosted_cluster c;
  c.start("a", true);
  c.start("b", false);
  c.start("c", false);
  c.publish_peers();
  REQUIRE(c.await_voters(c.node("a"), 3));
  std::vector<std::string> all{"a", "b", "c"};
  auto leaders_are = [&](const std::vector<std::string>& members) {
    for (int i = 0; i < 200; ++i) {
      bool placed = true;
      for (std::uint32_t g = 0; g < host_groups; ++g) {
        auto leader = c.board.await(g);
        placed = placed && leader &&
                 leader->first == aethex::runtime::rendezvous_order(g, members, 1).front();
      }
      if (placed)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return false;
  };
  CHECK(leaders_are(all));

  // A stopping member hands its groups over and keeps its replicas.
  c.publish_peers({"b"});
  CHECK(leaders_are({"a", "c"}));
  CHECK(c.await_voters(c.node("b"), 3));

  // A drained member's replicas go (2 members left for 3 replicas: groups of 2).
  c.publish_peers({}, {"c"});
  CHECK(leaders_are({"a", "b"}));
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = c.status(c.node("c")).empty();
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  CHECK(gone);
  CHECK(c.await_voters(c.node("a"), 2));
}
