#include "tests/e2e/support/node_fixture.hpp"

#include <fstream>

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "tests/e2e/support/cluster_nodes.hpp"

namespace aethex::test {
namespace {

bool cluster_mode() {
  const char* value = std::getenv("AETHEX_E2E_CLUSTER");
  return value != nullptr && std::string{value} == "3";
}

bool log_has_ready(const child_process& process, std::initializer_list<const char*> listeners) {
  auto log = process.log();
  for (auto* listener : listeners)
    if (log.find(std::string{"ready: "} + listener) == std::string::npos)
      return false;
  return true;
}

bool lost_port_race(const child_process& process) {
  return process.log().find("Address already in use") != std::string::npos;
}

bool became_ready(const child_process& process, std::initializer_list<const char*> listeners) {
  eventually([&] { return log_has_ready(process, listeners) || lost_port_race(process); },
             std::chrono::seconds(15));
  return log_has_ready(process, listeners);
}

}  // namespace

std::string node_binary() {
  const char* other = std::getenv("AETHEX_E2E_BINARY");
  return other != nullptr && *other != '\0' ? other : AETHEX_BINARY;
}

// A suite and its 3-node re-run may run at the same time: each keeps its own logs.
std::filesystem::path output_dir(const std::string& suite) {
  auto dir = std::filesystem::path{AETHEX_TEST_OUTPUT_DIR} /
             (cluster_mode() ? suite + "-3nodes" : suite);
  std::filesystem::create_directories(dir);
  return dir;
}

test_node::test_node(const std::string& name, std::vector<std::string> extra_args,
                     std::filesystem::path data) {
  owns_data_ = data.empty();
  data_dir = owns_data_ ? fresh_temp_dir("aethex-" + name) : std::move(data);
  out_dir = output_dir(name);
  // A port may still be taken between choosing it and the node's bind (another suite's
  // explicit bind): then start again on fresh ports.
  for (int attempt = 1;; ++attempt) {
    http_port = free_tcp_port();
    rtmp_port = free_tcp_port();
    srt_port = free_udp_port();
    std::vector<std::string> argv{node_binary(),    "serve",
                                  "--data",         data_dir.string(),
                                  "--bind",         "127.0.0.1",
                                  "--http-port",    std::to_string(http_port),
                                  "--rtmp-port",    std::to_string(rtmp_port),
                                  "--srt-port",     std::to_string(srt_port),
                                  "--cluster-port", "0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    if (cluster_mode() && peers_.empty())
      start_peers(argv, extra_args);
    else if (cluster_mode())
      append_main_cluster_args(argv);
    process_ = std::make_unique<child_process>(argv, out_dir / "node.log");
    if (became_ready(*process_, {"http", "rtmp", "srt"}))
      break;
    if (attempt == 3 || !lost_port_race(*process_))
      throw std::runtime_error("node did not become ready:\n" + process_->log());
  }
  if (cluster_mode() && !eventually(
                          [this] {
                            return placement_settled(*this, {"peer1", "peer2", "main"});
                          },
                          std::chrono::seconds(30)))
    throw std::runtime_error("the 3-node cluster did not settle:\n" + process_->log());
  // Read models of the new owners pick moved events up on their next poll (200 ms).
  if (cluster_mode())
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
}

void test_node::start_peers(std::vector<std::string>& node_args,
                            const std::vector<std::string>& shared_args) {
  for (int i = 1; i <= 2; ++i) {
    auto id = "peer" + std::to_string(i);
    for (int attempt = 1;; ++attempt) {
      auto http = free_tcp_port();
      auto cluster = free_tcp_port();
      if (i == 1)
        seed_ = "127.0.0.1:" + std::to_string(cluster);
      std::vector<std::string> argv{
        node_binary(), "serve",     "--data",      data_dir.string() + "-" + id,
        "--bind",      "127.0.0.1", "--http-port", std::to_string(http),
        "--rtmp-port", "0",         "--srt-port",  "0"};
      argv.insert(argv.end(), shared_args.begin(), shared_args.end());
      auto args = cluster_args(id, cluster, i == 1 ? "" : seed_);
      argv.insert(argv.end(), args.begin(), args.end());
      auto peer = std::make_unique<child_process>(argv, out_dir / (id + ".log"));
      if (became_ready(*peer, {"http", "cluster"})) {
        peers_.push_back(std::move(peer));
        peer_http_ports.push_back(http);
        break;
      }
      if (attempt == 3 || !lost_port_race(*peer))
        throw std::runtime_error(id + " did not become ready:\n" + peer->log());
    }
  }
  append_main_cluster_args(node_args);
}

void test_node::append_main_cluster_args(std::vector<std::string>& node_args) const {
  auto args = cluster_args("main", free_tcp_port(), seed_);  // last flags win over the defaults
  node_args.insert(node_args.end(), args.begin(), args.end());
}

test_node::~test_node() {
  stop();
  std::error_code ec;
  if (owns_data_) {
    std::filesystem::remove_all(data_dir, ec);
    for (auto* id : {"-peer1", "-peer2"})
      std::filesystem::remove_all(data_dir.string() + id, ec);
  }
}

std::string test_node::create_channel(const std::string& name) {
  auto result = run({node_binary(), "channel", "create", name, "--connect",
                     "127.0.0.1:" + std::to_string(http_port), "--data", data_dir.string()},
                    std::chrono::seconds(15));
  if (result.status != 0)
    throw std::runtime_error("channel create failed: " + result.output);
  auto key = result.output;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
    key.pop_back();
  return key;
}

app::http_result test_node::get(const std::string& target) const {
  return app::http_call("127.0.0.1:" + std::to_string(http_port), "GET", target, "", "");
}

std::string test_node::rtmp_url(const std::string& key) const {
  return "rtmp://127.0.0.1:" + std::to_string(rtmp_port) + "/live/" + key;
}

std::string test_node::srt_url(const std::string& streamid, const std::string& query) const {
  return "srt://127.0.0.1:" + std::to_string(srt_port) + "?streamid=" + streamid +
         "&latency=120000" + query;
}

std::string test_node::http_base() const { return "http://127.0.0.1:" + std::to_string(http_port); }

std::optional<int> test_node::stop() {
  if (!process_)
    return std::nullopt;
  process_->signal(SIGTERM);
  auto status = process_->wait(std::chrono::seconds(20));
  // Then the peers, newest first: each hands its partitions to those still running, so the
  // founder ends up with every event and a restart on the same folders finds them.
  for (auto it = peers_.rbegin(); it != peers_.rend(); ++it) {
    (*it)->signal(SIGTERM);
    (*it)->wait(std::chrono::seconds(20));
  }
  return status;
}

bool test_node::in_cluster() { return cluster_mode(); }

pid_t test_node::pid() const { return process_->pid(); }

std::size_t test_node::rss_kib() const {
  std::ifstream status{"/proc/" + std::to_string(pid()) + "/status"};
  std::string key;
  std::size_t value = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> value)
      return value;
    status.ignore(4096, '\n');
  }
  return 0;
}

