// A channel's hype train without I/O. Qualifying events (a follow, channel points spent on
// rewards, predictions or paid poll votes) start it when 3 come within 5 minutes; then every
// contribution adds hype points (1 per channel point spent, 100 per follow) to the level's goal
// and restarts the 5-minute timer; when the timer runs out the train ends and a 1-hour cooldown
// follows. Time comes in with each call (the event's timestamp), so a replay rebuilds it exactly.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace aethex::actors {

namespace hype_rules {
inline constexpr std::size_t events_to_start = 3;
inline constexpr std::int64_t start_window_ms = 5 * 60 * 1000;
inline constexpr std::int64_t timer_ms = 5 * 60 * 1000;
inline constexpr std::int64_t cooldown_ms = 60 * 60 * 1000;
inline constexpr std::int64_t follow_hype = 100;
inline constexpr std::array<std::int64_t, 5> level_goals{1000, 1500, 2000, 2500, 3000};
inline constexpr std::size_t top_shown = 3;
/// Contributors one train names; beyond, their hype still counts but not their names.
inline constexpr std::size_t max_contributors = 10000;
}  // namespace hype_rules

class hype_train {
 public:
  /// Ends a train whose timer ran out and a cooldown that is over; true when the state changed.
  bool advance(std::int64_t now_ms);
  /// A qualifying event worth `hype` points by `user`; true when the train started or moved.
  bool contribute(const std::string& user, std::int64_t hype, std::int64_t now_ms);

  const std::string& state() const { return state_; }
  std::int64_t level() const { return level_; }
  std::int64_t progress() const { return progress_; }
  std::int64_t goal() const;
  std::int64_t ends_at_ms() const { return ends_at_ms_; }
  std::int64_t cooldown_ends_at_ms() const { return cooldown_ends_at_ms_; }
  /// The next moment advance() may change something (0: none).
  std::int64_t next_deadline_ms() const;

  /// {"state","level","progress","goal","ends_at_ms","cooldown_ends_at_ms","top":[...]}
  nlohmann::json to_json() const;
  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  struct pending {
    std::string user;
    std::int64_t hype = 0;
    std::int64_t at_ms = 0;
  };
  void add(const std::string& user, std::int64_t hype);

  std::string state_ = "idle";  // idle | active | cooldown
  std::int64_t level_ = 0;
  std::int64_t progress_ = 0;  // toward the current level's goal
  std::int64_t ends_at_ms_ = 0;
  std::int64_t cooldown_ends_at_ms_ = 0;
  std::deque<pending> recent_;  // qualifying events while idle, newest last
  std::map<std::string, std::int64_t> contributions_;
  std::map<std::string, std::int64_t> first_at_;  // tie-break of the top: earliest first
};

}  // namespace aethex::actors
