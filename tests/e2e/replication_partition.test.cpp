// No split brain: the leader of a replicated partition is cut off from the other members (its
// cluster connections dropped by iptables inside a network namespace this test makes for
// itself, so nothing outside it is touched) while clients can still reach it. It must not
// acknowledge a single write; the others elect a leader in a later term and go on; after the
// cut heals and it returns, every acknowledged message is stored exactly once.
#include <doctest/doctest.h>

#include <sched.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
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

// Local ports of the process's TCP connections that touch one of `ports` (either end).
std::set<unsigned short> connection_ports(int pid, const std::set<unsigned short>& ports) {
  std::set<std::string> inodes;
  std::error_code ec;
  for (auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    auto target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0)
      inodes.insert(target.substr(8, target.size() - 9));
  }
  std::set<unsigned short> local_ports;
  for (auto* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
      if (!inodes.count(inode))
        continue;
      auto port_of = [](const std::string& address) {
        return static_cast<unsigned short>(std::stoul(address.substr(address.find(':') + 1),
                                                      nullptr, 16));
      };
      if (ports.count(port_of(local)) || ports.count(port_of(remote)))
        local_ports.insert(port_of(local));
    }
  }
  return local_ports;
}

void shell(const std::string& command) {
  auto result = run({"/bin/sh", "-c", command}, 10s);
  REQUIRE_MESSAGE(result.status == 0, command << ": " << result.output);
}

json cluster_of(const test_node& node) {
  auto res = admin_get(node, "/api/v1/cluster");
  return res.status == 200 ? json::parse(res.body) : json{};
}

// Sends `text` and waits for its answer: "ok", another answer's type, or "" for none in time.
std::string send_and_wait(chat_client& client, const std::string& text, int ref,
                          std::chrono::milliseconds wait) {
  client.send({{"type", "send"}, {"text", text}, {"ref", ref}});
  for (auto deadline = std::chrono::steady_clock::now() + wait;
       std::chrono::steady_clock::now() < deadline;) {
    auto reply = client.next_any(200ms);
    if (!reply.is_null() && reply.value("ref", -1) == ref)
      return reply.value("type", "");
  }
  return "";
}

}  // namespace

