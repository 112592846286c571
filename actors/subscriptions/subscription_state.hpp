// What subscriptions/<channel> stores: its tiers and one record per subscriber, built from its
// events (subscriptions.hpp lists them). Internal to the subscriptions domain and its tests.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/subscriptions/subscriptions.hpp"

namespace aethex::actors::subs {

using json = nlohmann::json;

struct tier_info {
  int tier = 1;
  std::string name;
  std::int64_t price = 0;
  bool enabled = true;
};

inline const char* tier_id(int tier) { return tier == 3 ? "vip" : tier == 2 ? "premium" : "basic"; }

inline std::array<tier_info, 3> default_tiers() {
  return {tier_info{1, "Basic", 499, true}, tier_info{2, "Premium", 999, true},
          tier_info{3, "VIP", 2499, true}};
}

namespace ev {
struct tiers_set {
  static constexpr std::string_view type = "subscriptions.tiers_set";
  static constexpr std::uint32_t schema = 1;
  std::vector<tier_info> tiers;
  std::string by;
};
inline void to_json(json& j, const tiers_set& e) {
  json list = json::array();
  for (auto& t : e.tiers)
    list.push_back(json{
      {"tier", t.tier}, {"name", t.name}, {"price", t.price}, {"enabled", t.enabled}});
  j = json{{"tiers", list}, {"by", e.by}};
}
inline void from_json(const json& j, tiers_set& e) {
  for (auto& t : j.at("tiers"))
    e.tiers.push_back(tier_info{t.at("tier").get<int>(), t.value("name", ""),
                                t.value("price", std::int64_t{0}), t.value("enabled", true)});
  e.by = j.value("by", "");
}

struct granted {
  static constexpr std::string_view type = "subscriptions.granted";
  static constexpr std::uint32_t schema = 1;
  std::string payment;
  std::string user;
  int tier = 1;
  std::string kind;  // subscribe, renew, upgrade, gift
  std::string gifted_by;
  bool anonymous = false;
  std::string payment_method;  // kept for renewals when not empty
  std::int64_t period_end_ms = 0;
};
inline void to_json(json& j, const granted& e) {
  j = json{{"payment", e.payment},
           {"user", e.user},
           {"tier", e.tier},
           {"kind", e.kind},
           {"gifted_by", e.gifted_by},
           {"anonymous", e.anonymous},
           {"payment_method", e.payment_method},
           {"period_end_ms", e.period_end_ms}};
}
inline void from_json(const json& j, granted& e) {
  e.payment = j.at("payment").get<std::string>();
  e.user = j.at("user").get<std::string>();
  e.tier = j.at("tier").get<int>();
  e.kind = j.value("kind", "subscribe");
  e.gifted_by = j.value("gifted_by", "");
  e.anonymous = j.value("anonymous", false);
  e.payment_method = j.value("payment_method", "");
  e.period_end_ms = j.at("period_end_ms").get<std::int64_t>();
}

struct past_due {
  static constexpr std::string_view type = "subscriptions.past_due";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  int attempt = 1;  // failed renewal charges of this period so far
  std::int64_t retry_at_ms = 0;
  std::int64_t grace_until_ms = 0;
  std::string code;
};
inline void to_json(json& j, const past_due& e) {
  j = json{{"user", e.user},
           {"attempt", e.attempt},
           {"retry_at_ms", e.retry_at_ms},
           {"grace_until_ms", e.grace_until_ms},
           {"code", e.code}};
}
inline void from_json(const json& j, past_due& e) {
  e.user = j.at("user").get<std::string>();
  e.attempt = j.value("attempt", 1);
  e.retry_at_ms = j.value("retry_at_ms", std::int64_t{0});
  e.grace_until_ms = j.value("grace_until_ms", std::int64_t{0});
  e.code = j.value("code", "");
}

struct cancel_set {
  static constexpr std::string_view type = "subscriptions.cancel_set";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  bool cancel = true;
};
inline void to_json(json& j, const cancel_set& e) {
  j = json{{"user", e.user}, {"cancel", e.cancel}};
}
inline void from_json(const json& j, cancel_set& e) {
  e.user = j.at("user").get<std::string>();
  e.cancel = j.value("cancel", true);
}

struct ended {
  static constexpr std::string_view type = "subscriptions.ended";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string reason;  // canceled, gift_ended, payment_failed, refund, dispute_lost, ...
};
inline void to_json(json& j, const ended& e) { j = json{{"user", e.user}, {"reason", e.reason}}; }
inline void from_json(const json& j, ended& e) {
  e.user = j.at("user").get<std::string>();
  e.reason = j.value("reason", "");
}
}  // namespace ev

struct record {
  std::string user;
  int tier = 1;
  std::uint32_t months = 0;
  std::string status = "active";  // active, past_due, ended
  std::int64_t started_ms = 0;
  std::int64_t period_end_ms = 0;
  std::int64_t ended_ms = 0;
  bool cancel = false;
  std::string payment_method;
  std::string gifted_by;
  std::string end_reason;
  int attempt = 0;
  std::int64_t retry_at_ms = 0;
  std::int64_t grace_until_ms = 0;
  std::uint64_t changes = 0;  // events applied to this record: part of checkout keys

