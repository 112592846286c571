// A replicated cluster (--replicas 3) of node processes on loopback whose members die, come back
// from their own data, or are replaced by new members, and the views the replication suites
// check: groups settled, a partition's owner, the leaders each log names per term.
#pragma once

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

namespace aethex::test {

class replicated_cluster {
 public:
  /// Members a, b, … (a founds, the others join); every member gets `flags` too.
  replicated_cluster(std::string suite, int size,
                     std::vector<std::string> flags = {"--replica-dead-after", "600"});
  ~replicated_cluster();
  replicated_cluster(const replicated_cluster&) = delete;
  replicated_cluster& operator=(const replicated_cluster&) = delete;

  struct member {
    std::string id;
    std::filesystem::path data;
    std::unique_ptr<test_node> node;  // null while the member is down
    int incarnation = 0;
  };

  /// A deque: references to members stay valid when one is added.
  std::deque<member>& members() { return members_; }
  member& by_id(const std::string& id);
  member* any_live(const std::string& except = {});
  /// The cluster address of a live member (not `except`); empty when none is up.
  std::string seed(const std::string& except = {});

  /// Starts `m` (again, from its data folder), joining `join` unless empty.
  void start(member& m, const std::string& join);
  /// A new member with an empty data folder, joining a live member.
  member& add(const std::string& id);

  /// GET /api/v1/cluster of a live member, null when it does not answer.
  nlohmann::json describe(const member& m);
  /// Every partition has a known owner and every group a leader, `voters` voters and no
  /// learner. Per group, the report of the latest term that names a leader counts.
  bool settled(std::size_t voters);
  /// The partition's owner as a live member (not `except`) sees it; empty when none is known.
  std::string owner_of(std::uint32_t partition, const std::string& except = {});
  /// (group, term) -> the member ids that said they led it, over every log of every incarnation.
  std::map<std::pair<int, int>, std::set<std::string>> leaderships();
  /// Lines of the member's logs (every incarnation) that contain `text`.
  std::vector<std::string> log_lines(const member& m, const std::string& text);

 private:
  std::string suite_;
  std::vector<std::string> flags_;
  std::deque<member> members_;
  std::map<std::string, unsigned short> cluster_ports_;
  std::vector<std::pair<std::string, std::filesystem::path>> logs_;  // member id, node.log
};

}  // namespace aethex::test
