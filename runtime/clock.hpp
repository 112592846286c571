// Injectable time source for entities: wall-clock milliseconds for event timestamps and a steady
// time point for idle timers and rate windows.
//
// Production code uses system_clock(); tests pass a manual_clock and move time with advance(),
// so timer behaviour is checked without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace aethex::runtime {

class clock {
 public:
  virtual ~clock() = default;
  /// Milliseconds since the Unix epoch (event timestamps).
  virtual std::int64_t now_ms() const = 0;
  /// Monotonic time (timeouts, windows).
  virtual std::chrono::steady_clock::time_point steady() const = 0;

  /// Adapter for code that takes a plain function (e.g. runtime::window_limiter). The clock must
  /// outlive the function.
  std::function<std::chrono::steady_clock::time_point()> steady_fn() const {
    return [this] { return steady(); };
  }
};

/// The real clock. Stateless, shared by the whole process.
const clock& system_clock();

/// A clock that only moves when told. Thread-safe: an entity's actor may read it while the test
/// thread advances it. Wall and steady time always move together.
class manual_clock final : public clock {
 public:
  /// Starts at `start_ms` wall time; steady time starts at an arbitrary fixed point well past the
  /// steady clock's epoch (so "time_point{}" never looks recent).
  explicit manual_clock(std::int64_t start_ms = 1'700'000'000'000) : start_ms_(start_ms) {}

  std::int64_t now_ms() const override {
    return start_ms_ + elapsed_ns_.load(std::memory_order_acquire) / 1'000'000;
  }
  std::chrono::steady_clock::time_point steady() const override {
    return steady_start() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::nanoseconds(elapsed_ns_.load(std::memory_order_acquire)));
  }

  /// Moves both wall and steady time forward (negative durations are ignored: time never runs
  /// backwards for steady readers).
  void advance(std::chrono::nanoseconds by) {
    if (by.count() > 0)
      elapsed_ns_.fetch_add(by.count(), std::memory_order_acq_rel);
  }

  /// Time advanced since construction.
  std::chrono::nanoseconds elapsed() const {
    return std::chrono::nanoseconds(elapsed_ns_.load(std::memory_order_acquire));
  }

 private:
  static std::chrono::steady_clock::time_point steady_start() {
    return std::chrono::steady_clock::time_point(std::chrono::hours(24));
  }
  const std::int64_t start_ms_;
  std::atomic<std::int64_t> elapsed_ns_{0};
};

/// The real clock moved forward by what an operator asked (`serve --test-clock`): a whole node
/// can be taken past a renewal date or a payout hold without waiting, the way a payment
/// provider's test clocks work. Never goes backwards.
class offset_clock final : public clock {
 public:
  std::int64_t now_ms() const override {
    return system_clock().now_ms() + offset_ns_.load(std::memory_order_acquire) / 1'000'000;
  }
  std::chrono::steady_clock::time_point steady() const override {
    return system_clock().steady() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::nanoseconds(offset_ns_.load(std::memory_order_acquire)));
  }
  void advance(std::chrono::nanoseconds by) {
    if (by.count() > 0)
      offset_ns_.fetch_add(by.count(), std::memory_order_acq_rel);
  }

 private:
  std::atomic<std::int64_t> offset_ns_{0};
};

}  // namespace aethex::runtime