  bool live() const { return status != "ended"; }
  bool renews() const { return !payment_method.empty() && !cancel; }
};

struct state {
  static constexpr std::string_view kind = "subscriptions";
  static inline const char* name = "subscriptions";
  using events = event_list<ev::tiers_set, ev::granted, ev::past_due, ev::cancel_set, ev::ended>;

  std::array<tier_info, 3> tiers = default_tiers();
  std::map<std::string, record> records;
  std::set<std::string> payments;  // applied payment ids (the newest remembered_payments)
  std::deque<std::string> payment_order;
  std::map<std::string, std::vector<std::string>> paid_users;  // payment -> recipients
  // In memory: renewal charges on their way, by user.
  std::set<std::string> charging;

  bool keep_active() const { return !charging.empty(); }

  const tier_info* tier(int n) const { return n >= 1 && n <= 3 ? &tiers[n - 1] : nullptr; }
  const record* find(const std::string& user) const {
    auto it = records.find(user);
    return it == records.end() ? nullptr : &it->second;
  }

  void apply(const ev::tiers_set& e, const event_meta&) {
    for (auto& t : e.tiers)
      if (t.tier >= 1 && t.tier <= 3)
        tiers[t.tier - 1] = t;
  }
  void apply(const ev::granted& e, const event_meta& meta) {
    auto& r = records[e.user];
    if (r.user.empty() || !r.live()) {
      r = record{};
      r.user = e.user;
      r.started_ms = meta.timestamp_ms;
    }
    r.tier = e.tier;
    r.months += 1;
    r.status = "active";
    r.period_end_ms = e.period_end_ms;
    r.attempt = 0;
    r.retry_at_ms = r.grace_until_ms = 0;
    if (e.kind == "gift") {
      r.gifted_by = e.anonymous ? "" : e.gifted_by;
    } else {
      r.gifted_by.clear();
      if (!e.payment_method.empty())
        r.payment_method = e.payment_method;
      if (e.kind == "subscribe" || e.kind == "upgrade")
        r.cancel = false;
    }
    ++r.changes;
    remember_payment(e.payment, e.user);
    prune();
  }
  void apply(const ev::past_due& e, const event_meta&) {
    auto& r = records[e.user];
    r.status = "past_due";
    r.attempt = e.attempt;
    r.retry_at_ms = e.retry_at_ms;
    r.grace_until_ms = e.grace_until_ms;
    ++r.changes;
  }
  void apply(const ev::cancel_set& e, const event_meta&) {
    auto& r = records[e.user];
    r.cancel = e.cancel;
    ++r.changes;
  }
  void apply(const ev::ended& e, const event_meta& meta) {
    auto& r = records[e.user];
    r.status = "ended";
    r.ended_ms = meta.timestamp_ms;
    r.end_reason = e.reason;
    r.cancel = false;
    r.payment_method.clear();
    r.attempt = 0;
    ++r.changes;
  }

