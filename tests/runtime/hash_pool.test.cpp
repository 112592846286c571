// The hashing pool: jobs run on its own threads, at most `threads` at once, and a full queue
// refuses new jobs at once instead of growing.
#include "runtime/hash_pool.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

using aethex::runtime::hash_pool;
using namespace std::chrono_literals;

namespace {

// Jobs that block until the test opens the gate.
struct gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int inside = 0;
  void pass() {
    std::unique_lock lock{mu};
    ++inside;
    cv.notify_all();
    cv.wait(lock, [this] { return open; });
    --inside;
  }
  bool wait_inside(int n) {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, 5s, [&] { return inside == n; });
  }
  void release() {
    std::lock_guard lock{mu};
    open = true;
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("hash pool: jobs run on pool threads, never on the caller's") {
  hash_pool pool{{2, 4}};
  CHECK_FALSE(hash_pool::on_pool_thread());
  std::promise<bool> where;
  REQUIRE(pool.try_submit([&] { where.set_value(hash_pool::on_pool_thread()); }));
  auto f = where.get_future();
  REQUIRE(f.wait_for(5s) == std::future_status::ready);
  CHECK(f.get());
}

TEST_CASE("hash pool: at most `threads` run, at most `max_queued` wait, the rest is refused") {
  gate g;
  std::atomic<int> done{0};
  {
    hash_pool pool{{2, 3}};
    auto job = [&] {
      g.pass();
      ++done;
    };
    CHECK(pool.try_submit(job));
    CHECK(pool.try_submit(job));
    REQUIRE(g.wait_inside(2));
    CHECK(pool.running() == 2);
    for (int i = 0; i < 3; ++i)
      CHECK(pool.try_submit(job));
    CHECK(pool.queued() == 3);
    CHECK_FALSE(pool.try_submit(job));  // full: refused at once, not queued
    CHECK_FALSE(pool.try_submit(job));
    CHECK(pool.queued() == 3);
    {
      std::lock_guard lock{g.mu};
      CHECK(g.inside == 2);  // never more than two at once
    }
    g.release();
    for (int i = 0; i < 500 && done < 5; ++i)
      std::this_thread::sleep_for(10ms);
    CHECK(done == 5);
    CHECK(pool.try_submit(job));  // room again
    for (int i = 0; i < 500 && done < 6; ++i)
      std::this_thread::sleep_for(10ms);
  }
  CHECK(done == 6);
}

TEST_CASE("hash pool: destruction drops waiting jobs and waits for running ones") {
  gate g;
  std::atomic<int> ran{0};
  std::thread opener;
  {
    hash_pool pool{{1, 8}};
    auto job = [&] {
      g.pass();
      ++ran;
    };
    REQUIRE(pool.try_submit(job));
    REQUIRE(g.wait_inside(1));
    for (int i = 0; i < 5; ++i)
      REQUIRE(pool.try_submit(job));
    opener = std::thread{[&] {
      std::this_thread::sleep_for(50ms);
      g.release();
    }};
  }
  opener.join();
  CHECK(ran == 1);
}

TEST_CASE("hash pool: its threads run at a lower priority than the caller's") {
  hash_pool pool{{1, 1, 10}};
  std::promise<int> niceness;
  REQUIRE(pool.try_submit([&] {
    errno = 0;
    niceness.set_value(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())));
  }));
  auto f = niceness.get_future();
  REQUIRE(f.wait_for(5s) == std::future_status::ready);
  CHECK(f.get() == std::min(::getpriority(PRIO_PROCESS, 0) + 10, 19));
}
