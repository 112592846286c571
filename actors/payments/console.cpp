// payments/<provider> in the admin console: one payment with its marks, the retry tick, a refund.
#include <caf/all.hpp>

#include "actors/payments/internal.hpp"
#include "actors/payments/provider.hpp"

namespace aethex::actors {

using namespace console;

adapter payments_adapter() {
  adapter a;
  a.kind = "payments";
  a.summary = "the payment provider (sandbox or stripe): checkouts, payments, refunds";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("payment", {{"payment"}}, "One payment: its fields, split and booking/fulfilment marks.",
        "ask payments/sandbox payment pay_0123456789abcdef01234567",
        message_of_args(payment_get_atom::value), as_json);
  a.send("tick", {}, "Retries the bookings, holds and fulfilments still waiting for an answer.",
         "send payments/sandbox tick", message_of_args(payment_tick_atom::value), as_json);
  a.send("refund", {{"payment"}}, "Refunds a payment in full (booked in the ledger).",
         "send payments/sandbox refund pay_0123456789abcdef01234567",
         message_of_args(payment_refund_atom::value), as_json);
  return a;
}

}  // namespace aethex::actors