TEST_CASE("a leader cut off from the cluster acknowledges no write; the majority goes on") {
  // A network of our own: its loopback and firewall are this test's alone.
  REQUIRE_MESSAGE(::unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET) needs root");
  shell("ip link set lo up");

  std::map<std::string, unsigned short> cluster_ports;
  std::map<std::string, std::unique_ptr<test_node>> nodes;
  std::map<std::string, std::filesystem::path> data;
  std::vector<std::pair<std::string, std::filesystem::path>> logs;  // every incarnation's
  auto start = [&](const std::string& id, const std::string& join) {
    cluster_ports[id] = free_tcp_port();
    auto args = cluster_args(id, cluster_ports[id], join);
    args.insert(args.end(), {"--replicas", "3"});
    if (!data.count(id))
      data[id] = fresh_temp_dir("aethex-partition-" + id);
    auto name = "replication_partition_" + id + std::to_string(logs.size());
    nodes[id] = std::make_unique<test_node>(name, args, data[id]);
    logs.emplace_back(id, nodes[id]->out_dir / "node.log");
  };
  start("a", "");
  auto seed = "127.0.0.1:" + std::to_string(cluster_ports["a"]);
  start("b", seed);
  start("c", seed);
  auto settled = [&](const test_node& node) {
    auto view = cluster_of(node);
    if (!view.contains("replication") || view["replication"]["groups"].size() != 64)
      return false;
    for (auto& g : view["replication"]["groups"])
      if (g["leader"].is_null() || g["voters"].size() != 3)
        return false;
    return true;
  };
  REQUIRE(eventually([&] { return settled(*nodes["a"]); }, 60s));

  auto channel = std::string{"splitbrain"};
  nodes["a"]->create_channel(channel);
  auto partition = runtime::partition_of("chat", channel);
  auto view = cluster_of(*nodes["a"]);
  std::string old_leader = view["replication"]["owners"][partition];
  std::uint64_t old_term = view["replication"]["terms"][partition];
  std::string other = old_leader == "a" ? "b" : "a";

  auto auth = [&](chat_client& client, const std::string& id) {
    client.send({{"type", "auth"}, {"token", admin_token(nodes[id]->data_dir.string())}});
    REQUIRE(client.next("auth_ok").is_object());
    REQUIRE(client.join(channel).is_object());
  };
  chat_client at_old{nodes[old_leader]->http_port};
  auth(at_old, old_leader);
  chat_client at_other{nodes[other]->http_port};
  auth(at_other, other);
  REQUIRE(send_and_wait(at_old, "before", 1, 5s) == "ok");

  // Cut: every cluster connection of the old leader, and its cluster port.
  auto pid = nodes[old_leader]->pid();
  std::set<unsigned short> ports;
  for (auto& [id, port] : cluster_ports)
    ports.insert(port);
  auto cut = connection_ports(pid, ports);
  REQUIRE(!cut.empty());
  cut.insert(cluster_ports[old_leader]);
  for (auto port : cut)
    shell("iptables -A INPUT -p tcp --sport " + std::to_string(port) +
          " -j DROP && iptables -A INPUT -p tcp --dport " + std::to_string(port) + " -j DROP");

  // While cut off, the old leader acknowledges nothing, however long a client waits: every
  // answer to these sends, until well after the majority moved on, is an error or none.
  std::vector<std::string> acknowledged{"before"};
  for (int i = 0; i < 8; ++i)
    at_old.send({{"type", "send"}, {"text", "cut-" + std::to_string(i)}, {"ref", 100 + i}});
  // The majority elected a leader in a later term and acknowledges writes.
  REQUIRE(eventually(
    [&] {
      auto v = cluster_of(*nodes[other]);
      return v["replication"]["owners"][partition] != old_leader &&
             v["replication"]["terms"][partition].get<std::uint64_t>() > old_term;
    },
    20s));
  for (int i = 0; i < 5; ++i) {
    auto text = "majority-" + std::to_string(i);
    if (send_and_wait(at_other, text, 200 + i, 10s) == "ok")
      acknowledged.push_back(text);
  }
  CHECK(acknowledged.size() == 6);
  int acknowledged_at_old = 0, answered_at_old = 0;
  for (auto frame = at_old.next_any(6s); !frame.is_null(); frame = at_old.next_any(3s)) {
    if (frame.value("ref", -1) < 100)
      continue;
    ++answered_at_old;
    acknowledged_at_old += frame.value("type", "") == "ok";
  }
  CHECK(acknowledged_at_old == 0);
  MESSAGE("the cut-off leader answered " << answered_at_old << " of 8 sends, all with errors");

  // Heal, and bring the old leader back from its disk (its links timed out meanwhile).
  shell("iptables -F INPUT");
  nodes[old_leader]->kill();
  nodes[old_leader].reset();
  REQUIRE(eventually([&] { return member_count(*nodes[other]) == 2; }, 15s));
  start(old_leader, "127.0.0.1:" + std::to_string(cluster_ports[other]));
  REQUIRE(eventually([&] { return settled(*nodes[other]); }, 60s));

  // Exactly the acknowledged messages, once each; nothing sent to the cut-off leader. (The
  // member asked may be a replica a commit behind: asked again for a while.)
  std::vector<std::string> stored;
  eventually(
    [&] {
      stored = room_texts(*nodes[other], channel);
      return stored == acknowledged;
    },
    10s);
  auto joined = [](const std::vector<std::string>& texts) {
    std::string out;
    for (auto& t : texts)
      out += t + " ";
    return out;
  };
  CHECK_MESSAGE(stored == acknowledged,
                "stored: " << joined(stored) << "; acknowledged: " << joined(acknowledged));

  // No group ever had two leaders in one term, on any node's log.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> leaders;
  static const std::regex line{R"(raft: leading group (\d+) in term (\d+))"};
  for (auto& [id, log] : logs) {
    std::ifstream in{log};
    for (std::string text; std::getline(in, text);) {
      std::smatch match;
      if (std::regex_search(text, match, line))
        leaders[{match[1], match[2]}].insert(id);
    }
  }
  for (auto& [group_term, who] : leaders)
    CHECK_MESSAGE(who.size() == 1, "group " << group_term.first << " term " << group_term.second);
  for (auto& [id, node] : nodes)
    node.reset();
  for (auto& [id, dir] : data) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}
