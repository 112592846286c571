// payouts/<channel> over ledger/main with its routes in-process (tests/actors/api_node.hpp) and
// the manual clock: holds released when the hold ends (the ledger moves the money from pending
// to posted), a refund during the hold drops it, payouts refused below the threshold, without a
// tax form or while one is in flight, reserved then paid after the settle delay, a failure
// voids the reservation, in stripe mode a Transfer to the connected account; the month's
// statement, its CSV and the dashboard's revenue.
#include "actors/payouts/payouts.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/payouts/internal.hpp"
#include "runtime/errors.hpp"
#include "tests/actors/api_node.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;
using enum aethex::actors::http_method;

namespace {

const auto alice = runtime::principal::user("alice");  // owns channel alice
const auto bob = runtime::principal::user("bob");
const auto admin = runtime::principal::admin();
constexpr std::int64_t day_ms = 86'400'000;

json w9() {
  return json{{"form", "W-9"},
              {"legal_name", "Jane Doe"},
              {"tin", "123-45-6789"},
              {"address", "1 Main St, Springfield"},
              {"country", "US"},
              {"signature_name", "Jane Doe"},
              {"signed_at", "2026-12-01"}};
}

struct payouts_api {
  test::api_node node;

  explicit payouts_api(
    const std::function<void(runtime::node_config&, actors::node_env&)>& prepare = {})
      : node{{"payouts", "channel", "ledger", "analytics"}, {}, prepare} {
    REQUIRE(node.ask<std::string>("channel", "alice", create_atom::value, alice,
                                  std::string{"Alice"}));
    ledger(ledger_open_atom::value, json{{"accounts",
                                          {{{"id", "provider:sandbox"}, {"currency", "USD"}},
                                           {{"id", "channel:alice:earnings"},
                                            {"currency", "USD"},
                                            {"debits_must_not_exceed_credits", true}},
                                           {{"id", "platform:revenue"}, {"currency", "USD"}},
                                           {{"id", "platform:processing"}, {"currency", "USD"}}}}});
  }
  json ledger(auto atom, const json& body) {
    auto text = node.ask<std::string>("ledger", "main", atom, body.dump());
    REQUIRE(text);
    return json::parse(*text);
  }
  json account() {
    auto text = node.ask<std::string>("ledger", "main", ledger_account_atom::value,
                                      std::string{"channel:alice:earnings"});
    REQUIRE(text);
    return json::parse(*text);
  }
  // A payment booked as payments books it (earn pending, cut, fee, linked), then its hold.
  void earn(const std::string& payment, std::int64_t net, std::int64_t cut, std::int64_t fee,
            const std::string& product, std::int64_t hold_ms = 15 * day_ms) {
    auto leg = [&](const char* prefix, const char* credit, std::int64_t amount) {
      return json{{"id", prefix + payment}, {"debit", "provider:sandbox"},
                  {"credit", credit},       {"amount", amount},
                  {"code", product},        {"linked", true}};
    };
    auto earn = leg("earn:", "channel:alice:earnings", net);
    earn["pending"] = true;
    json legs = json::array({earn});
    if (cut > 0)
      legs.push_back(leg("cut:", "platform:revenue", cut));
    if (fee > 0)
      legs.push_back(leg("fee:", "platform:processing", fee));
    legs.back().erase("linked");  // the chain ends at its last leg
    auto booked = ledger(ledger_transfer_atom::value, json{{"transfers", legs}});
    REQUIRE(booked["results"][0]["status"] == "ok");
    auto held = node.ask<std::string>("payouts", "alice", earnings_held_atom::value,
                                      json{{"payment", payment},
                                           {"transfer", "earn:" + payment},
                                           {"amount", net},
                                           {"currency", "USD"},
                                           {"release_at_ms", node.clock.now_ms() + hold_ms}}
                                        .dump());
    REQUIRE(held);
    CHECK(json::parse(*held)["held"] == true);
  }
  json tick() {
    auto text = node.ask<std::string>("payouts", "alice", payout_tick_atom::value);
    REQUIRE(text);
    return json::parse(*text);
  }
  // The reason a payout request is refused with (errc::conflict), "" when it is not.
  std::string refusal() {
    auto r = node.ask<std::string>("payouts", "alice", payout_request_atom::value,
                                   std::string{"alice"});
    if (r)
      return "";
    CHECK(code_of(r.error()) == errc::conflict);
    return reason_of(r.error()) + ": " + message_of(r.error());
  }
};

}  // namespace

