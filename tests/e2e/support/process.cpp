#include "tests/e2e/support/process.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace aethex::test {

namespace {

int decode_status(int raw) {
  if (WIFEXITED(raw))
    return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw))
    return 128 + WTERMSIG(raw);
  return -1;
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

child_process::child_process(std::vector<std::string> argv, std::filesystem::path log_file)
    : log_file_(std::move(log_file)) {
  pid_ = spawn(argv, log_file_);
}

child_process::~child_process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(5));
  }
}

void child_process::signal(int sig) {
  if (running())
    ::kill(pid_, sig);
}

bool child_process::running() {
  if (status_)
    return false;
  int raw = 0;
  if (::waitpid(pid_, &raw, WNOHANG) == pid_)
    status_ = decode_status(raw);
  return !status_;
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

std::string child_process::log() const { return read_file(log_file_); }

run_result run(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  auto out = fresh_temp_dir("aethex-run") / "out.txt";
  child_process child{std::move(argv), out};
  auto status = child.wait(timeout);
  run_result result;
  result.status = status ? *status : -1;
  result.output = child.log();
  return result;
}

namespace {
// The lowest port the kernel hands to outgoing connections (32768 by default).
unsigned short ephemeral_floor() {
  std::ifstream range{"/proc/sys/net/ipv4/ip_local_port_range"};
  unsigned low = 32768;
  range >> low;
  return static_cast<unsigned short>(low);
}

bool can_bind(int type, unsigned short port) {
  int fd = ::socket(AF_INET, type, 0);
  if (fd < 0)
    return false;
  int reuse = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return bound;
}

// A port the kernel chose (port 0) lies in the ephemeral range, where every outgoing
// connection of every suite running alongside takes its local port: between our check and
// the node's bind one of them may take it. Ports below that range are only ever taken by
// an explicit bind, so a random free one there stays free.
unsigned short free_port(int type) {
  std::mt19937 rng{std::random_device{}()};
  auto ceiling = ephemeral_floor();
  std::uniform_int_distribution<unsigned> pick{10000, ceiling > 10001 ? ceiling - 1u : 10001u};
  for (int attempt = 0; attempt < 1000; ++attempt)
    if (auto port = static_cast<unsigned short>(pick(rng)); can_bind(type, port))
      return port;
  throw std::runtime_error("no free loopback port below the ephemeral range");
}
}  // namespace

unsigned short free_tcp_port() { return free_port(SOCK_STREAM); }
unsigned short free_udp_port() { return free_port(SOCK_DGRAM); }

bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

std::filesystem::path fresh_temp_dir(const std::string& prefix) {
  std::random_device rng;
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace aethex::test
