// A channel's custom rewards and their redemption queue, without I/O: the definitions (checked
// against docs/engagement.md's limits), cooldowns and per-stream caps, and the bounded queue
// (UNFULFILLED → FULFILLED or CANCELED). Points move in the ledger; the actor decides the order.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

namespace reward_limits {
inline constexpr std::size_t max_rewards = 50;
inline constexpr std::size_t max_title_chars = 45;
inline constexpr std::size_t max_prompt_chars = 200;
inline constexpr std::size_t max_input_chars = 200;
inline constexpr std::int64_t max_cost = 10000000;
inline constexpr std::int64_t max_cooldown_s = 604800;
inline constexpr std::int64_t max_cap = 1000000;
/// Open (unfulfilled) redemptions one channel keeps; beyond, redeeming is refused (503).
inline constexpr std::size_t max_open = 1000;
/// Fulfilled or canceled redemptions kept for the queue's history.
inline constexpr std::size_t closed_kept = 100;
}  // namespace reward_limits

struct reward {
  std::string id;
  std::string title;
  std::string prompt;
  std::int64_t cost = 0;
  bool user_input = false;
  std::int64_t cooldown_s = 0;
  std::int64_t max_per_stream = 0;  // 0: no cap
  std::int64_t max_per_user_per_stream = 0;
  bool enabled = true;
  // Counters (not part of the definition a manager edits).
  std::int64_t last_redeemed_ms = 0;
  std::string stream;  // the live session the counts below belong to
  std::int64_t stream_count = 0;
  std::map<std::string, std::int64_t> user_counts;

  nlohmann::json definition() const;  // what reward.saved stores
  nlohmann::json to_json() const;     // what the API shows (definition + cooldown_ends_at_ms)
  nlohmann::json snapshot() const;
  static reward restore(const nlohmann::json& j);
};

/// Applies a create (base == nullptr: title and cost required) or PATCH body to a definition.
caf::expected<reward> reward_from_body(const nlohmann::json& body, const reward* base);

struct redemption {
  std::string id;
  std::string reward;
  std::string title;  // the reward's title when redeemed (it may change or go)
  std::string user;
  std::string input;
  std::int64_t cost = 0;
  std::string status = "unfulfilled";  // unfulfilled | fulfilled | canceled
  std::int64_t redeemed_at_ms = 0;
  std::int64_t closed_at_ms = 0;

  nlohmann::json to_json() const;
  static redemption restore(const nlohmann::json& j);
};

class reward_book {
 public:
  reward* find(const std::string& id);
  const reward* find(const std::string& id) const;
  const std::vector<reward>& rewards() const { return rewards_; }
  void save(reward r);  // replaces the definition of r.id (keeping its counters) or appends it
  void remove(const std::string& id);

  /// Why `user` may not redeem `r` now (disabled, input, cooldown, caps, full queue); balance
  /// aside. `stream` names the channel's live session ("" offline: the last one's counts stay).
  caf::error check_redeem(const reward& r, const std::string& user, const std::string& input,
                          const std::string& stream, std::int64_t now_ms) const;
  /// Counts a redemption and queues it.
  void redeem(redemption d, const std::string& stream);
  const redemption* open_redemption(const std::string& id) const;
  /// Closes an open redemption; answers it (closed).
  redemption close(const std::string& id, const std::string& status, std::int64_t now_ms);

  const std::deque<redemption>& open() const { return open_; }
  const std::deque<redemption>& closed() const { return closed_; }

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  std::vector<reward> rewards_;
  std::deque<redemption> open_;
  std::deque<redemption> closed_;
};

}  // namespace aethex::actors
