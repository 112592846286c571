#include "runtime/clock.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "runtime/limits.hpp"

using namespace std::chrono_literals;
namespace rt = aethex::runtime;

TEST_CASE("system clock reads real wall and steady time") {
  const rt::clock& c = rt::system_clock();
  CHECK(&c == &rt::system_clock());  // one process-wide instance
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  CHECK(c.now_ms() >= wall);
  CHECK(c.now_ms() < wall + 60'000);
  const auto before = std::chrono::steady_clock::now();
  const auto read = c.steady();
  CHECK(read >= before);
  CHECK(read <= std::chrono::steady_clock::now());
}

TEST_CASE("manual clock stands still until advanced, then moves wall and steady together") {
  rt::manual_clock c{5'000};
  const auto t0 = c.steady();
  CHECK(c.now_ms() == 5'000);
  CHECK(c.steady() == t0);
  CHECK(t0 > std::chrono::steady_clock::time_point{});

  c.advance(1500ms);
  CHECK(c.now_ms() == 6'500);
  CHECK(c.steady() - t0 == 1500ms);
  c.advance(2min);
  CHECK(c.now_ms() == 126'500);
  CHECK(c.steady() - t0 == 121'500ms);
  CHECK(c.elapsed() == 121'500ms);

  c.advance(-5s);  // ignored: steady time never goes back
  CHECK(c.now_ms() == 126'500);

  c.advance(400us);  // sub-millisecond steps add up on the wall clock too
  c.advance(600us);
  CHECK(c.now_ms() == 126'501);
  CHECK(c.steady() - t0 == 121'501ms);
}

TEST_CASE("manual clock is safe to advance from several threads") {
  rt::manual_clock c{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        c.advance(1ms);
    });
  for (auto& t : threads)
    t.join();
  CHECK(c.now_ms() == 4000);
  CHECK(c.elapsed() == 4s);
}

TEST_CASE("steady_fn feeds code that takes a plain time function") {
  rt::manual_clock c;
  rt::window_limiter limiter{{1, 10s, 100}, c.steady_fn()};
  CHECK(limiter.admit("k") == 0);
  CHECK(limiter.admit("k") > 0);
  c.advance(10s);
  CHECK(limiter.admit("k") == 0);  // the window ended because the manual clock moved
}
