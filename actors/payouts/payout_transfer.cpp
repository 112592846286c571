#include "actors/payouts/payout_transfer.hpp"

#include "actors/payments/stripe_requests.hpp"

namespace aethex::actors::payout_transfer {

outbound_request request(const payout_settings& settings, const std::string& account,
                         const payout_events::payout& p) {
  auto built = stripe::transfer_to_account(settings.stripe_api_key,
                                           {p.transfer, p.amount, p.currency, account});
  outbound_request out{std::move(built.method), settings.stripe_api_base + built.path,
                       std::move(built.headers), std::move(built.body)};
  out.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return out;
}

outcome interpret(long status, const nlohmann::json& body) {
  // Stripe's own advice: 429 and 5xx are worth retrying with the same Idempotency-Key.
  if (status == 0 || status == 429 || status >= 500 || !body.is_object())
    return {verdict::unreachable, {}};
  if (status >= 200 && status < 300) {
    auto id = body.find("id");
    if (id != body.end() && id->is_string() && id->get<std::string>().starts_with("tr_"))
      return {verdict::sent, {}};
    return {verdict::unreachable, {}};
  }
  std::string message = "Stripe refused the transfer";
  if (auto e = body.find("error"); e != body.end() && e->is_object()) {
    auto text = e->find("message");
    if (text != e->end() && text->is_string())
      message += ": " + text->get<std::string>().substr(0, 200);
  }
  return {verdict::refused, message};
}

}  // namespace aethex::actors::payout_transfer
