// Settings of one node, filled from the command line (see `aethex serve --help`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace aethex::runtime {

struct node_config {
  std::filesystem::path data_dir = "aethex-data";
  std::filesystem::path web_root;  // built web UI; empty = <binary dir>/web
  std::string bind = "127.0.0.1";
  std::uint16_t rtmp_port = 1935;  // 0 disables a listener
  std::uint16_t srt_port = 9000;
  std::string srt_passphrase;  // AES passphrase SRT publishers must know; empty = none. Secret.
  std::uint16_t http_port = 8080;
  std::uint16_t cluster_port = 4100;
  std::string join;  // "host:port" of a cluster member, empty for a standalone node
  std::string node_id;
  std::string cluster_secret;
  unsigned io_threads = 2;
  unsigned hls_segment_seconds = 1;
};

}  // namespace aethex::runtime
