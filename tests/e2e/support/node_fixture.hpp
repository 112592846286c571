// A real `aethex serve` process on loopback ports, plus helpers to drive it like a user would.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/process.hpp"

namespace aethex::test {

/// The `aethex` binary the suites start: this build's, or $AETHEX_E2E_BINARY (to run a suite
/// against another build, e.g. to see a regression test fail on the release before a fix).
std::string node_binary();

/// Folder for artefacts (logs, screenshots): <build>/tests/out/<suite>.
std::filesystem::path output_dir(const std::string& suite);

/// With AETHEX_E2E_CLUSTER=3 in the environment, every test_node is the third member of a
/// 3-node cluster: two peer processes ("peer1" founds it, "peer2" joins) own two thirds of the
/// partitions, so the suite's entities mostly live on other processes than the node it talks
/// to. Peers keep their data next to the node's (<data>-peer1, -peer2) and stop after it,
/// each handing its partitions on, so a restart finds every event again. They get the node's
/// extra arguments too (settings a cluster shares, e.g. --smtp-url).
class test_node {
 public:
  /// Starts a node; `data` reuses an existing data folder (kept afterwards) instead of a new one.
  explicit test_node(const std::string& name, std::vector<std::string> extra_args = {},
                     std::filesystem::path data = {});
  ~test_node();

  /// `aethex channel create NAME` against this node; returns the printed stream key.
  std::string create_channel(const std::string& name);
  app::http_result get(const std::string& target) const;
  std::string rtmp_url(const std::string& key) const;
  /// `srt://127.0.0.1:PORT?streamid=…`; `query` is appended (e.g. "&passphrase=…"). Values
  /// stay verbatim: ffmpeg 5.1 does not percent-decode them.
  std::string srt_url(const std::string& streamid, const std::string& query = "") const;
  std::string http_base() const;
  /// SIGTERM and wait (then the peers, in cluster mode); returns the node's exit status.
  std::optional<int> stop();
  /// True when suites run against 3-node clusters (AETHEX_E2E_CLUSTER=3).
  static bool in_cluster();
  /// SIGKILL: the node dies without any chance to clean up.
  void kill();
  std::string log() const { return process_->log(); }
  /// The node process (not its cluster peers).
  pid_t pid() const;
  /// Its resident memory (VmRSS) in KiB, 0 when it is gone.
  std::size_t rss_kib() const;

  unsigned short http_port = 0;
  /// The cluster peers' HTTP ports (cluster mode only), for clients of another member.
  std::vector<unsigned short> peer_http_ports;
  unsigned short rtmp_port = 0;
  unsigned short srt_port = 0;
  std::filesystem::path data_dir;
  std::filesystem::path out_dir;

 private:
  void start_peers(std::vector<std::string>& node_args,
                   const std::vector<std::string>& shared_args);
  void append_main_cluster_args(std::vector<std::string>& node_args) const;

  std::unique_ptr<child_process> process_;
  std::vector<std::unique_ptr<child_process>> peers_;  // cluster mode only, founder first
  std::string seed_;                                   // the founder's cluster address
  bool owns_data_ = true;
};

/// The node's admin token (written to DATA/admin.token at first start).
std::string admin_token(const std::string& data_dir);

/// One command through `aethex console --json` against the node (as its admin); the output.
std::string console_command(const test_node& node, const std::string& command);

/// ffmpeg publishing a test pattern (testsrc + sine, H.264 + AAC, 1 s GOP) in real time.
std::vector<std::string> ffmpeg_publish_args(const std::string& url, int seconds,
                                             const std::string& size = "640x360");

}  // namespace aethex::test
