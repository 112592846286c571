#include "runtime/clock.hpp"

namespace aethex::runtime {
namespace {

class real_clock final : public clock {
 public:
  std::int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  }
  std::chrono::steady_clock::time_point steady() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace

const clock& system_clock() {
  static const real_clock instance;  // immutable: safe to share across threads
  return instance;
}

}  // namespace aethex::runtime
