// The events of engagement/<channel> (stream "engagement/<channel>"), with their JSON forms.
// Every change of the points ledger is one event, so a replay rebuilds the balances exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace aethex::actors::engagement_events {

using json = nlohmann::json;

/// Verified watch seconds of a viewer and the points they earned.
struct watched {
  static constexpr std::string_view type = "points.watched";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::int64_t seconds = 0;
};
/// A bonus: "bonus" (the 15-minute claim), "follow" (first follow), "raid" (`raid` names it).
struct earned {
  static constexpr std::string_view type = "points.earned";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::int64_t points = 0;
  std::string reason;
  std::string raid;
};
/// Points taken for good by another domain (a paid poll vote); `reason` says what for.
struct spent {
  static constexpr std::string_view type = "points.spent";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::int64_t points = 0;
  std::string reason;
};
/// Points a spend took, given back.
struct refunded {
  static constexpr std::string_view type = "points.refunded";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::int64_t points = 0;
  std::string reason;
};
/// A follow (any, for the hype train); the first one ever also pays (an `earned` follows it).
struct followed {
  static constexpr std::string_view type = "engagement.followed";
  static constexpr std::uint32_t schema = 1;
  std::string user;
};

/// A custom reward created or changed: its whole definition.
struct reward_saved {
  static constexpr std::string_view type = "reward.saved";
  static constexpr std::uint32_t schema = 1;
  json reward;
};
struct reward_deleted {
  static constexpr std::string_view type = "reward.deleted";
  static constexpr std::uint32_t schema = 1;
  std::string id;
};
/// A viewer redeemed a reward: its cost is burned, the redemption joins the queue.
struct redeemed {
  static constexpr std::string_view type = "reward.redeemed";
  static constexpr std::uint32_t schema = 1;
  std::string id;  // of the redemption
  std::string reward;
  std::string title;  // the reward's, then
  std::int64_t cost = 0;
  std::string user;
  std::string input;
  std::string stream;
};
/// A redemption fulfilled or canceled (canceled refunds its cost).
struct redemption_closed {
  static constexpr std::string_view type = "reward.redemption_closed";
  static constexpr std::uint32_t schema = 1;
  std::string id;
  std::string status;
};

struct prediction_created {
  static constexpr std::string_view type = "prediction.created";
  static constexpr std::uint32_t schema = 1;
  std::string id;
  std::string title;
  std::vector<std::string> outcomes;
  std::int64_t window_s = 0;
};
struct staked {
  static constexpr std::string_view type = "prediction.staked";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::int64_t outcome = 0;
  std::int64_t points = 0;
};
struct prediction_locked {
  static constexpr std::string_view type = "prediction.locked";
  static constexpr std::uint32_t schema = 1;
};
/// The payout follows from the stakes (prediction.hpp), so it is not repeated here.
struct prediction_resolved {
  static constexpr std::string_view type = "prediction.resolved";
  static constexpr std::uint32_t schema = 1;
  std::int64_t outcome = 0;
};
struct prediction_canceled {
  static constexpr std::string_view type = "prediction.canceled";
  static constexpr std::uint32_t schema = 1;
};
/// A marker of what the other events did to the hype train (which they alone decide), so the
/// public catalogue can announce hype_train.begin/progress/end: `phase` is one of those and
/// `train` the train's public view after it.
struct hype_train_changed {
  static constexpr std::string_view type = "hype_train.changed";
  static constexpr std::uint32_t schema = 1;
  std::string phase;
  json train;
};

void to_json(json& j, const watched& e);
void from_json(const json& j, watched& e);
void to_json(json& j, const earned& e);
void from_json(const json& j, earned& e);
void to_json(json& j, const spent& e);
void from_json(const json& j, spent& e);
void to_json(json& j, const refunded& e);
void from_json(const json& j, refunded& e);
void to_json(json& j, const followed& e);
void from_json(const json& j, followed& e);
void to_json(json& j, const reward_saved& e);
void from_json(const json& j, reward_saved& e);
void to_json(json& j, const reward_deleted& e);
void from_json(const json& j, reward_deleted& e);
void to_json(json& j, const redeemed& e);
void from_json(const json& j, redeemed& e);
void to_json(json& j, const redemption_closed& e);
void from_json(const json& j, redemption_closed& e);
void to_json(json& j, const prediction_created& e);
void from_json(const json& j, prediction_created& e);
void to_json(json& j, const staked& e);
void from_json(const json& j, staked& e);
void to_json(json& j, const prediction_locked& e);
void from_json(const json& j, prediction_locked& e);
void to_json(json& j, const prediction_resolved& e);
void from_json(const json& j, prediction_resolved& e);
void to_json(json& j, const prediction_canceled& e);
void from_json(const json& j, prediction_canceled& e);
void to_json(json& j, const hype_train_changed& e);
void from_json(const json& j, hype_train_changed& e);

}  // namespace aethex::actors::engagement_events
