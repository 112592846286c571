// Payouts end to end on one node with the sandbox provider and the node's test clock: a viewer
// tips 60.00 with the sandbox card, the creator's share is on hold; the admin moves the clock
// past the hold and the share becomes available; payouts are refused without a tax form; the
// creator files a W-9 (read back masked), requests a payout, the clock passes the settle delay
// and the payout is paid (the ledger posts it); the month's CSV has the payment's row.
#include <doctest/doctest.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string sign_up(const test_node& node, const std::string& name) {
  return api_ok(node, "POST", "auth/signup", "",
                {{"username", name}, {"password", name + "-pass-123"}})["token"]
    .get<std::string>();
}

// "YYYY-MM" of the real time (UTC): the month the payment is booked in.
std::string this_month() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m", &utc);
  return text;
}

}  // namespace

TEST_CASE("payouts: hold, release on the test clock, tax form, payout paid, CSV") {
  test_node node{"payouts", {"--test-clock"}};
  auto admin = admin_token(node.data_dir.string());
  auto month = this_month();
  auto creator = sign_up(node, "cashmaker");
  api_ok(node, "POST", "channels", creator, {{"name", "cashbox"}});
  auto viewer = sign_up(node, "generous");

  auto checkout = api_ok(node, "POST", "channels/cashbox/tips", viewer, {{"amount", 6000}});
  api_ok(
    node, "POST", "payments/checkouts/" + checkout["checkout"].get<std::string>() + "/pay", viewer,
    {{"card_number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2040}, {"cvc", "123"}});

  // 60.00 less the 2.9 % + 0.30 fee, no cut on tips: 57.96 on hold.
  auto status = [&] { return api_ok(node, "GET", "channels/cashbox/payouts", creator); };
  REQUIRE(eventually([&] { return status()["on_hold"] == 5796; }, 10s));
  CHECK(status()["available"] == 0);
  CHECK(api_step(node, "GET", "channels/cashbox/payouts", viewer).status == 403);

  // Past the 15-day hold on the node's clock: the hold is posted.
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 16 * 86400}});
  console_command(node, "send payouts/cashbox tick");
  REQUIRE(eventually([&] { return status()["available"] == 5796; }, 10s));
  CHECK(status()["on_hold"] == 0);

  auto refused = api_step(node, "POST", "channels/cashbox/payouts", creator);
  CHECK(refused.status == 409);
  CHECK(refused.body["error"]["code"] == "tax_form_required");

  auto form = api_ok(node, "PUT", "channels/cashbox/tax-form", creator,
                     {{"form", "W-9"},
                      {"legal_name", "Casey Maker"},
                      {"tin", "987-65-4321"},
                      {"address", "2 Elm St, Portland"},
                      {"country", "US"},
                      {"signature_name", "Casey Maker"},
                      {"signed_at", "2026-12-01"}});
  CHECK(form["legal_name"] == "C**** M****");
  CHECK(api_ok(node, "GET", "channels/cashbox/tax-form", creator)["tin_last4"] == "4321");

  auto payout = api_ok(node, "POST", "channels/cashbox/payouts", creator);
  CHECK(payout["amount"] == 5796);
  CHECK(payout["status"] == "pending");
  auto earnings = api_ok(node, "GET", "admin/ledger/accounts/channel:cashbox:earnings", admin);
  CHECK(earnings["debits_pending"] == 5796);  // reserved
  CHECK(api_step(node, "POST", "channels/cashbox/payouts", creator).status == 409);

  // The sandbox sends it: paid on the next tick after a minute on the node's clock.
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 61}});
  console_command(node, "send payouts/cashbox tick");
  REQUIRE(eventually([&] { return status()["payouts"][0]["status"] == "paid"; }, 10s));
  CHECK(status()["payouts"][0]["paid_at_ms"].is_number());
  earnings = api_ok(node, "GET", "admin/ledger/accounts/channel:cashbox:earnings", admin);
  CHECK(earnings["debits_posted"] == 5796);
  CHECK(earnings["debits_pending"] == 0);

  // The month's statement and CSV have the tip.
  auto statement = api_ok(node, "GET", "channels/cashbox/earnings?month=" + month, creator);
  CHECK(statement["totals"]["gross"] == 6000);
  CHECK(statement["totals"]["net"] == 5796);
  auto csv = api_call(node, "GET", "/api/v1/channels/cashbox/earnings.csv?month=" + month, nullptr,
                      creator);
  REQUIRE(csv.status == 200);
  INFO(csv.raw);
  CHECK(csv.raw.starts_with("date,payment,product,gross,cut,fee,net,status\r\n"));
  CHECK(csv.raw.find(",tip,60.00,0.00,2.04,57.96,released\r\n") != std::string::npos);
}