void test_node::kill() {
  if (!process_)
    return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
}

std::vector<std::string> ffmpeg_publish_args(const std::string& url, int seconds,
                                             const std::string& size) {
  return {"ffmpeg",
          "-hide_banner",
          "-loglevel",
          "error",
          "-re",
          "-f",
          "lavfi",
          "-i",
          "testsrc=size=" + size + ":rate=30",
          "-f",
          "lavfi",
          "-i",
          "sine=frequency=440:sample_rate=48000",
          "-t",
          std::to_string(seconds),
          "-c:v",
          "libx264",
          "-preset",
          "veryfast",
          "-tune",
          "zerolatency",
          "-pix_fmt",
          "yuv420p",
          "-g",
          "30",
          "-c:a",
          "aac",
          "-b:a",
          "128k",
          "-f",
          "flv",
          url};
}

std::string admin_token(const std::string& data_dir) {
  std::ifstream in(data_dir + "/admin.token");
  std::string token;
  in >> token;
  return token;
}

std::string console_command(const test_node& node, const std::string& command) {
  auto dir = fresh_temp_dir("aethex-console-command");
  std::ofstream(dir / "in.txt") << command << "\n";
  auto result = run({"/bin/sh", "-c",
                     "exec " + node_binary() +
                       " console --json --connect 127.0.0.1:" + std::to_string(node.http_port) +
                       " --data " + node.data_dir.string() + " < " + (dir / "in.txt").string()},
                    std::chrono::seconds(30));
  std::filesystem::remove_all(dir);
  return result.output;
}

}  // namespace aethex::test
