// Stripe's requests as built here: the exact form-encoded bodies (bracket notation, percent
// encoding), the paths, the pinned Stripe-Version and the Idempotency-Keys derived from our ids.
#include "actors/payments/stripe_requests.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace aethex::actors::stripe;

namespace {

std::string header(const api_request& r, const std::string& name) {
  auto it = std::find_if(r.headers.begin(), r.headers.end(),
                         [&](const auto& h) { return h.first == name; });
  return it == r.headers.end() ? std::string{"(none)"} : it->second;
}

checkout_session_params session() {
  checkout_session_params p;
  p.checkout = "cs_abc";
  p.item = {"Tier 1 sub: alice & co", 499, "USD", 1, {}};
  p.success_url = "https://live.example/pay/cs_abc?done=1";
  p.cancel_url = "https://live.example/c/alice";
  p.customer_email = "bob@example.com";
  p.metadata = {{"channel", "alice"}};
  return p;
}

}  // namespace

TEST_CASE("form encoding keeps brackets and percent-encodes the rest") {
  CHECK(form_encode({{"a[b][0]", "x y&z=é"}, {"k", "~._-"}}) ==
        "a[b][0]=x%20y%26z%3D%C3%A9&k=~._-");
}

TEST_CASE("a Checkout Session in payment mode, saving the card") {
  auto p = session();
  p.save_method = true;
  auto r = checkout_session_payment("sk_test_1", p);
  CHECK(r.method == "POST");
  CHECK(r.path == "/v1/checkout/sessions");
  CHECK(header(r, "Authorization") == "Bearer sk_test_1");
  CHECK(header(r, "Stripe-Version") == api_version);
  CHECK(header(r, "Idempotency-Key") == "checkout:cs_abc");
  CHECK(header(r, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r.body ==
        "mode=payment"
        "&success_url=https%3A%2F%2Flive.example%2Fpay%2Fcs_abc%3Fdone%3D1"
        "&cancel_url=https%3A%2F%2Flive.example%2Fc%2Falice"
        "&client_reference_id=cs_abc"
        "&line_items[0][quantity]=1"
        "&line_items[0][price_data][currency]=usd"
        "&line_items[0][price_data][unit_amount]=499"
        "&line_items[0][price_data][product_data][name]=Tier%201%20sub%3A%20alice%20%26%20co"
        "&customer_email=bob%40example.com"
        "&metadata[checkout]=cs_abc&metadata[channel]=alice"
        "&payment_intent_data[metadata][checkout]=cs_abc"
        "&payment_intent_data[metadata][channel]=alice"
        "&payment_intent_data[setup_future_usage]=off_session");
}

TEST_CASE("a Checkout Session in subscription mode") {
  auto p = session();
  p.customer = "cus_9";
  p.item.interval = "month";
  auto r = checkout_session_subscription("sk_test_1", p);
  CHECK(r.body ==
        "mode=subscription"
        "&success_url=https%3A%2F%2Flive.example%2Fpay%2Fcs_abc%3Fdone%3D1"
        "&cancel_url=https%3A%2F%2Flive.example%2Fc%2Falice"
        "&client_reference_id=cs_abc"
        "&line_items[0][quantity]=1"
        "&line_items[0][price_data][currency]=usd"
        "&line_items[0][price_data][unit_amount]=499"
        "&line_items[0][price_data][product_data][name]=Tier%201%20sub%3A%20alice%20%26%20co"
        "&line_items[0][price_data][recurring][interval]=month"
        "&customer=cus_9"
        "&metadata[checkout]=cs_abc&metadata[channel]=alice"
        "&subscription_data[metadata][checkout]=cs_abc"
        "&subscription_data[metadata][channel]=alice");
}

TEST_CASE(
  "PaymentIntent off-session, Subscription, Express account, Account Link, Transfer, Refund") {
  auto pi = payment_intent_off_session(
    "sk_test_1", {"sub:bob:alice:2", 499, "USD", "cus_9", "pm_1", "Renewal", {{"checkout", ""}}});
  CHECK(pi.path == "/v1/payment_intents");
  CHECK(header(pi, "Idempotency-Key") == "charge:sub:bob:alice:2");
  CHECK(pi.body ==
        "amount=499&currency=usd&customer=cus_9&payment_method=pm_1&off_session=true"
        "&confirm=true&description=Renewal&metadata[checkout]=");

  auto sub = subscription_create("sk_test_1", {"k1", "cus_9", "price_1", "pm_1", {{"tier", "1"}}});
  CHECK(sub.path == "/v1/subscriptions");
  CHECK(sub.body ==
        "customer=cus_9&items[0][price]=price_1&default_payment_method=pm_1&metadata[tier]=1");

  auto account = express_account("sk_test_1", {"alice", "US", "alice@example.com"});
  CHECK(account.path == "/v1/accounts");
  CHECK(header(account, "Idempotency-Key") == "account:alice");
  CHECK(account.body ==
        "type=express&country=US&capabilities[card_payments][requested]=true"
        "&capabilities[transfers][requested]=true&email=alice%40example.com"
        "&metadata[channel]=alice");

  auto link = account_link("sk_test_1", "acct_1", "https://x.example/r", "https://x.example/ok");
  CHECK(link.path == "/v1/account_links");
  CHECK(header(link, "Idempotency-Key") == "(none)");
  CHECK(link.body ==
        "account=acct_1&refresh_url=https%3A%2F%2Fx.example%2Fr"
        "&return_url=https%3A%2F%2Fx.example%2Fok&type=account_onboarding");

  auto transfer = transfer_to_account("sk_test_1", {"po_7", 12345, "EUR", "acct_1"});
  CHECK(transfer.path == "/v1/transfers");
  CHECK(header(transfer, "Idempotency-Key") == "transfer:po_7");
  CHECK(transfer.body == "amount=12345&currency=eur&destination=acct_1&metadata[payout]=po_7");

  auto back = refund("sk_test_1", "pi_1", "pay_7");
  CHECK(back.path == "/v1/refunds");
  CHECK(header(back, "Idempotency-Key") == "refund:pay_7");
  CHECK(back.body == "payment_intent=pi_1&metadata[payment]=pay_7");
}
