// The ledger requests of a payment's booking and reversal (booking.hpp).
#include "actors/payments/booking.hpp"

namespace aethex::actors::payments {
namespace {

using json = nlohmann::json;

std::int64_t basis_points_of(std::int64_t amount, unsigned bp) {
  // Half up, in integers: amounts are at most 2^53, bp at most 10000, so no overflow.
  return (amount * static_cast<std::int64_t>(bp) + 5000) / 10000;
}

json leg(std::string id, std::string_view debit, std::string_view credit, std::int64_t amount,
         std::string_view code) {
  return json{{"id", std::move(id)},
              {"debit", debit},
              {"credit", credit},
              {"amount", amount},
              {"code", code}};
}

// Links every leg of a chain to the next (the last one closes it).
json chain(json legs) {
  for (std::size_t i = 0; i + 1 < legs.size(); ++i)
    legs[i]["linked"] = true;
  return json{{"transfers", std::move(legs)}};
}

std::string ids(std::string_view prefix, std::string_view payment) {
  return std::string{prefix} + std::string{payment};
}

}  // namespace

payment_split split_payment(std::int64_t amount, std::string_view product,
                            const runtime::monetization_config& money) {
  unsigned cut_bp = product == "tip"    ? money.tip_cut_bp
                    : product == "gift" ? money.gift_cut_bp
                                        : money.sub_cut_bp;
  payment_split s;
  s.cut = std::min(amount, basis_points_of(amount, std::min(cut_bp, 10000u)));
  s.fee = std::clamp<std::int64_t>(basis_points_of(amount, money.fee_bp) + money.fee_fixed, 0,
                                   amount - s.cut);
  s.share = amount - s.cut - s.fee;
  return s;
}

std::string provider_account(std::string_view provider) {
  return "provider:" + std::string{provider};
}
std::string earnings_account(std::string_view channel) {
  return "channel:" + std::string{channel} + ":earnings";
}

json booking_accounts(std::string_view provider, std::string_view channel,
                      std::string_view currency) {
  auto account = [&](std::string id) {
    return json{{"id", std::move(id)}, {"currency", currency}};
  };
  auto earnings = account(earnings_account(channel));
  earnings["debits_must_not_exceed_credits"] = true;
  return json{{"accounts", json::array({account(provider_account(provider)), std::move(earnings),
                                        account(std::string{revenue_account}),
                                        account(std::string{processing_account})})}};
}

json booking_transfers(const booking_input& in) {
  auto from = provider_account(in.provider);
  json legs = json::array();
  if (in.split.share > 0) {
    auto earn = leg(ids("earn:", in.payment), from, earnings_account(in.channel), in.split.share,
                    in.product);
    earn["pending"] = true;
    earn["timeout_s"] = 0;  // the hold ends when payouts posts it, not by a timeout
    legs.push_back(std::move(earn));
  }
  if (in.split.cut > 0)
    legs.push_back(leg(ids("cut:", in.payment), from, revenue_account, in.split.cut, in.product));
  if (in.split.fee > 0)
    legs.push_back(leg(ids("fee:", in.payment), from, processing_account, in.split.fee,
                       in.product));
  return chain(std::move(legs));
}

json reversal_void(std::string_view payment) {
  return json{{"transfers", json::array({json{{"id", ids("void:", payment)},
                                              {"void", ids("earn:", payment)}}})}};
}

json reversal_from_earnings(const booking_input& in, std::string_view reason) {
  return chain(json::array({leg(ids("rev:earn:", in.payment), earnings_account(in.channel),
                                provider_account(in.provider), in.split.share, reason)}));
}

json reversal_from_revenue(const booking_input& in) {
  return chain(json::array({leg(ids("rev:short:", in.payment), revenue_account,
                                provider_account(in.provider), in.split.share,
                                "earnings_shortfall")}));
}

json reversal_cut_and_fee(const booking_input& in, std::string_view reason) {
  auto to = provider_account(in.provider);
  json legs = json::array();
  if (in.split.cut > 0)
    legs.push_back(leg(ids("rev:cut:", in.payment), revenue_account, to, in.split.cut, reason));
  if (in.split.fee > 0)
    legs.push_back(leg(ids("rev:fee:", in.payment), processing_account, to, in.split.fee, reason));
  return legs.empty() ? json{} : chain(std::move(legs));
}

bool ledger_all_ok(const json& answer) {
  auto it = answer.find("results");
  if (it == answer.end() || !it->is_array())
    return false;
  for (std::size_t i = 0; i < it->size(); ++i)
    if (auto s = ledger_status(answer, i); s != "ok" && s != "exists")
      return false;
  return true;
}

std::string ledger_status(const json& answer, std::size_t i) {
  auto it = answer.find("results");
  if (it == answer.end() || !it->is_array() || i >= it->size() || !(*it)[i].is_object())
    return {};
  return (*it)[i].value("status", "");
}

}  // namespace aethex::actors::payments
