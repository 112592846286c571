// The rate limits a chat session applies to its own client (frames, reactions, joins).
#pragma once

#include <algorithm>
#include <chrono>

namespace aethex::actors {

// Token bucket: `rate` per second, bursts of `burst`.
struct token_bucket {
  double rate;
  double burst;
  double tokens;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  token_bucket(double r, double b) : rate(r), burst(b), tokens(b) {}
  // Tokens available now (refilled for the time since the last call).
  double left() {
    auto now = std::chrono::steady_clock::now();
    tokens = std::min(burst, tokens + std::chrono::duration<double>(now - last).count() * rate);
    last = now;
    return tokens;
  }
  bool take() {
    if (left() < 1.0)
      return false;
    tokens -= 1.0;
    return true;
  }
};

}  // namespace aethex::actors
