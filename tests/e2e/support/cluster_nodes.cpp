#include "tests/e2e/support/cluster_nodes.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "runtime/placement.hpp"

namespace aethex::test {

using json = nlohmann::json;

namespace {

// Inodes of the sockets among the process's open files.
std::set<std::string> socket_inodes(int pid) {
  std::set<std::string> inodes;
  std::error_code ec;
  auto dir = "/proc/" + std::to_string(pid) + "/fd";
  for (auto& fd : std::filesystem::directory_iterator(dir, ec)) {
    auto target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0)
      inodes.insert(target.substr(8, target.size() - 9));
  }
  return inodes;
}

// /proc/net/tcp{,6} print addresses as 32-bit words in host order.
std::string address_of(const std::string& hex) {
  char text[INET6_ADDRSTRLEN] = {};
  if (hex.size() == 8) {
    in_addr addr{};
    addr.s_addr = static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
    inet_ntop(AF_INET, &addr, text, sizeof text);
  } else {
    in6_addr addr{};
    for (int word = 0; word < 4; ++word) {
      auto raw = static_cast<std::uint32_t>(std::stoul(hex.substr(8 * word, 8), nullptr, 16));
      std::memcpy(addr.s6_addr + 4 * word, &raw, 4);
    }
    inet_ntop(AF_INET6, &addr, text, sizeof text);
  }
  return text;
}

struct socket_row {
  tcp_listener local;
  std::string inode;
};

// Listening rows of /proc/net/tcp and tcp6 (state 0A).
std::vector<socket_row> listening_rows() {
  std::vector<socket_row> rows;
  for (auto* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
      if (state != "0A")
        continue;
      auto colon = local.find(':');
      auto port = static_cast<unsigned short>(std::stoul(local.substr(colon + 1), nullptr, 16));
      rows.push_back({{address_of(local.substr(0, colon)), port}, inode});
    }
  }
  return rows;
}

}  // namespace

std::vector<tcp_listener> tcp_listeners_of(int pid) {
  auto inodes = socket_inodes(pid);
  std::vector<tcp_listener> result;
  for (auto& row : listening_rows())
    if (inodes.count(row.inode) > 0)
      result.push_back(row.local);
  return result;
}

int pid_listening_on(unsigned short port) {
  std::string inode;
  for (auto& row : listening_rows())
    if (row.local.port == port && row.local.address == "127.0.0.1")
      inode = row.inode;
  if (inode.empty())
    return -1;
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (socket_inodes(std::stoi(name)).count(inode) > 0)
      return std::stoi(name);
  }
  return -1;
}

app::http_result admin_get(const test_node& node, const std::string& target) {
  return app::http_call("127.0.0.1:" + std::to_string(node.http_port), "GET", target, "",
                        admin_token(node.data_dir.string()));
}

std::vector<std::string> cluster_args(const std::string& id, unsigned short port,
                                      const std::string& join, const std::string& secret) {
  std::vector<std::string> args{
    "--cluster-port", std::to_string(port), "--node-id", id, "--cluster-secret", secret};
  if (!join.empty()) {
    args.push_back("--join");
    args.push_back(join);
  }
  return args;
}

std::size_t member_count(const test_node& node) {
  auto res = admin_get(node, "/api/v1/cluster");
  if (res.status != 200)
    return 0;
  return json::parse(res.body)["members"].size();
}

std::map<std::string, int> partition_counts(const test_node& node) {
  std::map<std::string, int> counts;
  auto res = admin_get(node, "/api/v1/cluster");
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
  return app::http_call("127.0.0.1:" + std::to_string(node.http_port), "POST", target, body.dump(),
                        admin_token(node.data_dir.string()));
}

int channel_created_events(const test_node& node, const std::string& name) {
  auto res = admin_post(node, "/api/v1/admin/console",
                        {{"argv", {"events", "channel/" + name, "--from", "1"}}});
  if (res.status != 200)
    return 0;
  auto reply = json::parse(res.body);  // named: a loop over a temporary's member would dangle
  int created = 0;
  for (auto& ev : reply["result"]["events"])
    created += ev["type"] == "channel.created";
  return created;
}

std::vector<std::string> room_texts(const test_node& node, const std::string& channel) {
  auto res = admin_post(node, "/api/v1/admin/console",
                        {{"argv",
                          {"events", "chat/" + channel, "--from", "1", "--limit", "5000"}}});
  std::vector<std::string> texts;
  if (res.status != 200)
    return texts;
  auto reply = json::parse(res.body);  // named: a loop over a temporary's member would dangle
  for (auto& ev : reply["result"]["events"])
    if (ev["type"] == "chat.message")
      texts.push_back(ev["payload"].value("text", ""));
  return texts;
}

once_report compare_once(const std::vector<std::string>& acknowledged,
                         const std::vector<std::string>& stored) {
  std::map<std::string, int> copies;
  for (auto& text : stored)
    ++copies[text];
  once_report report;
  for (auto& text : acknowledged)
    if (copies[text] == 0 && ++report.missing <= 5)
      report.first_missing += text + " ";
  for (auto& [text, n] : copies)
    report.doubled += n > 1;
  return report;
}

}  // namespace aethex::test
