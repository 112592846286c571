// Child processes for end-to-end tests: real node binaries, ffmpeg, browsers.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace aethex::test {

/// A running child; stdout+stderr go to `log_file`. Killed (SIGKILL) on destruction if alive.
class child_process {
 public:
  child_process(std::vector<std::string> argv, std::filesystem::path log_file);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  /// Sends `signal` (SIGTERM by default) if still running.
  void signal(int sig);
  /// Waits up to `timeout` for exit; returns the exit status (128+signal when killed).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();
  std::string log() const;
  const std::filesystem::path& log_file() const { return log_file_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path log_file_;
};

/// Runs a command to completion (bounded by `timeout`) and returns {exit status, stdout}.
struct run_result {
  int status = -1;
  std::string output;
};
run_result run(std::vector<std::string> argv, std::chrono::milliseconds timeout);

/// A TCP port that was free a moment ago on 127.0.0.1.
unsigned short free_tcp_port();
/// A UDP port that was free a moment ago on 127.0.0.1 (SRT).
unsigned short free_udp_port();
/// True when `program` is found on PATH.
bool on_path(const std::string& program);
/// A fresh empty folder under the system temp folder.
std::filesystem::path fresh_temp_dir(const std::string& prefix);
/// Polls `condition` every 100 ms until it holds or `timeout` passes.
template <class F>
bool eventually(F condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

}  // namespace aethex::test
