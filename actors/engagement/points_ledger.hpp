// The channel-points ledger of one channel, without I/O: balances, watch-time earning, the
// claimable bonus, one-time bonuses, and the totals that prove nothing is created or lost:
//   sum(balances) + held == minted - burned
// (`held` = points staked on the open prediction). Callers decide; the ledger only refuses what
// would make a balance negative.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace aethex::actors {

/// Twitch's default earning rules (docs/engagement.md).
namespace points_rules {
inline constexpr std::int64_t watch_period_s = 300;  // 10 points per 5 minutes watched
inline constexpr std::int64_t watch_points = 10;
inline constexpr std::int64_t bonus_period_s = 900;  // a 50-point bonus per 15 minutes
inline constexpr std::int64_t bonus_points = 50;
inline constexpr std::int64_t follow_points = 300;  // the first follow, once ever
inline constexpr std::int64_t raid_points = 250;    // arriving with a raid, once per raid
/// Subscriber multipliers come with subscriptions; every viewer earns at 1.0 until then.
inline constexpr double multiplier = 1.0;
/// Viewers one channel keeps points for; beyond, new viewers earn nothing (never seen in practice).
inline constexpr std::size_t max_viewers = 200000;
/// Raids remembered per viewer (a raid pays once).
inline constexpr std::size_t raids_remembered = 8;
}  // namespace points_rules

struct viewer_points {
  std::int64_t balance = 0;
  std::int64_t watch_s = 0;       // verified watch time in this channel, ever
  std::int64_t bonus_from_s = 0;  // watch_s when the bonus timer last started
  bool follow_paid = false;
  std::deque<std::string> raids;  // the last raids that paid this viewer
};

class points_ledger {
 public:
  /// Watch seconds added; answers the points minted for them (whole 5-minute periods crossed).
  std::int64_t watch(const std::string& user, std::int64_t seconds);
  /// Points `watch` would mint, without changing anything.
  std::int64_t watch_earning(const std::string& user, std::int64_t seconds) const;
  bool claim_available(const std::string& user) const;
  /// Takes the bonus (the caller checked claim_available): restarts the 15-minute timer.
  void claim(const std::string& user);
  bool follow_paid(const std::string& user) const;
  void pay_follow(const std::string& user);
  bool raid_paid(const std::string& user, const std::string& raid) const;
  void pay_raid(const std::string& user, const std::string& raid);

  /// Creates points (earnings).
  void mint(const std::string& user, std::int64_t points);
  /// Takes points for good (rewards, poll votes); false when the balance is short.
  bool can_spend(const std::string& user, std::int64_t points) const;
  void burn(const std::string& user, std::int64_t points);
  /// Gives back points a burn took.
  void unburn(const std::string& user, std::int64_t points);
  /// Moves points from a balance into the open prediction's pool, and back out (payouts,
  /// refunds). Points of a pool nobody wins are burned with burn_held.
  void hold(const std::string& user, std::int64_t points);
  void release(const std::string& user, std::int64_t points);
  void burn_held(std::int64_t points);

  std::int64_t balance(const std::string& user) const;
  const viewer_points* find(const std::string& user) const;
  bool knows(const std::string& user) const { return viewers_.count(user) > 0; }
  /// False when the ledger is full and `user` is new.
  bool has_room_for(const std::string& user) const;
  std::size_t viewers() const { return viewers_.size(); }
  const std::map<std::string, viewer_points>& all() const { return viewers_; }

  std::int64_t minted() const { return minted_; }
  std::int64_t burned() const { return burned_; }
  std::int64_t held() const { return held_; }
  std::int64_t sum_of_balances() const;

  nlohmann::json to_json() const;
  void from_json(const nlohmann::json& j);

 private:
  viewer_points& at(const std::string& user) { return viewers_[user]; }

  std::map<std::string, viewer_points> viewers_;
  std::int64_t minted_ = 0;
  std::int64_t burned_ = 0;
  std::int64_t held_ = 0;
};

}  // namespace aethex::actors
