// Stripe API requests, built without I/O (docs/payments.md#stripe-requests): method, path,
// headers (Authorization, Stripe-Version, Idempotency-Key derived from our own ids so a retry
// is the same request to Stripe) and the form-encoded body in Stripe's bracket notation
// (line_items[0][price_data][unit_amount]=500), the way Stripe's own libraries send it.
//
// Sending them is not here: actors/ may not do network I/O; the provider hands them to the
// node's outbound transport (node_env::send_http, provider_stripe_api.cpp). Checkout Sessions,
// off-session PaymentIntents and refunds are sent, Transfers by payouts (payout_transfer.hpp);
// Connect accounts and their onboarding links are only built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aethex::actors::stripe {

/// Stripe-Version every request pins, so an account's default version cannot change answers.
inline constexpr std::string_view api_version = "2024-06-20";

using form_fields = std::vector<std::pair<std::string, std::string>>;

struct api_request {
  std::string method;  // "POST"
  std::string path;    // "/v1/checkout/sessions"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // application/x-www-form-urlencoded
};

/// key=value pairs joined by '&'; keys keep '[' and ']' literal (as Stripe documents them),
/// everything else outside A-Z a-z 0-9 - . _ ~ is percent-encoded (a space as %20).
std::string form_encode(const form_fields& fields);

struct line_item {
  std::string name;            // shown on Stripe Checkout
  std::int64_t unit_amount{};  // minor units
  std::string currency;        // ISO 4217, any case (sent lower-case)
  std::int64_t quantity = 1;
  std::string interval;  // subscription mode: "month" | "year"
};

struct checkout_session_params {
  std::string checkout;  // our cs_… (metadata[checkout], client_reference_id, idempotency)
  line_item item;
  std::string success_url, cancel_url;
  std::string customer;        // cus_… or empty
  std::string customer_email;  // when there is no customer yet
  bool save_method = false;    // payment mode: keep the card for off-session renewals
  form_fields metadata;        // more metadata[...] (channel, product)
};

/// POST /v1/checkout/sessions, mode=payment.
api_request checkout_session_payment(std::string_view secret_key, const checkout_session_params& p);
/// POST /v1/checkout/sessions, mode=subscription (recurring price data).
api_request checkout_session_subscription(std::string_view secret_key,
                                          const checkout_session_params& p);

struct payment_intent_params {
  std::string key;  // our purchase key: Idempotency-Key "charge:<key>"
  std::int64_t amount{};
  std::string currency, customer, payment_method, description;
  form_fields metadata;
};
/// POST /v1/payment_intents confirmed at once, off-session, with a saved payment method.
api_request payment_intent_off_session(std::string_view secret_key, const payment_intent_params& p);

struct subscription_params {
  std::string key;  // Idempotency-Key "subscription:<key>"
  std::string customer, price, default_payment_method;
  form_fields metadata;
};
/// POST /v1/subscriptions.
api_request subscription_create(std::string_view secret_key, const subscription_params& p);

struct express_account_params {
  std::string channel;  // Idempotency-Key "account:<channel>", metadata[channel]
  std::string country, email;
};
/// POST /v1/accounts: a Connect Express account asking for card_payments and transfers.
api_request express_account(std::string_view secret_key, const express_account_params& p);

/// POST /v1/account_links: the onboarding URL of Connect account `account` (not idempotent:
/// each link is single-use, so no Idempotency-Key).
api_request account_link(std::string_view secret_key, std::string_view account,
                         std::string_view refresh_url, std::string_view return_url);

struct transfer_params {
  std::string payout;  // our payout id: Idempotency-Key "transfer:<payout>", metadata[payout]
  std::int64_t amount{};
  std::string currency, destination;  // acct_…
};
/// POST /v1/transfers to a connected account.
api_request transfer_to_account(std::string_view secret_key, const transfer_params& p);

/// POST /v1/refunds: a PaymentIntent refunded in full; Idempotency-Key "refund:<payment>" and
/// metadata[payment] with our payment id.
api_request refund(std::string_view secret_key, std::string_view payment_intent,
                   std::string_view payment);

}  // namespace aethex::actors::stripe
