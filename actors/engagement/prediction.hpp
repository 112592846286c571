// A channel's prediction without I/O: its state machine (ACTIVE → LOCKED → RESOLVED, or
// CANCELED from either), the viewers' stakes and the payout. The points themselves live in the
// points ledger; the engagement actor moves them as this decides.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

namespace prediction_limits {
inline constexpr std::size_t max_title_chars = 45;
inline constexpr std::size_t min_outcomes = 2;
inline constexpr std::size_t max_outcomes = 10;
inline constexpr std::size_t max_outcome_chars = 25;
inline constexpr std::int64_t min_window_s = 30;
inline constexpr std::int64_t max_window_s = 1800;
/// Points one viewer may stake on one prediction, in total.
inline constexpr std::int64_t max_stake = 250000;
/// How long an ended prediction is still "current" (its result on the channel page).
inline constexpr std::int64_t shown_after_end_ms = 5 * 60 * 1000;
}  // namespace prediction_limits

struct prediction_stake {
  std::int64_t outcome = 0;
  std::int64_t points = 0;
  std::uint64_t order = 0;  // event seq of the viewer's first stake: earlier wins ties
};

struct prediction {
  std::string id;
  std::string title;
  std::vector<std::string> outcomes;
  std::int64_t window_s = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t locks_at_ms = 0;
  std::int64_t ended_at_ms = 0;  // resolved or canceled
  std::string state = "active";  // active | locked | resolved | canceled
  std::int64_t winner = -1;
  std::map<std::string, prediction_stake> stakes;
  std::map<std::string, std::int64_t> paid;  // after resolve: what each winner received

  bool open() const { return state == "active" || state == "locked"; }
  std::int64_t pool() const;
  std::int64_t pool_of(std::int64_t outcome) const;
  /// {"id","title","outcomes":[{"title","points","users"}],"state","window_s","created_at_ms",
  /// "locks_at_ms","ended_at_ms","winning_outcome"?,"total_points"} plus "my_stake"
  /// {"outcome","points","won"?} when `user` staked.
  nlohmann::json to_json(const std::string& user = {}) const;
  nlohmann::json snapshot() const;
  static prediction restore(const nlohmann::json& j);
};

/// The checked fields of a create body: {"title","outcomes","window_s"}.
struct prediction_spec {
  std::string title;
  std::vector<std::string> outcomes;
  std::int64_t window_s = 0;
};
caf::expected<prediction_spec> prediction_spec_of(const nlohmann::json& body);

/// Why `user` may not stake `points` on `outcome` now (beyond the balance, the ledger's call).
caf::error check_stake(const prediction& p, const std::string& user, std::int64_t outcome,
                       std::int64_t points);

/// What each winner receives when `winner` wins: the stake back plus
/// floor(stake × losers_pool / winners_pool); the points the flooring leaves go one each to the
/// largest winning stakes (ties: the earliest), so exactly the whole pool is paid out. Empty when
/// nobody backed `winner` (the pool is burned).
std::map<std::string, std::int64_t> payout(const prediction& p, std::int64_t winner);

}  // namespace aethex::actors
