// Rate-limit windows, connection caps and the log throttle, with an injected clock: no sleeps.
#include "runtime/limits.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace aethex::runtime;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct manual_clock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  steady_now_fn fn() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("window limiter: N per window per key, then the wait until the window ends") {
  manual_clock clock;
  window_limiter limiter{{5, 600s, 100}, clock.fn()};
  for (int i = 0; i < 5; ++i)
    CHECK(limiter.admit("10.0.0.1") == 0);
  CHECK(limiter.admit("10.0.0.1") == 600);
  CHECK(limiter.admit("10.0.0.2") == 0);  // other addresses have their own window
  clock.now += 599s;
  CHECK(limiter.admit("10.0.0.1") == 1);
  clock.now += 500ms;
  CHECK(limiter.admit("10.0.0.1") == 1);  // rounds up: never "retry after 0"
  clock.now += 500ms;
  CHECK(limiter.admit("10.0.0.1") == 0);  // a new window
  for (int i = 0; i < 4; ++i)
    CHECK(limiter.admit("10.0.0.1") == 0);
  CHECK(limiter.admit("10.0.0.1") > 0);
}

TEST_CASE("window limiter: refused attempts do not extend the window") {
  manual_clock clock;
  window_limiter limiter{{1, 60s, 100}, clock.fn()};
  CHECK(limiter.admit("a") == 0);
  for (int i = 0; i < 59; ++i) {
    clock.now += 1s;
    CHECK(limiter.admit("a") == static_cast<unsigned>(59 - i));
  }
  clock.now += 1s;
  CHECK(limiter.admit("a") == 0);
}

TEST_CASE("window limiter: the map stays bounded under a flood of addresses") {
  manual_clock clock;
  window_limiter limiter{{2, 60s, 50}, clock.fn()};
  CHECK(limiter.admit("victim") == 0);
  CHECK(limiter.admit("victim") == 0);
  for (int i = 0; i < 10'000; ++i) {
    clock.now += 1ms;
    limiter.admit("flood-" + std::to_string(i));
    REQUIRE(limiter.size() <= 50);
  }
  // Expired windows go first; with none expired the oldest window is forgotten.
  clock.now += 61s;
  CHECK(limiter.admit("x") == 0);
  CHECK(limiter.size() == 1);
}

TEST_CASE("window limiter: limit 0 means unlimited") {
  window_limiter limiter{{0, 60s, 10}};
  for (int i = 0; i < 1000; ++i)
    CHECK(limiter.admit("a") == 0);
  CHECK(limiter.size() == 0);
}

TEST_CASE("address keys: IPv4 as is, IPv6 by /64, mapped IPv4 as IPv4") {
  CHECK(address_key("192.0.2.7") == "192.0.2.7");
  CHECK(address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  CHECK(address_key("2001:db8:1:2:ffff::1") == address_key("2001:db8:1:2::9"));
  CHECK(address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1"));
  CHECK(address_key("::ffff:192.0.2.7") == "192.0.2.7");
  CHECK(address_key("[2001:db8::1]") == "2001:db8:0:0::/64");
  CHECK(address_key("fe80::1%eth0") == "fe80:0:0:0::/64");
  CHECK(address_key("not an address") == "not an address");
}

TEST_CASE("connection caps: per address and in total; slots give their place back") {
  connection_caps caps{{5, 2}};
  auto a1 = caps.admit("a");
  auto a2 = caps.admit("a");
  CHECK(a1.why == connection_caps::refusal::none);
  CHECK(a2.held);
  auto a3 = caps.admit("a");
  CHECK(a3.why == connection_caps::refusal::per_address);
  CHECK_FALSE(a3.held);
  CHECK(caps.check("a") == connection_caps::refusal::per_address);
  CHECK(caps.check("b") == connection_caps::refusal::none);
  auto b1 = caps.admit("b");
  auto b2 = caps.admit("b");
  auto c1 = caps.admit("c");
  CHECK(caps.total() == 5);
  CHECK(caps.admit("d").why == connection_caps::refusal::total);
  a1.held.release();
  CHECK(caps.count("a") == 1);
  CHECK(caps.admit("a").held);  // taken and given back at once (temporary)
  {
    auto moved = std::move(b1.held);
    CHECK(caps.count("b") == 2);
  }
  CHECK(caps.count("b") == 1);
  CHECK(caps.total() == 3);
  CHECK(std::string{to_string(connection_caps::refusal::per_address)}.find("address") !=
        std::string::npos);
}

TEST_CASE("connection caps: slots may outlive the caps; 0 means no cap; threads agree") {
  connection_caps::slot kept;
  {
    connection_caps caps{{0, 0}};
    for (int i = 0; i < 1000; ++i)
      CHECK(caps.admit("a").held);
    kept = std::move(caps.admit("a").held);
    CHECK(caps.total() == 1);
  }
  kept.release();

  connection_caps caps{{0, 100}};
  std::vector<std::thread> threads;
  std::atomic<int> admitted{0};
  std::vector<connection_caps::slot> held[4];
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i)
        if (auto a = caps.admit("same"); a.held) {
          ++admitted;
          held[t].push_back(std::move(a.held));
        }
    });
  for (auto& t : threads)
    t.join();
  CHECK(admitted == 100);
  CHECK(caps.count("same") == 100);
  for (auto& h : held)
    h.clear();
  CHECK(caps.total() == 0);
}

TEST_CASE("log throttle: one line per interval, counting what it held back") {
  manual_clock clock;
  log_throttle throttle{1s, clock.fn()};
  CHECK(throttle.admit() == std::optional<std::size_t>{0});
  for (int i = 0; i < 1000; ++i)
    CHECK_FALSE(throttle.admit());
  clock.now += 1s;
  CHECK(throttle.admit() == std::optional<std::size_t>{1000});
  CHECK_FALSE(throttle.admit());
}
