#include "net/app/config_file.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

namespace aethex::app {
namespace {

std::string trim(std::string text) {
  auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return {};
  auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// Strips a trailing comment that is not inside a quoted string.
std::string strip_comment(const std::string& line) {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"')
      quoted = !quoted;
    else if (line[i] == '#' && !quoted)
      return line.substr(0, i);
  }
  return line;
}

}  // namespace

void add_serve_options(CLI::App& serve, runtime::node_config& config) {
  serve.add_option("--data", config.data_dir, "Data folder (events, HLS output, admin token)")
    ->capture_default_str();
  serve.add_option("--bind", config.bind, "Address every listener binds to")
    ->capture_default_str();
  serve.add_option("--rtmp-port", config.rtmp_port, "RTMP ingest port (0 disables)")
    ->capture_default_str();
  serve.add_option("--srt-port", config.srt_port, "SRT ingest port, UDP (0 disables)")
    ->capture_default_str();
  serve.add_option("--srt-passphrase", config.srt_passphrase,
                   "Encrypt SRT ingest (AES-128); publishers must send this passphrase (10-79 chars)")
    ->check([](const std::string& p) {
      return p.size() >= 10 && p.size() <= 79 ? std::string{} : std::string{"must be 10 to 79 characters"};
    });
  serve.add_option("--http-port", config.http_port, "HTTP + WebSocket port (0 disables)")
    ->capture_default_str();
  serve.add_option("--cluster-port", config.cluster_port, "Cluster port (0 disables)")
    ->capture_default_str();
  serve.add_option("--join", config.join, "HOST:PORT of a cluster member to join");
  serve.add_option("--node-id", config.node_id, "Name of this node in the cluster");
  serve.add_option("--cluster-secret", config.cluster_secret,
                   "Shared secret a joining node must present");
  serve.add_option("--web-root", config.web_root, "Built web UI folder (default: <binary>/web)");
  serve.add_option("--io-threads", config.io_threads, "Network I/O threads")
    ->capture_default_str()
    ->check(CLI::Range(1u, 64u));
  serve.add_option("--hls-segment-seconds", config.hls_segment_seconds,
                   "Target HLS segment length (cut on the next keyframe)")
    ->capture_default_str()
    ->check(CLI::Range(1u, 10u));
}

void apply_config_file(CLI::App& command, const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw std::runtime_error("cannot read config file " + file.string());
  apply_config(command, in, file.string());
}

void apply_config(CLI::App& command, std::istream& in, const std::string& name) {
  std::string line;
  int number = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(name + ":" + std::to_string(number) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++number;
    line = trim(strip_comment(line));
    if (line.empty())
      continue;
    auto eq = line.find('=');
    if (eq == std::string::npos)
      fail("expected 'key = value'");
    auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (key == "config")
      fail("a config file cannot name another config file");
    CLI::Option* option = nullptr;
    try {
      option = command.get_option("--" + key);
    } catch (const CLI::OptionNotFound&) {
      fail("unknown option '" + key + "' (see aethex serve --help)");
    }
    if (option->count() > 0)
      continue;  // given on the command line
    try {
      option->add_result(value);
      option->run_callback();
    } catch (const CLI::Error& e) {
      fail("bad value for '" + key + "': " + e.what());
    }
  }
}

}  // namespace aethex::app
