// The events and state of tips/<channel> (actors/tips/tips.hpp). Every change is one event, so a
// replay rebuilds the tips, the campaign's progress and the gifted cosmetics exactly.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/tips/tips.hpp"

namespace aethex::actors {
namespace tips_ev {

using json = nlohmann::json;

struct settings {
  static constexpr std::string_view type = "tips.settings";
  static constexpr std::uint32_t schema = 1;
  std::int64_t min_amount = tip_limits::min_amount;
  std::int64_t tts_min = tip_limits::default_tts_min;
  bool alerts = true;
  std::uint32_t alert_duration_s = tip_limits::default_alert_s;
};
inline void to_json(json& j, const settings& s) {
  j = json{{"min_amount", s.min_amount},
           {"tts_min", s.tts_min},
           {"alerts", s.alerts},
           {"alert_duration_s", s.alert_duration_s}};
}
inline void from_json(const json& j, settings& s) {
  s.min_amount = j.value("min_amount", tip_limits::min_amount);
  s.tts_min = j.value("tts_min", tip_limits::default_tts_min);
  s.alerts = j.value("alerts", true);
  s.alert_duration_s = j.value("alert_duration_s", tip_limits::default_alert_s);
}

/// A paid tip. `shown` is false when the channel's AutoMod would hold the message: the alert
/// then carries the amount and name only. `campaign` names the campaign it counted towards.
struct received {
  static constexpr std::string_view type = "tips.received";
  static constexpr std::uint32_t schema = 1;
  std::string payment;
  std::string payer;
  bool anonymous = false;
  std::int64_t amount = 0;
  std::string currency;
  std::string message;
  bool shown = true;
  bool tts = false;
  std::string campaign;
};
inline void to_json(json& j, const received& e) {
  j = json{{"payment", e.payment}, {"payer", e.payer},       {"anonymous", e.anonymous},
           {"amount", e.amount},   {"currency", e.currency}, {"message", e.message},
           {"shown", e.shown},     {"tts", e.tts},           {"campaign", e.campaign}};
}
inline void from_json(const json& j, received& e) {
  e.payment = j.at("payment").get<std::string>();
  e.payer = j.value("payer", "");
  e.anonymous = j.value("anonymous", false);
  e.amount = j.at("amount").get<std::int64_t>();
  e.currency = j.value("currency", "");
  e.message = j.value("message", "");
  e.shown = j.value("shown", true);
  e.tts = j.value("tts", false);
  e.campaign = j.value("campaign", "");
}

/// A tip or gift refunded or lost in a dispute.
struct reversed {
  static constexpr std::string_view type = "tips.reversed";
  static constexpr std::uint32_t schema = 1;
  std::string payment;
  std::string reason;
};
inline void to_json(json& j, const reversed& e) {
  j = json{{"payment", e.payment}, {"reason", e.reason}};
}
inline void from_json(const json& j, reversed& e) {
  e.payment = j.at("payment").get<std::string>();
  e.reason = j.value("reason", "");
}

struct campaign_started {
  static constexpr std::string_view type = "tips.campaign_started";
  static constexpr std::uint32_t schema = 1;
  std::string id;
  std::string title;
  std::int64_t goal = 0;
  std::int64_t ends_at_ms = 0;  // 0: no end date
};
inline void to_json(json& j, const campaign_started& e) {
  j = json{{"id", e.id}, {"title", e.title}, {"goal", e.goal}, {"ends_at_ms", e.ends_at_ms}};
}
inline void from_json(const json& j, campaign_started& e) {
  e.id = j.at("id").get<std::string>();
  e.title = j.value("title", "");
  e.goal = j.at("goal").get<std::int64_t>();
  e.ends_at_ms = j.value("ends_at_ms", std::int64_t{0});
}

/// status: "reached" (the goal), "ended" (the date) or "canceled" (the owner).
struct campaign_ended {
  static constexpr std::string_view type = "tips.campaign_ended";
  static constexpr std::uint32_t schema = 1;
  std::string id;
  std::string status;
};
inline void to_json(json& j, const campaign_ended& e) {
  j = json{{"id", e.id}, {"status", e.status}};
}
inline void from_json(const json& j, campaign_ended& e) {
  e.id = j.at("id").get<std::string>();
  e.status = j.at("status").get<std::string>();
}

/// A paid gift bundle: item "points" (detail {"points"}), "emote" ({"code"}) or "badge"
/// ({"badge"}). Points are credited through engagement/<channel>; `credited` follows.
struct gift_received {
  static constexpr std::string_view type = "tips.gift_received";
  static constexpr std::uint32_t schema = 1;
  std::string payment;
  std::string from;
  std::string to;
  std::string item;
  json detail = json::object();
  std::int64_t amount = 0;
};
inline void to_json(json& j, const gift_received& e) {
  j = json{{"payment", e.payment}, {"from", e.from},     {"to", e.to},
           {"item", e.item},       {"detail", e.detail}, {"amount", e.amount}};
}
inline void from_json(const json& j, gift_received& e) {
  e.payment = j.at("payment").get<std::string>();
  e.from = j.value("from", "");
  e.to = j.at("to").get<std::string>();
  e.item = j.at("item").get<std::string>();
  e.detail = j.value("detail", json::object());
  e.amount = j.value("amount", std::int64_t{0});
}

struct gift_credited {
  static constexpr std::string_view type = "tips.gift_credited";
  static constexpr std::uint32_t schema = 1;
  std::string payment;
};
inline void to_json(json& j, const gift_credited& e) { j = json{{"payment", e.payment}}; }
inline void from_json(const json& j, gift_credited& e) {
  e.payment = j.at("payment").get<std::string>();
}

}  // namespace tips_ev

struct tip_record {
  tips_ev::received data;
  std::int64_t at_ms = 0;
  bool refunded = false;
};

struct gift_record {
  tips_ev::gift_received data;
  std::int64_t at_ms = 0;
  bool credited = false;
  bool reversed = false;
};

struct campaign_record {
  tips_ev::campaign_started data;
  std::int64_t raised = 0;
  std::int64_t started_at_ms = 0;
  std::string status = "active";  // active, reached, ended, canceled
  bool active() const { return status == "active"; }
};

struct tips_state {
  static constexpr std::string_view kind = "tips";
  using events =
    event_list<tips_ev::settings, tips_ev::received, tips_ev::reversed, tips_ev::campaign_started,
               tips_ev::campaign_ended, tips_ev::gift_received, tips_ev::gift_credited>;

