#include "tests/e2e/support/cluster_nodes.hpp"

#include "runtime/placement.hpp"

namespace aethex::test {

using json = nlohmann::json;

std::vector<std::string> cluster_args(const std::string& id, unsigned short port,
                                      const std::string& join, const std::string& secret) {
  std::vector<std::string> args{"--cluster-port", std::to_string(port), "--node-id", id,
                                "--cluster-secret", secret};
  if (!join.empty()) {
    args.push_back("--join");
    args.push_back(join);
  }
  return args;
}

std::size_t member_count(const test_node& node) {
  auto res = node.get("/api/v1/cluster");
  if (res.status != 200)
    return 0;
  return json::parse(res.body)["members"].size();
}

std::map<std::string, int> partition_counts(const test_node& node) {
  std::map<std::string, int> counts;
  auto res = node.get("/api/v1/cluster");
  if (res.status != 200)
    return counts;
  auto cluster = json::parse(res.body);
  for (auto& member : cluster["members"])
    counts[member.value("node_id", "")] = member.value("partitions", 0);
  return counts;
}

bool placement_settled(const test_node& node, const std::vector<std::string>& nodes) {
  std::map<std::string, int> expected;
  for (auto& id : nodes)
    expected[id] = 0;
  for (std::uint32_t p = 0; p < runtime::partition_count; ++p)
    ++expected[runtime::rendezvous_owner(p, nodes)];
  auto counts = partition_counts(node);
  for (auto& [id, n] : expected)
    if (counts[id] != n)
      return false;
  return true;
}

app::http_result admin_post(const test_node& node, const std::string& target, const json& body) {
  return app::http_call("127.0.0.1:" + std::to_string(node.http_port), "POST", target,
                        body.dump(), admin_token(node.data_dir.string()));
}

}  // namespace aethex::test