TEST_CASE("a hold is posted when it ends; a refund during the hold drops it") {
  payouts_api t;
  t.earn("pay_1", 470, 0, 30, "tip");
  t.earn("pay_2", 2000, 2300, 700, "sub");
  auto again = t.node.ask<std::string>("payouts", "alice", earnings_held_atom::value,
                                       json{{"payment", "pay_1"},
                                            {"transfer", "earn:pay_1"},
                                            {"amount", 470},
                                            {"currency", "USD"},
                                            {"release_at_ms", t.node.clock.now_ms()}}
                                         .dump());
  CHECK(again);  // a repeat changes nothing: still due after 15 days, not now

  CHECK(t.tick()["released"] == 0);
  CHECK(t.account()["credits_pending"] == 2470);
  // The waker's question: which channels have a hold due by then (none yet, alice in 15 days).
  auto due = [&](std::int64_t at) {
    auto rows = t.node.query("payouts.open_channels", json{{"now", at}});
    REQUIRE(rows);
    return rows->size();
  };
  CHECK(due(t.node.clock.now_ms()) == 0);
  CHECK(due(t.node.clock.now_ms() + 15 * day_ms) == 1);
  auto status = t.node.call(get, "channels/alice/payouts", alice);
  REQUIRE(status.status == 200);
  CHECK(status.body["on_hold"] == 2470);
  CHECK(status.body["available"] == 0);

  // pay_2 is refunded while on hold: payments voids its pending transfer.
  auto voided = t.ledger(ledger_transfer_atom::value,
                         json{{"transfers", {{{"id", "void:pay_2"}, {"void", "earn:pay_2"}}}}});
  REQUIRE(voided["results"][0]["status"] == "ok");

  t.node.clock.advance(std::chrono::milliseconds(15 * day_ms - 1000));
  CHECK(t.tick()["released"] == 0);
  t.node.clock.advance(1s);
  auto counts = t.tick();
  CHECK(counts["released"] == 1);
  CHECK(counts["dropped"] == 1);
  auto a = t.account();
  CHECK(a["credits_posted"] == 470);
  CHECK(a["credits_pending"] == 0);
  CHECK(t.tick()["released"] == 0);  // nothing left on hold
  status = t.node.call(get, "channels/alice/payouts", alice);
  CHECK(status.body["available"] == 470);
  CHECK(status.body["on_hold"] == 0);
  CHECK(t.node.call(get, "channels/alice/payouts", bob).error == errc::forbidden);
}