  tips_ev::settings config;
  std::deque<tip_record> tips;              // oldest first, the newest tip_limits::tips_kept
  std::deque<gift_record> gifts;            // likewise
  std::optional<campaign_record> campaign;  // the latest, active or not
  std::uint64_t campaigns_started = 0;
  // Payments being fulfilled right now (waiting for AutoMod's rules or the points credit).
  std::map<std::string, int, std::less<>> in_flight;
  bool timer_armed = false;  // the campaign's end check is scheduled

  bool keep_active() const {
    return !in_flight.empty() || (campaign && campaign->active() && campaign->data.ends_at_ms);
  }
  tip_record* find_tip(std::string_view payment) {
    for (auto& t : tips)
      if (t.data.payment == payment)
        return &t;
    return nullptr;
  }
  gift_record* find_gift(std::string_view payment) {
    for (auto& g : gifts)
      if (g.data.payment == payment)
        return &g;
    return nullptr;
  }

  void apply(const tips_ev::settings& e, const event_meta&) { config = e; }
  void apply(const tips_ev::received& e, const event_meta& meta) {
    tips.push_back(tip_record{e, meta.timestamp_ms, false});
    if (tips.size() > tip_limits::tips_kept)
      tips.pop_front();
    if (campaign && campaign->active() && !e.campaign.empty() && campaign->data.id == e.campaign)
      campaign->raised += e.amount;
  }
  void apply(const tips_ev::reversed& e, const event_meta&) {
    if (auto* t = find_tip(e.payment); t && !t->refunded) {
      t->refunded = true;
      // The campaign it counted towards gives the amount back, ended or not.
      if (campaign && !t->data.campaign.empty() && campaign->data.id == t->data.campaign)
        campaign->raised -= t->data.amount;
    }
    if (auto* g = find_gift(e.payment))
      g->reversed = true;
  }
  void apply(const tips_ev::campaign_started& e, const event_meta& meta) {
    campaign = campaign_record{e, 0, meta.timestamp_ms, "active"};
    ++campaigns_started;
  }
  void apply(const tips_ev::campaign_ended& e, const event_meta&) {
    if (campaign && campaign->data.id == e.id)
      campaign->status = e.status;
  }
  void apply(const tips_ev::gift_received& e, const event_meta& meta) {
    gifts.push_back(gift_record{e, meta.timestamp_ms, e.item != "points", false});
    if (gifts.size() > tip_limits::gifts_kept)
      gifts.pop_front();
  }
  void apply(const tips_ev::gift_credited& e, const event_meta&) {
    if (auto* g = find_gift(e.payment))
      g->credited = true;
  }
};

}  // namespace aethex::actors