  void remember_payment(const std::string& payment, const std::string& user) {
    if (payments.insert(payment).second)
      payment_order.push_back(payment);
    paid_users[payment].push_back(user);
    while (payment_order.size() > subscription_limits::remembered_payments) {
      payments.erase(payment_order.front());
      paid_users.erase(payment_order.front());
      payment_order.pop_front();
    }
  }
  // A snapshot every few hundred events: renewals add events every month for ever.
  std::string snapshot() const {
    json recs = json::array();
    for (auto& [_, r] : records)
      recs.push_back(json{{"user", r.user},
                          {"tier", r.tier},
                          {"months", r.months},
                          {"status", r.status},
                          {"started_ms", r.started_ms},
                          {"period_end_ms", r.period_end_ms},
                          {"ended_ms", r.ended_ms},
                          {"cancel", r.cancel},
                          {"payment_method", r.payment_method},
                          {"gifted_by", r.gifted_by},
                          {"end_reason", r.end_reason},
                          {"attempt", r.attempt},
                          {"retry_at_ms", r.retry_at_ms},
                          {"grace_until_ms", r.grace_until_ms},
                          {"changes", r.changes}});
    json tiers_j = json::array();
    for (auto& t : tiers)
      tiers_j.push_back(json{
        {"tier", t.tier}, {"name", t.name}, {"price", t.price}, {"enabled", t.enabled}});
    json paid = json::array();
    for (auto& p : payment_order)
      paid.push_back(json{{"payment", p}, {"users", paid_users.at(p)}});
    return json{{"records", recs}, {"tiers", tiers_j}, {"payments", paid}}.dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object())
      return;
    for (auto& t : j.value("tiers", json::array()))
      if (auto n = t.value("tier", 0); n >= 1 && n <= 3)
        tiers[n - 1] = tier_info{n, t.value("name", ""), t.value("price", std::int64_t{0}),
                                 t.value("enabled", true)};
    for (auto& x : j.value("records", json::array())) {
      record r;
      r.user = x.value("user", "");
      r.tier = x.value("tier", 1);
      r.months = x.value("months", std::uint32_t{0});
      r.status = x.value("status", "ended");
      r.started_ms = x.value("started_ms", std::int64_t{0});
      r.period_end_ms = x.value("period_end_ms", std::int64_t{0});
      r.ended_ms = x.value("ended_ms", std::int64_t{0});
      r.cancel = x.value("cancel", false);
      r.payment_method = x.value("payment_method", "");
      r.gifted_by = x.value("gifted_by", "");
      r.end_reason = x.value("end_reason", "");
      r.attempt = x.value("attempt", 0);
      r.retry_at_ms = x.value("retry_at_ms", std::int64_t{0});
      r.grace_until_ms = x.value("grace_until_ms", std::int64_t{0});
      r.changes = x.value("changes", std::uint64_t{0});
      if (!r.user.empty())
        records[r.user] = std::move(r);
    }
    for (auto& p : j.value("payments", json::array())) {
      auto id = p.value("payment", "");
      if (id.empty() || !payments.insert(id).second)
        continue;
      payment_order.push_back(id);
      paid_users[id] = p.value("users", std::vector<std::string>{});
    }
  }

  // Past the bound, ended subscribers are forgotten (their months start again).
  void prune() {
    if (records.size() <= subscription_limits::max_records)
      return;
    std::erase_if(records, [](auto& kv) { return !kv.second.live(); });
  }
};

}  // namespace aethex::actors::subs
