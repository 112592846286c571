// payments/<provider>'s events and state (provider.cpp applies them; docs/payments.md).
//
// Events: payments.checkout_opened {checkout}, payments.checkout_action {"checkout","card"} (3-D
// Secure asked: the card's class, brand, last 4 and expiry wait; "card" empty = cleared),
// payments.payment_recorded {payment} (a succeeded payment; its checkout completes),
// payments.payment_marked {"payment","mark","reason"} (booked, hold_told, fulfilled, reversed,
// reversal_told, dispute_opened, dispute_won, dispute_lost), payments.method_saved {method},
// payments.method_removed {"method"}.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/payments/provider.hpp"

namespace aethex::actors::payments {

struct checkout_rec {
  std::string id, key, payer, channel, product;
  std::int64_t amount = 0;
  std::string currency, description, fulfil_kind, fulfil_id;
  std::string metadata = "{}";  // JSON object text, handed back to the seller
  bool save_method = false;
  std::string return_path;
  std::int64_t expires_ms = 0;
  std::string session, session_url;  // stripe mode: the Checkout Session (cs_… at Stripe)
  // Not in the opening event: what happened since.
  std::string payment;      // set once paid
  std::string action_card;  // the card waiting for 3-D Secure (JSON), else empty
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(checkout_rec, id, key, payer, channel, product,
                                                amount, currency, description, fulfil_kind,
                                                fulfil_id, metadata, save_method, return_path,
                                                expires_ms, session, session_url)

struct payment_rec {
  std::string id, checkout, key, payer, channel, product;
  std::int64_t amount = 0;
  std::string currency, description, fulfil_kind, fulfil_id;
  std::string metadata = "{}";
  std::string payment_method;  // pm_… or empty
  std::string external;        // Stripe's PaymentIntent id, or empty
  std::int64_t at_ms = 0;
  std::int64_t share = 0, cut = 0, fee = 0;  // fixed when recorded: settings may change later
  std::int64_t release_at_ms = 0;
  // Marks.
  bool booked = false, hold_told = false, fulfilled = false, reversal_told = false;
  std::string reversed;  // "", "refund" or "dispute_lost"
  std::string dispute;   // "", "open", "won" or "lost"
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(payment_rec, id, checkout, key, payer, channel,
                                                product, amount, currency, description, fulfil_kind,
                                                fulfil_id, metadata, payment_method, external,
                                                at_ms, share, cut, fee, release_at_ms)

struct method_rec {
  std::string id, user, brand, last4;
  int exp_month = 0, exp_year = 0;
  std::string behaviour;  // the sandbox card's class (sandbox_cards.hpp)
  std::string customer;   // stripe mode: the cus_… the pm_… (Stripe's id) is attached to
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(method_rec, id, user, brand, last4, exp_month,
                                                exp_year, behaviour, customer)

namespace ev {
struct checkout_opened {
  static constexpr std::string_view type = "payments.checkout_opened";
  static constexpr std::uint32_t schema = 1;
  checkout_rec checkout;
};
inline void to_json(nlohmann::json& j, const checkout_opened& e) { j = e.checkout; }
inline void from_json(const nlohmann::json& j, checkout_opened& e) { j.get_to(e.checkout); }

struct checkout_action {
  static constexpr std::string_view type = "payments.checkout_action";
  static constexpr std::uint32_t schema = 1;
  std::string checkout, card;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(checkout_action, checkout, card)

struct payment_recorded {
  static constexpr std::string_view type = "payments.payment_recorded";
  static constexpr std::uint32_t schema = 1;
  payment_rec payment;
};
inline void to_json(nlohmann::json& j, const payment_recorded& e) { j = e.payment; }
inline void from_json(const nlohmann::json& j, payment_recorded& e) { j.get_to(e.payment); }

struct payment_marked {
  static constexpr std::string_view type = "payments.payment_marked";
  static constexpr std::uint32_t schema = 1;
  std::string payment, mark, reason;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(payment_marked, payment, mark, reason)

struct method_saved {
  static constexpr std::string_view type = "payments.method_saved";
  static constexpr std::uint32_t schema = 1;
  method_rec method;
};
inline void to_json(nlohmann::json& j, const method_saved& e) { j = e.method; }
inline void from_json(const nlohmann::json& j, method_saved& e) { j.get_to(e.method); }

struct method_removed {
  static constexpr std::string_view type = "payments.method_removed";
  static constexpr std::uint32_t schema = 1;
  std::string method;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(method_removed, method)
}  // namespace ev

struct provider_state {
  static constexpr std::string_view kind = "payments";
  static inline const char* name = "payments";
  using events = event_list<ev::checkout_opened, ev::checkout_action, ev::payment_recorded,
                            ev::payment_marked, ev::method_saved, ev::method_removed>;

  std::unordered_map<std::string, checkout_rec> checkouts;
  std::unordered_map<std::string, std::string> checkout_by_key;
  std::deque<std::string> open_order;  // unpaid checkouts, oldest first (expiry order)
  std::unordered_map<std::string, payment_rec> payments;
  std::unordered_map<std::string, std::string> payment_by_key;       // charges' keys
  std::unordered_map<std::string, std::string> payment_by_external;  // Stripe's pi_…
  std::unordered_map<std::string, std::deque<std::string>> history;  // newest last, bounded
  std::unordered_map<std::string, method_rec> methods;
  std::unordered_map<std::string, std::vector<std::string>> methods_by_user;
  std::set<std::string> unsettled;  // payments with a step left (booking, notices)

  bool settled(const payment_rec& p) const {
    bool held = p.hold_told || p.share == 0;
    return p.booked && held && p.fulfilled && (p.reversed.empty() || p.reversal_told);
  }
  void track(const payment_rec& p) {
    if (settled(p))
      unsettled.erase(p.id);
    else
      unsettled.insert(p.id);
  }