TEST_CASE("payouts: refused below the threshold, without a tax form, in flight; paid; failed") {
  payouts_api t;
  t.earn("pay_1", 3000, 0, 0, "tip", 0);
  t.tick();
  CHECK(t.refusal().starts_with("tax_form_required"));
  REQUIRE(t.node.call(put, "channels/alice/tax-form", alice, w9()).status == 200);
  auto below = t.refusal();
  CHECK(below.starts_with("below_threshold"));
  CHECK(below.find("below the payout threshold of 50.00") != std::string::npos);
  CHECK(t.node.call(post, "channels/alice/payouts", alice).error == errc::conflict);

  t.earn("pay_2", 3000, 0, 0, "tip", 0);
  t.tick();
  auto requested = t.node.call(post, "channels/alice/payouts", alice);
  REQUIRE(requested.status == 201);
  CHECK(requested.body["amount"] == 6000);
  CHECK(requested.body["status"] == "pending");
  CHECK(requested.body["id"] == "payout:alice:1");
  auto a = t.account();
  CHECK(a["debits_pending"] == 6000);  // reserved: it cannot be paid out twice
  CHECK(t.refusal().starts_with("payout_in_flight"));

  t.node.clock.advance(30s);
  CHECK(t.tick()["paid"] == 0);
  t.node.clock.advance(31s);
  CHECK(t.tick()["paid"] == 1);
  a = t.account();
  CHECK(a["debits_posted"] == 6000);
  CHECK(a["debits_pending"] == 0);
  auto history = t.node.call(get, "channels/alice/payouts", alice).body;
  REQUIRE(history["payouts"].size() == 1);
  CHECK(history["payouts"][0]["status"] == "paid");
  CHECK(history["payouts"][0]["paid_at_ms"] == t.node.clock.now_ms());
  CHECK(history["available"] == 0);

  // The provider fails the second payout: the reservation is voided, the money is back.
  t.earn("pay_3", 5000, 0, 0, "sub", 0);
  t.tick();
  REQUIRE(t.node.call(post, "channels/alice/payouts", alice).status == 201);
  CHECK(t.node.call(post, "admin/payouts/alice/2/fail", alice).error == errc::unauthorized);
  auto failed = t.node.call(post, "admin/payouts/alice/2/fail", admin, json{{"reason", "bank"}});
  REQUIRE(failed.status == 200);
  CHECK(failed.body["status"] == "failed");
  CHECK(t.node.call(post, "admin/payouts/alice/2/fail", admin).error == errc::conflict);
  CHECK(t.node.call(post, "admin/payouts/alice/9/fail", admin).error == errc::not_found);
  a = t.account();
  CHECK(a["debits_pending"] == 0);
  CHECK(t.node.call(get, "channels/alice/payouts", alice).body["available"] == 5000);
  t.node.clock.advance(2min);
  CHECK(t.tick()["paid"] == 0);  // a failed payout is never posted

  // The Stripe connected account: a payout becomes a Transfer to it in stripe mode.
  CHECK(t.node
          .call(put, "channels/alice/payouts/account", alice, json{{"stripe_account", "bank-123"}})
          .error == errc::invalid_argument);
  auto set = t.node.call(put, "channels/alice/payouts/account", alice,
                         json{{"stripe_account", "acct_1AbC"}});
  REQUIRE(set.status == 200);
  CHECK(t.node.call(get, "channels/alice/payouts", alice).body["stripe_account"] == "acct_1AbC");
}

// Stands in for Stripe's API: records each Transfer request and answers `answer` (status, body).
struct fake_transfers {
  std::mutex mutex;
  std::vector<outbound_request> sent;
  std::pair<long, std::string> answer{200, R"({"id":"tr_1","object":"transfer"})"};
  http_sender sender() {
    return [this](outbound_request r, std::function<void(caf::expected<outbound_response>)> done) {
      std::lock_guard lock{mutex};
      sent.push_back(std::move(r));
      done(outbound_response{answer.first, answer.second});
    };
  }
  std::size_t count() {
    std::lock_guard lock{mutex};
    return sent.size();
  }
};

TEST_CASE("stripe mode: a payout is a Transfer to the connected account; a refusal voids it") {
  fake_transfers stripe;
  payouts_api t{[&](runtime::node_config& config, actors::node_env& env) {
    config.money.provider = "stripe";
    config.money.stripe_api_key = "sk_test_payouts";
    config.money.stripe_api_base = "https://stripe.test";
    env.send_http = stripe.sender();
  }};
  REQUIRE(t.node.call(put, "channels/alice/tax-form", alice, w9()).status == 200);
  REQUIRE(
    t.node.call(put, "channels/alice/payouts/account", alice, json{{"stripe_account", "acct_1AbC"}})
      .status == 200);
  t.earn("pay_1", 6000, 0, 0, "tip", 0);
  t.tick();
  REQUIRE(t.node.call(post, "channels/alice/payouts", alice).status == 201);
  // Each check sends the Transfer (once); its answer posts the reservation.
  auto paid = [&] {
    for (int i = 0; i < 500; ++i) {
      t.tick();
      auto history = t.node.call(get, "channels/alice/payouts", alice).body;
      if (history["payouts"][0]["status"] != "pending")  // newest first
        return history["payouts"][0]["status"].get<std::string>();
      std::this_thread::sleep_for(2ms);  // the answer travels as a message
    }
    return std::string{"pending"};
  };
  CHECK(paid() == "paid");
  REQUIRE(stripe.count() == 1);
  auto& sent = stripe.sent.front();
  CHECK(sent.url == "https://stripe.test/v1/transfers");
  CHECK(sent.body ==
        "amount=6000&currency=usd&destination=acct_1AbC&metadata[payout]=payout%3Aalice%3A1");
  bool keyed = false;
  for (auto& [k, v] : sent.headers)
    keyed = keyed || (k == "Idempotency-Key" && v == "transfer:payout:alice:1");
  CHECK(keyed);
  CHECK(t.account()["debits_posted"] == 6000);

  // Stripe refuses the next one: the reservation is voided and the money is available again.
  stripe.answer = {400, R"({"error":{"code":"balance_insufficient","message":"No funds."}})"};
  t.earn("pay_2", 7000, 0, 0, "tip", 0);
  t.tick();
  REQUIRE(t.node.call(post, "channels/alice/payouts", alice).status == 201);
  CHECK(paid() == "failed");
  CHECK(stripe.count() == 2);
  auto history = t.node.call(get, "channels/alice/payouts", alice).body;
  CHECK(history["payouts"][0]["reason"].get<std::string>().find("No funds.") != std::string::npos);
  CHECK(history["available"] == 7000);
  CHECK(t.account()["debits_pending"] == 0);
}

