// Helpers for suites that start several node processes as one cluster on loopback.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

namespace aethex::test {

inline const std::string cluster_secret = "e2e-cluster-secret";  // 16+ characters

/// `serve` flags of a member: its cluster port and id, the shared secret, and a seed to join.
std::vector<std::string> cluster_args(const std::string& id, unsigned short port,
                                      const std::string& join = {},
                                      const std::string& secret = cluster_secret);

/// `GET target` with the node's admin token (DATA/admin.token).
app::http_result admin_get(const test_node& node, const std::string& target);

/// Members the node's /api/v1/cluster lists (0 when it does not answer).
std::size_t member_count(const test_node& node);

/// Partitions owned per node id, as the node's /api/v1/cluster reports.
std::map<std::string, int> partition_counts(const test_node& node);

/// True when the node reports every partition with the owner rendezvous hashing gives it
/// among `nodes`, i.e. rebalancing is over.
bool placement_settled(const test_node& node, const std::vector<std::string>& nodes);

/// chat.message texts of a room's stream (up to 5000), through the node's console, which reads
/// them on the room's owner; empty when the node does not answer.
std::vector<std::string> room_texts(const test_node& node, const std::string& channel);

/// channel.created events of a channel's stream, through the node's console (read on its
/// owner); 0 when the node does not answer.
int channel_created_events(const test_node& node, const std::string& name);

/// Acknowledged texts absent from `stored` (the first few named) and texts stored twice.
struct once_report {
  int missing = 0;
  int doubled = 0;
  std::string first_missing;
};
once_report compare_once(const std::vector<std::string>& acknowledged,
                         const std::vector<std::string>& stored);

/// An admin call (`POST` with JSON) to the node with its own admin token.
app::http_result admin_post(const test_node& node, const std::string& target,
                            const nlohmann::json& body);

/// A listening TCP socket: local address as text ("127.0.0.1", "::") and port.
struct tcp_listener {
  std::string address;
  unsigned short port = 0;
};

/// The TCP sockets process `pid` listens on (from /proc/<pid>/fd and /proc/net/tcp{,6}).
std::vector<tcp_listener> tcp_listeners_of(int pid);

/// The process listening on 127.0.0.1:`port` over TCP, -1 when none is found.
int pid_listening_on(unsigned short port);

}  // namespace aethex::test
