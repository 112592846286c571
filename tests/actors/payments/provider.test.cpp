// payments/<provider> over a test node (payments_node.hpp): every sandbox card's outcome through
// the pay routes, the booking's legs and amounts by product in ledger/main, idempotent keys,
// fulfilment repeated until the seller answers, refunds during the hold, lost disputes, saved
// cards charged off-session, and Stripe's completion applied once.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "actors/payments/booking.hpp"
#include "actors/payments/provider.hpp"
#include "actors/payments/provider_state.hpp"
#include "actors/payments/sandbox_cards.hpp"
#include "tests/actors/payments/payments_node.hpp"
#include "tests/actors/payments/stripe_signing.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;
using http_method = actors::http_method;

namespace {

json purchase(const std::string& key, const std::string& product = "sub", std::int64_t amount = 500,
              bool save = false) {
  return json{{"key", key},
              {"payer", "bob"},
              {"channel", "alice"},
              {"product", product},
              {"amount", amount},
              {"description", "Tier 1 subscription to alice"},
              {"fulfil", {{"kind", "shop"}, {"id", "alice"}}},
              {"metadata", {{"tier", 1}}},
              {"save_method", save},
              {"return_path", "/c/alice"}};
}

json card(const std::string& number, const std::string& cvc = "123") {
  return json{{"card_number", number}, {"exp_month", 12}, {"exp_year", 2035}, {"cvc", cvc}};
}

std::string open_checkout(test::payments_node& n, const json& request) {
  auto answer = n.provider(checkout_create_atom::value, request.dump());
  REQUIRE(answer["status"] == "open");
  if (n.config.money.provider == "sandbox")
    CHECK(answer["url"] == "/pay/" + answer["checkout"].get<std::string>());
  return answer["checkout"];
}

// Stands in for Stripe's API: records each request and answers like Stripe (a session; a
// PaymentIntent that succeeded, or Stripe's error for pm_decline; no answer at all for pm_down).
struct fake_stripe {
  std::mutex mutex;
  std::vector<outbound_request> requests;
  http_sender sender() {
    return [this](outbound_request r, std::function<void(caf::expected<outbound_response>)> done) {
      {
        std::lock_guard lock(mutex);
        requests.push_back(r);
      }
      if (r.url.ends_with("/v1/refunds"))
        done(outbound_response{200, R"({"id":"re_1","object":"refund","status":"succeeded"})"});
      else if (r.url.ends_with("/v1/checkout/sessions"))
        done(outbound_response{200, R"({"id":"cs_test_1","object":"checkout.session",)"
                                    R"("url":"https://checkout.stripe.test/cs_test_1"})"});
      else if (r.body.find("payment_method=pm_down") != std::string::npos)
        done(make_error(errc::unavailable, "connection refused"));
      else if (r.body.find("payment_method=pm_decline") != std::string::npos)
        done(outbound_response{402, R"({"error":{"code":"card_declined",)"
                                    R"("decline_code":"insufficient_funds","message":"No."}})"});
      else
        done(outbound_response{200, R"({"id":"pi_off_1","status":"succeeded"})"});
    };
  }
  outbound_request last() {
    std::lock_guard lock(mutex);
    REQUIRE(!requests.empty());
    return requests.back();
  }
};

std::string header_of(const outbound_request& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name)
      return v;
  return {};
}

test::pay_answer pay(test::payments_node& n, const std::string& cs, const json& body) {
  return n.call(http_method::post, "payments/checkouts/" + cs + "/pay", "bob", body);
}

// Ticks until `done` holds (each tick retries what waits; the notices it sends are answered
// asynchronously, so there is no one reply to wait for). At most 10 s on a loaded machine.
template <class Done>
bool tick_until(test::payments_node& n, Done done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    n.provider(payment_tick_atom::value);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace

TEST_CASE("cards: Luhn, expiry, CVC and Stripe's test numbers") {
  using namespace actors::sandbox;
  std::int64_t dec_2026 = 1796083200000;  // 2026-12-01
  CHECK(luhn_valid("4242424242424242"));
  CHECK_FALSE(luhn_valid("4242424242424241"));
  auto ok = check_card("4242 4242 4242 4242", 12, 26, "123", dec_2026);
  REQUIRE(ok);
  CHECK(ok->behaviour == card_class::succeeds);
  CHECK(ok->last4 == "4242");
  CHECK(ok->exp_year == 2026);
  CHECK(check_card("4000002500003155", 1, 2030, "1234", dec_2026)->behaviour ==
        card_class::requires_3ds);
  CHECK(check_card("5555555555554444", 1, 2030, "123", dec_2026)->behaviour ==
        card_class::not_a_test_card);
  CHECK(reason_of(check_card("4242424242424241", 12, 2030, "123", dec_2026).error()) ==
        "invalid_number");
  CHECK(reason_of(check_card("4242424242424242", 11, 2026, "123", dec_2026).error()) ==
        "expired_card");
  CHECK(reason_of(check_card("4242424242424242", 13, 2030, "123", dec_2026).error()) ==
        "invalid_expiry_month");
  CHECK(reason_of(check_card("4242424242424242", 12, 2030, "12", dec_2026).error()) ==
        "invalid_cvc");
  CHECK(off_session_decline(card_class::declines_later) == "card_declined");
  CHECK(off_session_decline(card_class::requires_3ds) == "authentication_required");
}

TEST_CASE("the split by product: cut, fee half up and capped, the share the rest") {
  runtime::monetization_config money;  // sub 50 %, tip 0 %, gift 50 %, fee 2.9 % + 30
  auto sub = payments::split_payment(499, "sub", money);
  CHECK(sub.cut == 250);  // 249.5 rounds up
  CHECK(sub.fee == 14 + 30);
  CHECK(sub.share == 499 - 250 - 44);
  auto tip = payments::split_payment(500, "tip", money);
  CHECK((tip.cut == 0 && tip.fee == 45 && tip.share == 455));
  auto tiny = payments::split_payment(50, "gift", money);  // the fee takes what the cut leaves
  CHECK((tiny.cut == 25 && tiny.fee == 25 && tiny.share == 0));
  auto legs = payments::booking_transfers({"pay_x", "sandbox", "alice", "gift", tiny});
  REQUIRE(legs["transfers"].size() == 2);  // no zero leg
  CHECK(legs["transfers"][0]["id"] == "cut:pay_x");
  CHECK(legs["transfers"][0]["linked"] == true);
  CHECK_FALSE(legs["transfers"][1].contains("linked"));
}

TEST_CASE("declines, bad cards, then 4242: booked, held, fulfilled; the key answers the same") {
  test::payments_node n;
  auto cs = open_checkout(n, purchase("sub:bob:1"));
  auto seen = n.call(http_method::get, "payments/checkouts/" + cs, "bob");
  REQUIRE(seen.status == 200);
  CHECK(seen.body["amount"] == 500);
  CHECK(seen.body["description"] == "Tier 1 subscription to alice");
  CHECK(seen.body["return_path"] == "/c/alice");
  CHECK(n.call(http_method::get, "payments/checkouts/" + cs, "eve").error == errc::not_found);

  auto declined = pay(n, cs, card("4000000000000002"));
  CHECK(declined.body == json{{"status", "failed"},
                              {"code", "card_declined"},
                              {"message", "Your card was declined."}});
  CHECK(pay(n, cs, card("4000000000009995")).body["code"] == "insufficient_funds");
  auto other = pay(n, cs, card("5555555555554444"));
  CHECK(other.body["code"] == "card_declined");
  CHECK(other.body["message"].get<std::string>().find("/payments/test-cards") != std::string::npos);
  CHECK(pay(n, cs, card("4242424242424241")).error == errc::invalid_argument);
  CHECK(pay(n, cs, card("4242424242424242", "12")).error == errc::invalid_argument);
  auto expired = card("4242424242424242");
  expired["exp_year"] = 2001;
  CHECK(pay(n, cs, expired).message == "the card has expired");

  auto paid = pay(n, cs, card("4242424242424242"));
  REQUIRE(paid.status == 200);
  REQUIRE(paid.body["status"] == "succeeded");
  std::string id = paid.body["payment"];
  // Booked before the answer: 500 = 205 share (pending) + 250 cut + 45 fee.
  CHECK(n.account("channel:alice:earnings")["credits_pending"] == 205);
  CHECK(n.account("platform:revenue")["credits_posted"] == 250);
  CHECK(n.account("platform:processing")["credits_posted"] == 45);
  CHECK(n.account("provider:sandbox")["debits_posted"] == 295);
  CHECK(n.account("provider:sandbox")["debits_pending"] == 205);

  REQUIRE(tick_until(n, [&] {
    return n.log->with([](auto& l) { return !l.fulfilled.empty() && !l.holds.empty(); });
  }));
  n.log->with([&](auto& l) {
    CHECK(l.fulfilled[0]["payment"] == id);
    CHECK(l.fulfilled[0]["checkout"] == cs);
    CHECK(l.fulfilled[0]["metadata"] == json{{"tier", 1}});
    CHECK(l.fulfilled[0]["payer"] == "bob");
    CHECK(l.holds[0]["transfer"] == "earn:" + id);
    CHECK(l.holds[0]["amount"] == 205);
    CHECK(l.holds[0]["release_at_ms"] == n.clock.now_ms() + 15 * 86'400'000LL);
  });
  // The same key: the same checkout, now complete; paying again answers the same payment.
  auto again = n.provider(checkout_create_atom::value, purchase("sub:bob:1").dump());
  CHECK(again["checkout"] == cs);
  CHECK(again["status"] == "complete");
  CHECK(pay(n, cs, card("4242424242424242")).body["payment"] == id);
  CHECK(n.account("platform:revenue")["credits_posted"] == 250);
  auto history = n.call(http_method::get, "payments/history", "bob");
  REQUIRE(history.body["payments"].size() == 1);
  CHECK(history.body["payments"][0]["status"] == "succeeded");
  n.log->with([](auto& l) { CHECK(l.fulfilled.size() == 1); });
}

TEST_CASE("3-D Secure: fail, then complete; saved cards charged off-session by their class") {
  test::payments_node n;
  auto cs = open_checkout(n, purchase("sub:bob:3ds", "sub", 500, true));
  auto asked = pay(n, cs, card("4000002500003155"));
  CHECK(asked.body["status"] == "requires_action");
  auto auth = [&](bool approve) {
    return n.call(http_method::post, "payments/checkouts/" + cs + "/authenticate", "bob",
                  json{{"approve", approve}});
  };
  CHECK(auth(false).body["code"] == "authentication_failed");
  CHECK(auth(false).error == errc::conflict);  // nothing waits any more
  CHECK(pay(n, cs, card("4000002500003155")).body["status"] == "requires_action");
  auto done = auth(true);
  REQUIRE(done.body["status"] == "succeeded");

  auto methods = n.call(http_method::get, "payments/methods", "bob").body["methods"];
  REQUIRE(methods.size() == 1);
  CHECK(methods[0]["last4"] == "3155");
  CHECK_FALSE(methods[0].dump().find("4000002500003155") != std::string::npos);
  std::string pm_3ds = methods[0]["method"];

  // 0341: saved, and its first checkout succeeds.
  auto cs2 = open_checkout(n, purchase("sub:bob:0341", "sub", 500, true));
  REQUIRE(pay(n, cs2, card("4000000000000341")).body["status"] == "succeeded");
  methods = n.call(http_method::get, "payments/methods", "bob").body["methods"];
  REQUIRE(methods.size() == 2);
  std::string pm_0341 = methods[1]["method"];

  auto charge = [&](const std::string& key, const std::string& pm) {
    auto request = purchase(key);
    request["payment_method"] = pm;
    return n.provider(payment_charge_atom::value, request.dump());
  };
  auto off_3ds = charge("renew:1", pm_3ds);
  CHECK(off_3ds == json{{"payment", nullptr},
                        {"status", "failed"},
                        {"code", "authentication_required"},
                        {"message",
                         "Your card needs authentication, which cannot happen while "
                         "you are away."}});
  CHECK(charge("renew:2", pm_0341)["code"] == "card_declined");
  CHECK(charge("renew:3", "pm_nothing")["code"] == "payment_method_not_found");

  auto cs3 = open_checkout(n, purchase("sub:bob:4242", "sub", 500, true));
  REQUIRE(pay(n, cs3, card("4242424242424242")).body["status"] == "succeeded");
  std::string pm_ok =
    n.call(http_method::get, "payments/methods", "bob").body["methods"][2]["method"];
  auto renewed = charge("renew:4", pm_ok);
  REQUIRE(renewed["status"] == "succeeded");
  CHECK(charge("renew:4", pm_ok)["payment"] == renewed["payment"]);  // the key: once
  CHECK(n.account("platform:revenue")["credits_posted"] == 4 * 250);

  CHECK(n.call(http_method::del, "payments/methods/" + pm_ok, "eve").error == errc::not_found);
  CHECK(n.call(http_method::del, "payments/methods/" + pm_ok, "bob").status == 200);
  CHECK(n.call(http_method::get, "payments/methods", "bob").body["methods"].size() == 2);
}

TEST_CASE("fulfilment is repeated until the seller answers, once") {
  test::payments_node n;
  n.log->with([](auto& l) { l.refuse = true; });
  auto cs = open_checkout(n, purchase("tip:1", "tip", 1000));
  REQUIRE(pay(n, cs, card("4242424242424242")).body["status"] == "succeeded");
  REQUIRE(tick_until(n, [&] { return n.log->with([](auto& l) { return l.attempts >= 3; }); }));
  n.log->with([](auto& l) {
    CHECK(l.fulfilled.empty());
    l.refuse = false;
  });
  REQUIRE(tick_until(n, [&] { return n.provider(payment_tick_atom::value)["pending"] == 0; }));
  n.log->with([](auto& l) { CHECK(l.fulfilled.size() == 1); });
}

TEST_CASE("a refund during the hold voids it; a lost dispute reverses like a refund") {
  test::payments_node n;
  auto cs = open_checkout(n, purchase("gift:1", "gift", 1000));
  std::string id = pay(n, cs, card("4242424242424242")).body["payment"];
  auto refund = n.call(http_method::post, "admin/payments/" + id + "/refund", "admin");
  REQUIRE(refund.status == 200);
  CHECK(refund.body["status"] == "refunded");
  CHECK(n.account("channel:alice:earnings")["credits_pending"] == 0);
  CHECK(n.account("channel:alice:earnings")["credits_posted"] == 0);
  CHECK(n.account("platform:revenue")["debits_posted"] == 500);
  CHECK(n.account("platform:revenue")["credits_posted"] == 500);
  CHECK(n.call(http_method::post, "admin/payments/" + id + "/refund", "admin").error ==
        errc::conflict);
  REQUIRE(tick_until(n, [&] { return n.log->with([](auto& l) { return !l.reversed.empty(); }); }));
  n.log->with([](auto& l) { CHECK(l.reversed[0]["reason"] == "refund"); });

  // 0259 opens a dispute at once; lost: earnings already posted are taken back.
  auto cs2 = open_checkout(n, purchase("tip:2", "tip", 1000));
  std::string disputed = pay(n, cs2, card("4000000000000259")).body["payment"];
  CHECK(n.call(http_method::get, "admin/payments/" + disputed, "admin").body["dispute"] == "open");
  auto post = json{{"transfers", {{{"id", "post:" + disputed}, {"post", "earn:" + disputed}}}}};
  REQUIRE(n.provider(payment_tick_atom::value).is_object());
  auto posted = n.ask<std::string>("ledger", "main", ledger_transfer_atom::value, post.dump());
  REQUIRE(posted);
  CHECK(n.account("channel:alice:earnings")["credits_posted"] == 1000 - 59);
  CHECK(n.call(http_method::post, "admin/payments/" + disputed + "/dispute", "admin",
               json{{"outcome", "maybe"}})
          .error == errc::invalid_argument);
  auto lost = n.call(http_method::post, "admin/payments/" + disputed + "/dispute", "admin",
                     json{{"outcome", "lost"}});
  REQUIRE(lost.status == 200);
  CHECK(n.account("channel:alice:earnings")["debits_posted"] == 1000 - 59);
  CHECK(n.call(http_method::get, "admin/payments/" + disputed, "admin").body["status"] ==
        "dispute_lost");
  REQUIRE(tick_until(n,
                     [&] { return n.log->with([](auto& l) { return l.reversed.size() == 2; }); }));
  n.log->with([](auto& l) { CHECK(l.reversed[1]["reason"] == "dispute_lost"); });
}

TEST_CASE("Stripe: checkout.session.completed applies once; charge.refunded reverses") {
  fake_stripe stripe;
  test::payments_node n{"stripe", stripe.sender()};
  auto cs = open_checkout(n, purchase("tip:s1", "tip", 700));
  auto sent = stripe.last();
  CHECK(sent.method == "POST");
  CHECK(sent.url == "https://api.stripe.com/v1/checkout/sessions");
  CHECK(header_of(sent, "Authorization") == "Bearer sk_test_unit");
  CHECK(header_of(sent, "Idempotency-Key") == "checkout:" + cs);
  CHECK(sent.body.find("metadata[checkout]=" + cs) != std::string::npos);
  CHECK(sent.body.find("line_items[0][price_data][unit_amount]=700") != std::string::npos);
  // The same key: the same checkout and Stripe's session url, nothing sent again.
  auto again = n.provider(checkout_create_atom::value, purchase("tip:s1", "tip", 700).dump());
  CHECK(again["checkout"] == cs);
  CHECK(again["url"] == "https://checkout.stripe.test/cs_test_1");
  CHECK(stripe.requests.size() == 1);
  CHECK(pay(n, cs, card("4242424242424242")).error == errc::unavailable);  // cards go to Stripe
  auto webhook = [&](const std::string& id, const std::string& type, const json& object,
                     std::int64_t age_s = 0) {
    auto body = json{{"id", id},
                     {"object", "event"},
                     {"type", type},
                     {"created", n.clock.now_ms() / 1000 + age_s},
                     {"data", {{"object", object}}}}
                  .dump();
    return n.call(http_method::post, "payments/stripe/webhook", "", body,
                  {{"stripe-signature", test::stripe_signature_header(
                                          "whsec_payments_test", n.clock.now_ms() / 1000, body)}});
  };
  json session{{"id", "cs_test_1"},        {"object", "checkout.session"},
               {"payment_status", "paid"}, {"amount_total", 700},
               {"payment_intent", "pi_1"}, {"metadata", {{"checkout", cs}}}};
  auto first = webhook("evt_1", "checkout.session.completed", session);
  REQUIRE(first.status == 200);
  CHECK(first.body["applied"] == true);
  CHECK(webhook("evt_1", "checkout.session.completed", session).body["applied"] == false);
  auto stale = webhook("evt_0", "checkout.session.completed", session, -60);
  CHECK(stale.body["stale"] == true);
  CHECK_FALSE(stale.body.contains("applied"));  // not handed to the provider at all
  json intent{{"id", "pi_1"},
              {"object", "payment_intent"},
              {"amount_received", 700},
              {"metadata", {{"checkout", cs}}}};
  CHECK(webhook("evt_2", "payment_intent.succeeded", intent).body["applied"] == false);
  CHECK(n.account("channel:alice:earnings")["credits_pending"] == 700 - 50);
  REQUIRE(tick_until(n, [&] { return n.log->with([](auto& l) { return !l.fulfilled.empty(); }); }));

  // The operator's refund goes to Stripe; the ledger moves once Stripe says it refunded.
  auto payment = n.log->with([](test::seller_log& l) {
    return l.fulfilled.front()["payment"].get<std::string>();
  });
  auto refund = n.call(http_method::post, "admin/payments/" + payment + "/refund", "admin");
  REQUIRE(refund.status == 200);
  CHECK(refund.body["status"] == "refund_requested");
  auto asked = stripe.last();
  CHECK(asked.url == "https://api.stripe.com/v1/refunds");
  CHECK(header_of(asked, "Idempotency-Key") == "refund:" + payment);
  CHECK(asked.body == "payment_intent=pi_1&metadata[payment]=" + payment);
  CHECK(n.account("channel:alice:earnings")["credits_pending"] == 700 - 50);
  json charge{{"id", "ch_1"}, {"object", "charge"}, {"payment_intent", "pi_1"}};
  n.clock.advance(std::chrono::seconds(5));
  CHECK(webhook("evt_3", "charge.refunded", charge).body["applied"] == true);
  CHECK(n.account("channel:alice:earnings")["credits_pending"] == 0);
  CHECK(webhook("evt_4", "charge.refunded", charge).body["applied"] == false);
  n.log->with([](auto& l) { CHECK(l.fulfilled.size() == 1); });
}

TEST_CASE("Stripe Connect: an onboarded account is the channel's; a reversed transfer fails it") {
  test::payments_node n{"stripe"};
  auto webhook = [&](const std::string& id, const std::string& type, const json& object) {
    auto body = json{{"id", id},
                     {"object", "event"},
                     {"type", type},
                     {"created", n.clock.now_ms() / 1000},
                     {"data", {{"object", object}}}}
                  .dump();
    auto answer = n.call(
      http_method::post, "payments/stripe/webhook", "", body,
      {{"stripe-signature",
        test::stripe_signature_header("whsec_payments_test", n.clock.now_ms() / 1000, body)}});
    REQUIRE(answer.status == 200);
    return answer.body.value("applied", false);
  };
  json account{{"id", "acct_1"},
               {"object", "account"},
               {"payouts_enabled", false},
               {"metadata", {{"channel", "alice"}}}};
  CHECK_FALSE(webhook("evt_a1", "account.updated", account));  // still onboarding
  account["payouts_enabled"] = true;
  CHECK(webhook("evt_a2", "account.updated", account));
  json transfer{
    {"id", "tr_1"}, {"object", "transfer"}, {"metadata", {{"payout", "payout:alice:1"}}}};
  CHECK(webhook("evt_t1", "transfer.reversed", transfer));
  transfer["metadata"]["payout"] = "payout:alice:2";  // paid already: recorded, nothing undone
  CHECK_FALSE(webhook("evt_t2", "transfer.reversed", transfer));
  transfer["metadata"]["payout"] = "payout:alice:x";  // not one of ours
  CHECK_FALSE(webhook("evt_t3", "transfer.reversed", transfer));
  n.log->with([](auto& l) {
    CHECK(l.accounts == std::vector<std::string>{"acct_1"});
    CHECK(l.failed_payouts == std::vector<std::uint64_t>{1});
  });
}

TEST_CASE("Stripe: the saved pm_ charged off-session; Stripe's error and no transport fail") {
  fake_stripe stripe;
  test::payments_node n{"stripe", stripe.sender()};
  auto cs = open_checkout(n, purchase("sub:s2", "sub", 500, true));
  CHECK(stripe.last().body.find("payment_intent_data[setup_future_usage]=off_session") !=
        std::string::npos);
  auto body = json{{"id", "evt_pi"},
                   {"object", "event"},
                   {"type", "payment_intent.succeeded"},
                   {"created", n.clock.now_ms() / 1000},
                   {"data",
                    {{"object",
                      {{"id", "pi_s2"},
                       {"object", "payment_intent"},
                       {"amount_received", 500},
                       {"payment_method", "pm_card_s2"},
                       {"customer", "cus_s2"},
                       {"metadata", {{"checkout", cs}}}}}}}}
                .dump();
  auto applied = n.call(
    http_method::post, "payments/stripe/webhook", "", body,
    {{"stripe-signature",
      test::stripe_signature_header("whsec_payments_test", n.clock.now_ms() / 1000, body)}});
  REQUIRE(applied.status == 200);
  auto methods = n.call(http_method::get, "payments/methods", "bob").body["methods"];
  REQUIRE(methods.size() == 1);
  CHECK(methods[0]["method"] == "pm_card_s2");

  auto charge = [&](const std::string& key, const std::string& pm) {
    auto request = purchase(key);
    request["payment_method"] = pm;
    return n.provider(payment_charge_atom::value, request.dump());
  };
  auto renewed = charge("renew:s2", "pm_card_s2");
  REQUIRE(renewed["status"] == "succeeded");
  auto sent = stripe.last();
  CHECK(sent.url.ends_with("/v1/payment_intents"));
  CHECK(header_of(sent, "Idempotency-Key") == "charge:renew:s2");
  CHECK(sent.body.find("customer=cus_s2") != std::string::npos);
  CHECK(sent.body.find("off_session=true") != std::string::npos);
  auto payment = n.provider(payment_get_atom::value, renewed["payment"].get<std::string>());
  CHECK(payment["booked"] == true);
  CHECK(charge("renew:s2", "pm_card_s2")["payment"] == renewed["payment"]);  // once per key
  CHECK(stripe.requests.size() == 2);

  // Stripe's error and a transport that cannot reach it: failed, nothing booked.
  auto with_method = [&](const std::string& pm) {
    n.provider(payment_stripe_apply_atom::value, std::string{"payment_intent.succeeded"},
               json{{"id", "pi_" + pm},
                    {"amount_received", 500},
                    {"payment_method", pm},
                    {"metadata",
                     {{"checkout", open_checkout(n, purchase("sub:" + pm, "sub", 500, true))}}}}
                 .dump());
  };
  with_method("pm_decline");
  with_method("pm_down");
  auto declined = charge("renew:d", "pm_decline");
  CHECK(declined["status"] == "failed");
  CHECK(declined["code"] == "insufficient_funds");
  auto down = charge("renew:u", "pm_down");
  CHECK(down["status"] == "failed");
  CHECK(down["code"] == "provider_unavailable");
  CHECK(charge("renew:x", "pm_unknown")["code"] == "payment_method_not_found");
}

TEST_CASE("Stripe mode without a transport: the checkout is refused, not opened") {
  test::payments_node n{"stripe"};
  auto answer = n.ask<std::string>("payments", "stripe", checkout_create_atom::value,
                                   purchase("tip:none", "tip", 700).dump());
  REQUIRE_FALSE(answer);
  CHECK(code_of(answer.error()) == errc::unavailable);
}

TEST_CASE("a snapshot restores checkouts, payments with their marks, saved cards and history") {
  payments::provider_state a;
  payments::checkout_rec c;
  c.id = "cs_1";
  c.key = "k1";
  c.payer = "bob";
  c.expires_ms = 100;
  a.apply(payments::ev::checkout_opened{c}, {1, 1});
  a.apply(payments::ev::checkout_action{"cs_1", R"({"last4":"3155"})"}, {2, 2});
  payments::payment_rec p;
  p.id = "pay_1";
  p.key = "renew:1";
  p.payer = "bob";
  p.external = "pi_1";
  p.share = 10;
  a.apply(payments::ev::payment_recorded{p}, {3, 3});
  a.apply(payments::ev::payment_marked{"pay_1", "booked", {}}, {4, 4});
  a.apply(payments::ev::payment_marked{"pay_1", "reversed", "refund"}, {5, 5});
  a.apply(payments::ev::method_saved{{"pm_1", "bob", "visa", "4242", 12, 2030, "succeeds", {}}},
          {6, 6});

  payments::provider_state b;
  b.restore(a.snapshot());
  CHECK(b.checkouts.at("cs_1").action_card == R"({"last4":"3155"})");
  CHECK(b.checkout_by_key.at("k1") == "cs_1");
  CHECK(b.open_order == std::deque<std::string>{"cs_1"});
  CHECK(b.payments.at("pay_1").booked);
  CHECK(b.payments.at("pay_1").reversed == "refund");
  CHECK(b.payment_by_key.at("renew:1") == "pay_1");
  CHECK(b.payment_by_external.at("pi_1") == "pay_1");
  CHECK(b.unsettled == std::set<std::string>{"pay_1"});
  CHECK(b.methods_by_user.at("bob") == std::vector<std::string>{"pm_1"});
  CHECK(b.history.at("bob") == std::deque<std::string>{"pay_1"});
}