  // Unpaid checkouts past their expiry go, with their keys: what bounds the open ones.
  void expire_checkouts(std::int64_t now_ms) {
    while (!open_order.empty()) {
      auto it = checkouts.find(open_order.front());
      if (it != checkouts.end() && it->second.payment.empty()) {
        if (it->second.expires_ms > now_ms)
          return;
        checkout_by_key.erase(it->second.key);
        checkouts.erase(it);
      }
      open_order.pop_front();
    }
  }
  std::size_t open_checkouts_of(const std::string& payer, std::int64_t now_ms) const {
    std::size_t n = 0;
    for (const auto& id : open_order)
      if (auto it = checkouts.find(id); it != checkouts.end() && it->second.payer == payer &&
                                        it->second.payment.empty() &&
                                        it->second.expires_ms > now_ms)
        ++n;
    return n;
  }

  void apply(const ev::checkout_opened& e, const event_meta& meta) {
    expire_checkouts(meta.timestamp_ms);
    checkout_by_key[e.checkout.key] = e.checkout.id;
    checkouts[e.checkout.id] = e.checkout;
    open_order.push_back(e.checkout.id);
  }
  void apply(const ev::checkout_action& e, const event_meta&) {
    if (auto it = checkouts.find(e.checkout); it != checkouts.end())
      it->second.action_card = e.card;
  }
  void apply(const ev::payment_recorded& e, const event_meta&) {
    const auto& p = e.payment;
    if (auto it = checkouts.find(p.checkout); it != checkouts.end()) {
      it->second.payment = p.id;
      it->second.action_card.clear();
    }
    if (!p.key.empty() && p.checkout.empty())
      payment_by_key[p.key] = p.id;
    if (!p.external.empty())
      payment_by_external[p.external] = p.id;
    auto& mine = history[p.payer];
    mine.push_back(p.id);
    if (mine.size() > max_history)
      mine.pop_front();
    track(payments[p.id] = p);
  }
  void apply(const ev::payment_marked& e, const event_meta&) {
    auto it = payments.find(e.payment);
    if (it == payments.end())
      return;
    auto& p = it->second;
    if (e.mark == "booked")
      p.booked = true;
    else if (e.mark == "hold_told")
      p.hold_told = true;
    else if (e.mark == "fulfilled")
      p.fulfilled = true;
    else if (e.mark == "reversed")
      p.reversed = e.reason;
    else if (e.mark == "reversal_told")
      p.reversal_told = true;
    else if (e.mark == "dispute_opened")
      p.dispute = "open";
    else if (e.mark == "dispute_won")
      p.dispute = "won";
    else if (e.mark == "dispute_lost")
      p.dispute = "lost";
    track(p);
  }
  void apply(const ev::method_saved& e, const event_meta&) {
    methods[e.method.id] = e.method;
    methods_by_user[e.method.user].push_back(e.method.id);
  }
  // Everything, so activation reads one snapshot and a short tail instead of every payment's
  // events; the derived indexes are rebuilt.
  std::string snapshot() const {
    using nlohmann::json;
    json cs = json::array();
    for (const auto& [id, c] : checkouts) {
      json j = c;
      j["paid_by"] = c.payment;
      j["action_card"] = c.action_card;
      cs.push_back(std::move(j));
    }
    json ps = json::array();
    for (const auto& [id, p] : payments) {
      json j = p;
      j["marks"] = {p.booked, p.hold_told, p.fulfilled, p.reversal_told, p.reversed, p.dispute};
      ps.push_back(std::move(j));
    }
    json ms = json::array();
    for (const auto& [user, list] : methods_by_user)
      for (const auto& pm : list)
        ms.push_back(methods.at(pm));
    return json{{"checkouts", std::move(cs)},
                {"open", open_order},
                {"payments", std::move(ps)},
                {"history", history},
                {"methods", std::move(ms)}}
      .dump();
  }
  void restore(const std::string& text) {
    auto j = nlohmann::json::parse(text);
    *this = provider_state{};
    for (const auto& c : j.at("checkouts")) {
      auto rec = c.get<checkout_rec>();
      rec.payment = c.value("paid_by", "");
      rec.action_card = c.value("action_card", "");
      checkout_by_key[rec.key] = rec.id;
      checkouts[rec.id] = std::move(rec);
    }
    j.at("open").get_to(open_order);
    for (const auto& p : j.at("payments")) {
      auto rec = p.get<payment_rec>();
      const auto& m = p.at("marks");
      rec.booked = m.at(0).get<bool>();
      rec.hold_told = m.at(1).get<bool>();
      rec.fulfilled = m.at(2).get<bool>();
      rec.reversal_told = m.at(3).get<bool>();
      rec.reversed = m.at(4).get<std::string>();
      rec.dispute = m.at(5).get<std::string>();
      if (!rec.key.empty() && rec.checkout.empty())
        payment_by_key[rec.key] = rec.id;
      if (!rec.external.empty())
        payment_by_external[rec.external] = rec.id;
      track(payments[rec.id] = std::move(rec));
    }
    j.at("history").get_to(history);
    for (const auto& m : j.at("methods"))
      apply(ev::method_saved{m.get<method_rec>()}, event_meta{});
  }

  void apply(const ev::method_removed& e, const event_meta&) {
    auto it = methods.find(e.method);
    if (it == methods.end())
      return;
    auto& list = methods_by_user[it->second.user];
    std::erase(list, e.method);
    if (list.empty())
      methods_by_user.erase(it->second.user);
    methods.erase(it);
  }
};

}  // namespace aethex::actors::payments
