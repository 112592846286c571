#include "tests/e2e/support/replicated_cluster.hpp"

#include <algorithm>
#include <fstream>
#include <regex>

#include "runtime/placement.hpp"
#include "tests/e2e/support/cluster_nodes.hpp"

namespace aethex::test {

using json = nlohmann::json;

replicated_cluster::replicated_cluster(std::string suite, int size, std::vector<std::string> flags)
    : suite_(std::move(suite)), flags_(std::move(flags)) {
  for (int i = 0; i < size; ++i) {
    auto id = std::string(1, static_cast<char>('a' + i));
    members_.push_back({id, fresh_temp_dir("aethex-" + suite_ + "-" + id), nullptr, 0});
    start(members_.back(), i == 0 ? "" : seed());
  }
}

replicated_cluster::~replicated_cluster() {
  for (auto& m : members_) {
    m.node.reset();
    std::error_code ec;
    std::filesystem::remove_all(m.data, ec);
  }
}

replicated_cluster::member& replicated_cluster::by_id(const std::string& id) {
  return *std::find_if(members_.begin(), members_.end(), [&](auto& m) { return m.id == id; });
}

replicated_cluster::member* replicated_cluster::any_live(const std::string& except) {
  for (auto& m : members_)
    if (m.node && m.id != except)
      return &m;
  return nullptr;
}

std::string replicated_cluster::seed(const std::string& except) {
  auto* m = any_live(except);
  return m ? "127.0.0.1:" + std::to_string(cluster_ports_.at(m->id)) : "";
}

void replicated_cluster::start(member& m, const std::string& join) {
  auto port = free_tcp_port();
  cluster_ports_[m.id] = port;
  auto args = cluster_args(m.id, port, join);
  args.insert(args.end(), {"--replicas", "3"});
  args.insert(args.end(), flags_.begin(), flags_.end());
  m.node = std::make_unique<test_node>(suite_ + "_" + m.id + std::to_string(m.incarnation++), args,
                                       m.data);
  logs_.emplace_back(m.id, m.node->out_dir / "node.log");
}

replicated_cluster::member& replicated_cluster::add(const std::string& id) {
  auto join = seed();
  members_.push_back({id, fresh_temp_dir("aethex-" + suite_ + "-" + id), nullptr, 0});
  start(members_.back(), join);
  return members_.back();
}

json replicated_cluster::describe(const member& m) {
  auto res = admin_get(*m.node, "/api/v1/cluster");
  return res.status == 200 ? json::parse(res.body) : json{};
}

bool replicated_cluster::settled(std::size_t voters) {
  std::map<int, json> latest;
  for (auto& m : members_) {
    if (!m.node)
      continue;
    auto view = describe(m);
    if (!view.contains("replication"))
      return false;
    for (auto& owner : view["replication"]["owners"])
      if (owner.get<std::string>().empty())
        return false;
    for (auto& g : view["replication"]["groups"]) {
      auto& best = latest[g["group"].get<int>()];
      if (!g["leader"].is_null() && (best.is_null() || g["term"] > best["term"]))
        best = g;
    }
  }
  if (latest.size() != runtime::partition_count)
    return false;
  return std::all_of(latest.begin(), latest.end(), [&](auto& entry) {
    auto& g = entry.second;
    return !g.is_null() && g["voters"].size() == voters && g["learners"].empty();
  });
}

std::string replicated_cluster::owner_of(std::uint32_t partition, const std::string& except) {
  auto* m = any_live(except);
  auto view = m ? describe(*m) : json{};
  if (!view.contains("replication"))
    return {};
  auto& owner = view["replication"]["owners"][partition];
  return owner.is_string() ? owner.get<std::string>() : std::string{};
}

std::map<std::pair<int, int>, std::set<std::string>> replicated_cluster::leaderships() {
  static const std::regex line{R"(raft: leading group (\d+) in term (\d+))"};
  std::map<std::pair<int, int>, std::set<std::string>> seen;
  for (auto& [id, file] : logs_) {
    std::ifstream in{file};
    std::string text;
    while (std::getline(in, text)) {
      std::smatch match;
      if (std::regex_search(text, match, line))
        seen[{std::stoi(match[1]), std::stoi(match[2])}].insert(id);
    }
  }
  return seen;
}

std::vector<std::string> replicated_cluster::log_lines(const member& m, const std::string& text) {
  std::vector<std::string> lines;
  for (auto& [id, file] : logs_) {
    if (id != m.id)
      continue;
    std::ifstream in{file};
    for (std::string line; std::getline(in, line);)
      if (line.find(text) != std::string::npos)
        lines.push_back(line);
  }
  return lines;
}

}  // namespace aethex::test
