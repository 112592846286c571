// Stripe API requests as data (stripe_requests.hpp).
#include "actors/payments/stripe_requests.hpp"

#include <array>

namespace aethex::actors::stripe {
namespace {

void percent_encode(std::string& out, std::string_view text, bool keep_brackets) {
  constexpr std::array<char, 16> hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                     '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  for (unsigned char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' ||
                 (keep_brackets && (c == '[' || c == ']'));
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
}

std::string lower(std::string_view text) {
  std::string out{text};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

api_request post(std::string_view secret_key, std::string path, const form_fields& fields,
                 std::string idempotency_key) {
  api_request r{"POST", std::move(path), {}, form_encode(fields)};
  r.headers = {{"Authorization", "Bearer " + std::string{secret_key}},
               {"Stripe-Version", std::string{api_version}},
               {"Content-Type", "application/x-www-form-urlencoded"}};
  if (!idempotency_key.empty())
    r.headers.emplace_back("Idempotency-Key", std::move(idempotency_key));
  return r;
}

void add_metadata(form_fields& fields, std::string_view prefix, const form_fields& metadata) {
  for (const auto& [key, value] : metadata)
    fields.emplace_back(std::string{prefix} + "[" + key + "]", value);
}

form_fields session_fields(const checkout_session_params& p, bool subscription) {
  const std::string item = "line_items[0]";
  form_fields f{{"mode", subscription ? "subscription" : "payment"},
                {"success_url", p.success_url},
                {"cancel_url", p.cancel_url},
                {"client_reference_id", p.checkout},
                {item + "[quantity]", std::to_string(p.item.quantity)},
                {item + "[price_data][currency]", lower(p.item.currency)},
                {item + "[price_data][unit_amount]", std::to_string(p.item.unit_amount)},
                {item + "[price_data][product_data][name]", p.item.name}};
  if (subscription)
    f.emplace_back(item + "[price_data][recurring][interval]",
                   p.item.interval.empty() ? "month" : p.item.interval);
  if (!p.customer.empty())
    f.emplace_back("customer", p.customer);
  else if (!p.customer_email.empty())
    f.emplace_back("customer_email", p.customer_email);
  form_fields metadata{{"checkout", p.checkout}};
  metadata.insert(metadata.end(), p.metadata.begin(), p.metadata.end());
  add_metadata(f, "metadata", metadata);
  // The PaymentIntent (or the Subscription) carries the checkout id too: payment_intent.* and
  // charge.* events name it without a lookup of the session.
  if (subscription) {
    add_metadata(f, "subscription_data[metadata]", metadata);
  } else {
    add_metadata(f, "payment_intent_data[metadata]", metadata);
    if (p.save_method)
      f.emplace_back("payment_intent_data[setup_future_usage]", "off_session");
  }
  return f;
}

}  // namespace

std::string form_encode(const form_fields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty())
      out.push_back('&');
    percent_encode(out, key, true);
    out.push_back('=');
    percent_encode(out, value, false);
  }
  return out;
}

api_request checkout_session_payment(std::string_view secret_key,
                                     const checkout_session_params& p) {
  return post(secret_key, "/v1/checkout/sessions", session_fields(p, false),
              "checkout:" + p.checkout);
}

api_request checkout_session_subscription(std::string_view secret_key,
                                          const checkout_session_params& p) {
  return post(secret_key, "/v1/checkout/sessions", session_fields(p, true),
              "checkout:" + p.checkout);
}

api_request payment_intent_off_session(std::string_view secret_key,
                                       const payment_intent_params& p) {
  form_fields f{
    {"amount", std::to_string(p.amount)}, {"currency", lower(p.currency)}, {"customer", p.customer},
    {"payment_method", p.payment_method}, {"off_session", "true"},         {"confirm", "true"}};
  if (!p.description.empty())
    f.emplace_back("description", p.description);
  add_metadata(f, "metadata", p.metadata);
  return post(secret_key, "/v1/payment_intents", f, "charge:" + p.key);
}

api_request subscription_create(std::string_view secret_key, const subscription_params& p) {
  form_fields f{{"customer", p.customer}, {"items[0][price]", p.price}};
  if (!p.default_payment_method.empty())
    f.emplace_back("default_payment_method", p.default_payment_method);
  add_metadata(f, "metadata", p.metadata);
  return post(secret_key, "/v1/subscriptions", f, "subscription:" + p.key);
}

api_request express_account(std::string_view secret_key, const express_account_params& p) {
  form_fields f{{"type", "express"},
                {"country", p.country},
                {"capabilities[card_payments][requested]", "true"},
                {"capabilities[transfers][requested]", "true"}};
  if (!p.email.empty())
    f.emplace_back("email", p.email);
  f.emplace_back("metadata[channel]", p.channel);
  return post(secret_key, "/v1/accounts", f, "account:" + p.channel);
}

api_request account_link(std::string_view secret_key, std::string_view account,
                         std::string_view refresh_url, std::string_view return_url) {
  form_fields f{{"account", std::string{account}},
                {"refresh_url", std::string{refresh_url}},
                {"return_url", std::string{return_url}},
                {"type", "account_onboarding"}};
  return post(secret_key, "/v1/account_links", f, {});
}

api_request transfer_to_account(std::string_view secret_key, const transfer_params& p) {
  form_fields f{{"amount", std::to_string(p.amount)},
                {"currency", lower(p.currency)},
                {"destination", p.destination},
                {"metadata[payout]", p.payout}};
  return post(secret_key, "/v1/transfers", f, "transfer:" + p.payout);
}

api_request refund(std::string_view secret_key, std::string_view payment_intent,
                   std::string_view payment) {
  form_fields f{{"payment_intent", std::string{payment_intent}},
                {"metadata[payment]", std::string{payment}}};
  return post(secret_key, "/v1/refunds", f, "refund:" + std::string{payment});
}

}  // namespace aethex::actors::stripe
