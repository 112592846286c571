// The rest of payments/<provider>'s protocol (checkout.hpp has what other domains ask): the pay
// page, the payer's cards and history, the operator's refunds and disputes, Stripe's events and
// the retry tick. JSON text in and out (docs/payments.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <caf/atom.hpp>
#include <caf/expected.hpp>

#include "actors/core/outbound_http.hpp"
#include "actors/payments/checkout.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/node_config.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using payment_checkout_get_atom = caf::atom_constant<caf::atom("paycsget")>;
using payment_pay_atom = caf::atom_constant<caf::atom("paypay")>;
using payment_authenticate_atom = caf::atom_constant<caf::atom("payauth")>;
using payment_methods_atom = caf::atom_constant<caf::atom("paymethods")>;
using payment_method_remove_atom = caf::atom_constant<caf::atom("paypmdel")>;
using payment_history_atom = caf::atom_constant<caf::atom("payhistory")>;
using payment_refund_atom = caf::atom_constant<caf::atom("payrefund")>;
using payment_dispute_atom = caf::atom_constant<caf::atom("paydispute")>;
using payment_stripe_apply_atom = caf::atom_constant<caf::atom("paystripe")>;
using payment_tick_atom = caf::atom_constant<caf::atom("paytick")>;
using payment_get_atom = caf::atom_constant<caf::atom("payget")>;

/// payments/<provider> as the pay routes, the webhook and the console see it.
///  (payment_checkout_get_atom, checkout, payer)  -> the checkout as the payer sees it | not_found
///  (payment_pay_atom, checkout, payer, card)     -> {"status", "code"?, "message"?, "payment"?}
///      card = {"behaviour", "brand", "last4", "exp_month", "exp_year", "save"} (checked by the
///      route: sandbox_cards.hpp); answered once the payment is durable and booked
///  (payment_authenticate_atom, checkout, payer, approve) -> as pay, for a 3-D Secure checkout
///  (payment_methods_atom, user)                  -> {"methods": [...]}
///  (payment_method_remove_atom, user, pm)        -> {"removed": true} | not_found
///  (payment_history_atom, user, limit)           -> {"payments": [...]} newest first
///  (payment_refund_atom, payment)                -> {"payment", "status": "refunded"} | conflict
///  (payment_dispute_atom, payment, outcome)      -> {"payment", "dispute": "won"|"lost"}
///  (payment_stripe_apply_atom, type, object)     -> {"applied": bool, "why"?}
///  (payment_get_atom, payment)                   -> the payment record | not_found
///  (payment_tick_atom)                           -> {"pending": n} after retrying what waits
struct payments_protocol {
  static constexpr std::string_view kind = "payments";
  static std::string reply_to(payment_checkout_get_atom, std::string checkout, std::string payer);
  static std::string reply_to(payment_pay_atom, std::string checkout, std::string payer,
                              std::string card);
  static std::string reply_to(payment_authenticate_atom, std::string checkout, std::string payer,
                              bool approve);
  static std::string reply_to(payment_methods_atom, std::string user);
  static std::string reply_to(payment_method_remove_atom, std::string user, std::string pm);
  static std::string reply_to(payment_history_atom, std::string user, std::uint32_t limit);
  static std::string reply_to(payment_refund_atom, std::string payment);
  static std::string reply_to(payment_dispute_atom, std::string payment, std::string outcome);
  static std::string reply_to(payment_stripe_apply_atom, std::string type, std::string object);
  static std::string reply_to(payment_get_atom, std::string payment);
  static std::string reply_to(payment_tick_atom);
};

/// Bounds of the provider entity.
inline constexpr std::int64_t checkout_open_ms = 30 * 60 * 1000;  // an open checkout expires
inline constexpr std::size_t max_open_checkouts_per_payer = 20;
inline constexpr std::size_t max_methods_per_user = 10;
inline constexpr std::size_t max_waiting_deliveries = 10'000;  // fulfilments and notices
inline constexpr std::size_t max_history = 100;

/// The kind "payments": entity id = provider ("sandbox" or "stripe").
void add_payment_provider_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                               const runtime::node_config& config,
                               const runtime::clock& clock = runtime::system_clock(),
                               http_sender send_http = {});  // empty: Stripe is unreachable

}  // namespace aethex::actors
