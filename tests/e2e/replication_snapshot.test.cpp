// A member lost for good, with its disk, and its replacement. The groups drop the dead member's
// replica once it has been gone for --replica-dead-after (a Raft configuration change) and go on
// with two voters; a new member joins with an empty disk and, the leaders' logs being compacted
// (a snapshot every 8 entries, 2 kept behind it), catches up from snapshots. The two first
// members are then drained, so the newcomer alone holds and leads every group: each message
// and channel acknowledged before reads back from what it restored, exactly once.
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

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

// Writes through one member: chat lines into a room and channels through the API, each
// counted once acknowledged.
struct acknowledged_writes {
  std::vector<std::string> messages;
  std::vector<std::string> channels;

  void write(test_node& node, const std::string& room, const std::string& tag, int count) {
    chat_client chat{node.http_port};
    chat.send({{"type", "auth"}, {"token", admin_token(node.data_dir.string())}});
    REQUIRE_FALSE(chat.next("auth_ok").is_null());
    REQUIRE_FALSE(chat.join(room).is_null());
    for (int i = 0; i < count; ++i) {
      auto text = tag + "_message_" + std::to_string(i);
      chat.send({{"type", "send"}, {"text", text}, {"ref", i}});
      for (auto reply = chat.next_any(); !reply.is_null(); reply = chat.next_any()) {
        if (reply.value("ref", -1) != i)
          continue;
        if (reply.value("type", "") == "ok")
          messages.push_back(text);
        break;
      }
      auto name = tag + "_ch_" + std::to_string(i);
      // As a client should: a `moved` refusal is sent again after its Retry-After.
      auto created = app::http_call_retrying_moved("127.0.0.1:" + std::to_string(node.http_port),
                                                   "POST", "/api/v1/channels",
                                                   json{{"name", name}}.dump(),
                                                   admin_token(node.data_dir.string()));
      if (created.status == 201)
        channels.push_back(name);
      else
        MESSAGE(name << ": " << created.status << " " << created.body << created.error);
    }
  }
};

// The partitions whose group `lines` say was restored from a snapshot.
std::set<int> restored_groups(const std::vector<std::string>& lines) {
  static const std::regex restored{R"(raft: group (\d+) restored from a snapshot)"};
  std::set<int> groups;
  for (auto& line : lines) {
    std::smatch match;
    if (std::regex_search(line, match, restored))
      groups.insert(std::stoi(match[1]));
  }
  return groups;
}

}  // namespace

TEST_CASE("a member lost with its disk is replaced by a new one that catches up from snapshots") {
  replicated_cluster cluster{
    "replication_snapshot", 3, {"--replica-dead-after", "2", "--replica-snapshot-every", "8"}};
  REQUIRE(eventually([&] { return cluster.settled(3); }, 90s));
  auto& a = *cluster.by_id("a").node;
  auto room = std::string{"snapshots"};
  a.create_channel(room);
  acknowledged_writes writes;
  writes.write(a, room, "before", 40);

  // c dies and never comes back: after 2 s every group removes its replica.
  cluster.by_id("c").node->kill();
  cluster.by_id("c").node.reset();
  REQUIRE(eventually([&] { return cluster.settled(2); }, 60s));
  CHECK_FALSE(cluster.log_lines(cluster.by_id("a"), "removes the replica on c").empty());
  writes.write(a, room, "without_c", 20);
  CHECK(writes.messages.size() == 60);
  CHECK(writes.channels.size() == 60);

  // d starts empty: the groups add it, and the ones whose log no longer reaches back to their
  // start (the room's among them) send it a snapshot.
  auto& d = cluster.add("d");
  REQUIRE(eventually([&] { return cluster.settled(3); }, 60s));
  auto restored = restored_groups(cluster.log_lines(d, "restored from a snapshot"));
  MESSAGE("groups the new member restored from a snapshot: " << restored.size() << " of "
                                                             << runtime::partition_count);
  CHECK(restored.count(static_cast<int>(runtime::partition_of("chat", room))) == 1);

  // a and b drain: d alone holds and leads every group, from what it restored and replayed.
  for (std::string id : {"a", "b"}) {
    auto started = std::chrono::steady_clock::now();
    auto drained = admin_post(*cluster.by_id(id).node, "/api/v1/cluster/drain", json::object());
    MESSAGE("drain of "
            << id << ": " << drained.status << " after "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
            << " s");
    REQUIRE_MESSAGE(drained.status == 200, drained.body << drained.error);
  }
  REQUIRE(eventually([&] { return cluster.settled(1); }, 60s));
  auto view = cluster.describe(cluster.by_id("d"));
  for (auto& owner : view["replication"]["owners"])
    REQUIRE(owner == "d");

  auto report = compare_once(writes.messages, room_texts(*d.node, room));
  CHECK_MESSAGE(report.missing == 0, "first missing: " << report.first_missing);
  CHECK(report.doubled == 0);
  int not_once = 0;
  for (auto& name : writes.channels)
    not_once += channel_created_events(*d.node, name) != 1;
  CHECK_MESSAGE(not_once == 0, not_once << " of " << writes.channels.size()
                                        << " channels not created exactly once");
}
