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

// A chat session's budgets. Kept while an anonymous session is parked between frames, so that
// parking does not refill them.
struct session_budgets {
  token_bucket frames{20, 40};     // client frames per second
  token_bucket reactions{10, 20};  // reactions per second
  token_bucket joins{1, 5};        // each join sends the room's history: keep it from amplifying
};

}  // namespace aethex::actors