TEST_CASE("the month's statement, its CSV and the dashboard's revenue come from the ledger") {
  payouts_api t;
  auto month = month_of_ms(t.node.clock.now_ms());
  t.earn("pay_a", 2000, 2300, 700, "sub", 0);  // a 50.00 sub: 50 % cut, fee
  t.earn("pay_b", 470, 0, 30, "tip");          // a 5.00 tip, still on hold
  t.earn("pay_c", 940, 0, 60, "tip");          // refunded during the hold
  t.ledger(ledger_transfer_atom::value,
           json{{"transfers", {{{"id", "void:pay_c"}, {"void", "earn:pay_c"}}}}});
  t.tick();

  auto s = t.node.call(get, "channels/alice/earnings?month=" + month, alice);
  REQUIRE(s.status == 200);
  auto& totals = s.body["totals"];
  CHECK(totals["gross"] == 5500);
  CHECK(totals["cut"] == 2300);
  CHECK(totals["fee"] == 730);
  CHECK(totals["net"] == 2470);
  CHECK(totals["on_hold"] == 470);
  CHECK(totals["refunded"] == 1000);
  REQUIRE(s.body["products"].size() == 2);
  CHECK(s.body["products"][0]["product"] == "sub");
  CHECK(s.body["products"][1]["net"] == 470);
  REQUIRE(s.body["payments"].size() == 3);
  CHECK(t.node.call(get, "channels/alice/earnings?month=2026-13", alice).error ==
        errc::invalid_argument);
  CHECK(t.node.call(get, "channels/alice/earnings", bob).error == errc::forbidden);

  auto csv = t.node.call(get, "channels/alice/earnings.csv?month=" + month, alice);
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type.starts_with("text/csv"));
  CHECK(csv.text.starts_with("date,payment,product,gross,cut,fee,net,status\r\n"));
  CHECK(csv.text.find(",pay_a,sub,50.00,23.00,7.00,20.00,released\r\n") != std::string::npos);
  CHECK(csv.text.find(",pay_b,tip,5.00,0.00,0.30,4.70,held\r\n") != std::string::npos);
  CHECK(csv.text.find(",pay_c,tip,10.00,0.00,0.60,9.40,refunded\r\n") != std::string::npos);

  // A refund after the hold ended: payments takes the net back from the earnings (rev:earn:).
  auto back = t.ledger(ledger_transfer_atom::value, json{{"transfers",
                                                          {{{"id", "rev:earn:pay_a"},
                                                            {"debit", "channel:alice:earnings"},
                                                            {"credit", "provider:sandbox"},
                                                            {"amount", 2000},
                                                            {"code", "refund"}}}}});
  REQUIRE(back["results"][0]["status"] == "ok");
  s = t.node.call(get, "channels/alice/earnings?month=" + month, alice);
  CHECK(s.body["totals"]["net"] == 470);
  CHECK(s.body["totals"]["refunded"] == 6000);
  t.earn("pay_d", 2000, 2300, 700, "sub", 0);  // the dashboard below counts this one
  t.tick();

  t.node.clock.advance(1s);  // the dashboard's range ends now, exclusive
  auto d = t.node.call(get, "channels/alice/analytics?bucket=day", alice);
  REQUIRE(d.status == 200);
  REQUIRE(d.body["revenue"].is_object());
  CHECK(d.body["revenue"]["totals"][0]["amount_minor"] == 2470);  // refunds left out
  std::int64_t tips = 0;
  for (auto& r : d.body["revenue"]["by_product"])
    if (r["product"] == "tip")
      tips += r["amount_minor"].get<std::int64_t>();
  CHECK(tips == 470);
}
