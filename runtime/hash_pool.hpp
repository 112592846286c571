// A few threads for CPU- and memory-heavy jobs (argon2id password hashes: 64 MiB and tens of
// milliseconds each), kept off the actor scheduler and the network I/O threads so a sign-up
// flood cannot stall chat or ingest. The queue is bounded: when it is full, try_submit refuses
// at once and the caller answers "busy" instead of queueing without bound.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace aethex::runtime {

class hash_pool {
 public:
  struct options {
    unsigned threads = 2;         // at least 1
    std::size_t max_queued = 32;  // jobs waiting for a thread (running ones not counted)
    int nice = 10;  // added to the threads' niceness: hashing yields the CPU to chat and ingest
  };

  explicit hash_pool(options opt);
  /// Drops the jobs still waiting and waits for the running ones.
  ~hash_pool();
  hash_pool(const hash_pool&) = delete;
  hash_pool& operator=(const hash_pool&) = delete;

  /// Queues `job` (it must not throw); false, without running it, when the queue is full or the
  /// pool is stopping.
  bool try_submit(std::function<void()> job);

  std::size_t queued() const;
  std::size_t running() const;
  const options& settings() const { return opt_; }
  /// True on a thread of any hash_pool (lets tests and callers check where work runs).
  static bool on_pool_thread();

 private:
  void work();

  const options opt_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace aethex::runtime
