// Stripe mode end to end on one node, against a loopback stand-in for api.stripe.com
// (support/stripe_standin.py; tests have no network): a tip opens a Checkout Session at the
// stand-in (bearer key, Idempotency-Key, the form body), a signed checkout.session.completed
// completes it (tip frame, paid tip, pending earnings), and the same event again changes nothing.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/chat_client.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::string standin_script = std::string{AETHEX_SOURCE_DIR} +
                                   "/tests/e2e/support/stripe_standin.py";

// Posts `event` signed with the endpoint's secret, as Stripe would; {status, body}.
std::pair<int, json> deliver(const test_node& node, const json& event) {
  auto r = run({"python3", standin_script, "webhook", "127.0.0.1:" + std::to_string(node.http_port),
                "whsec_x", event.dump()},
               15s);
  REQUIRE(r.status == 0);
  std::istringstream in{r.output};
  int status = 0;
  in >> status;
  std::string rest{std::istreambuf_iterator<char>{in}, {}};
  return {status, json::parse(rest, nullptr, false)};
}

}  // namespace

TEST_CASE("stripe mode: a tip's Checkout Session at the stand-in, completed by its webhook") {
  REQUIRE(on_path("python3"));
  auto dir = fresh_temp_dir("stripe-standin");
  auto record = dir / "requests.jsonl";
  auto port = free_tcp_port();
  child_process standin{{"python3", standin_script, "serve", std::to_string(port), record.string()},
                        output_dir("stripe_mode") / "standin.log"};
  REQUIRE(eventually([&] { return standin.log().find("listening") != std::string::npos; }, 10s));

  test_node node{"stripe_mode",
                 {"--payment-provider", "stripe", "--stripe-api-base",
                  "http://127.0.0.1:" + std::to_string(port), "--stripe-api-key", "sk_test_x",
                  "--stripe-webhook-secret", "whsec_x"}};
  node.create_channel("lobby");
  auto admin = admin_token(node.data_dir.string());
  auto viewer = api_ok(node, "POST", "auth/signup", "",
                       {{"username", "tipper"}, {"password", "tipper-pass-1"}})["token"]
                  .get<std::string>();
  chat_client reader{node.http_port};
  reader.guest_join("watcher", "lobby");

  auto checkout = api_ok(node, "POST", "channels/lobby/tips", viewer,
                         {{"amount", 500}, {"message", "via stripe"}, {"anonymous", false}});
  auto cs = checkout["checkout"].get<std::string>();
  CHECK(checkout["url"] == "https://checkout.stripe.test/c/pay/cs_test_1");

  auto sent = json_lines_of(record);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["path"] == "/v1/checkout/sessions");
  CHECK(sent[0]["headers"]["Authorization"] == "Bearer sk_test_x");
  CHECK(sent[0]["headers"]["Idempotency-Key"] == "checkout:" + cs);
  auto body = sent[0]["body"].get<std::string>();
  CHECK(body.find("line_items[0][price_data][unit_amount]=500") != std::string::npos);
  CHECK(body.find("line_items[0][price_data][currency]=usd") != std::string::npos);
  CHECK(body.find("metadata[checkout]=" + cs) != std::string::npos);
  CHECK(body.find("payment_intent_data[metadata][checkout]=" + cs) != std::string::npos);

  // Cards are entered on Stripe Checkout, not on this node's pay page.
  CHECK(
    api_step(
      node, "POST", "payments/checkouts/" + cs + "/pay", viewer,
      {{"card_number", "4242424242424242"}, {"exp_month", 12}, {"exp_year", 2040}, {"cvc", "123"}})
      .status == 503);
  // A failure at Stripe: the tip is refused (503), nothing is opened.
  CHECK(api_step(node, "POST", "channels/lobby/tips", viewer, {{"amount", 777}}).status == 503);

  auto now = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  json event{{"id", "evt_e2e_1"},
             {"object", "event"},
             {"type", "checkout.session.completed"},
             {"created", now},
             {"data",
              {{"object",
                {{"id", "cs_test_1"},
                 {"object", "checkout.session"},
                 {"payment_status", "paid"},
                 {"amount_total", 500},
                 {"payment_intent", "pi_e2e_1"},
                 {"metadata", {{"checkout", cs}}}}}}}};
  auto [status, answer] = deliver(node, event);
  CHECK(status == 200);
  CHECK(answer["received"] == true);

  auto tip = reader.next("tip", 10s);
  REQUIRE(tip.is_object());
  CHECK(tip["from"] == "tipper");
  CHECK(tip["amount"] == 500);
  REQUIRE(eventually(
    [&] {
      auto list = api_ok(node, "GET", "channels/lobby/tips", admin);
      return list["tips"].size() == 1 && list["tips"][0]["status"] == "paid";
    },
    10s));
  auto earnings = api_ok(node, "GET", "admin/ledger/accounts/channel:lobby:earnings", admin);
  auto pending = earnings["credits_pending"].get<std::int64_t>();
  CHECK(pending > 0);
  CHECK(pending <= 500);

  // The same delivery again, and the same completion under another event id: nothing moves.
  auto [again_status, again] = deliver(node, event);
  CHECK(again_status == 200);
  CHECK(again["duplicate"] == true);
  event["id"] = "evt_e2e_2";
  CHECK(deliver(node, event).first == 200);
  CHECK(api_ok(node, "GET", "channels/lobby/tips", admin)["tips"].size() == 1);
  CHECK(api_ok(node, "GET", "admin/ledger/accounts/channel:lobby:earnings",
               admin)["credits_pending"] == pending);
  CHECK(json_lines_of(record).size() == 2);  // the session, and the refused one: nothing resent
  standin.signal(SIGTERM);
}
