// ledger/<name> over a real registry and store, and its routes in-process: accounts opened once,
// 100 concurrent double-spend attempts on one balance (exactly the affordable ones succeed),
// retries applied once across a restart, pending transfers expiring on the manual clock, and
// an account's statement from the read model.
#include "actors/ledger/ledger.hpp"

#include <doctest/doctest.h>

#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/errors.hpp"
#include "tests/actors/api_node.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

json accounts_body() {
  return json{
    {"accounts",
     {{{"id", "provider:sandbox"}, {"currency", "USD"}},
      {{"id", "user:bob:wallet"}, {"currency", "USD"}, {"debits_must_not_exceed_credits", true}},
      {{"id", "channel:alice:earnings"}, {"currency", "USD"}}}}};
}

json transfer(const std::string& id, const std::string& debit, const std::string& credit,
              std::int64_t amount) {
  return json{{"id", id}, {"debit", debit}, {"credit", credit}, {"amount", amount}};
}

struct ledger_fixture {
  test::entity_fixture f{{.manual_clock = true}};

  json ask(auto atom, const json& body) {
    auto text = f.ask<std::string>("ledger", "main", atom, body.dump());
    REQUIRE(text);
    return json::parse(*text);
  }
  std::string status(const json& one) {
    return ask(ledger_transfer_atom::value, json{{"transfers", {one}}})["results"][0]["status"];
  }
  json account(const std::string& id) {
    auto text = f.ask<std::string>("ledger", "main", ledger_account_atom::value, id);
    REQUIRE(text);
    return json::parse(*text);
  }
};

}  // namespace

TEST_CASE("100 concurrent double-spends of one balance: exactly the affordable ones succeed") {
  ledger_fixture l;
  auto opened = l.ask(ledger_open_atom::value, accounts_body());
  CHECK(opened["results"][1]["status"] == "ok");
  CHECK(l.ask(ledger_open_atom::value, accounts_body())["results"][1]["status"] == "exists");
  REQUIRE(l.status(transfer("fund", "provider:sandbox", "user:bob:wallet", 10)) == "ok");

  caf::scoped_actor spender{l.f.sys};
  for (int i = 0; i < 100; ++i)
    spender->send(l.f.registry, route_atom::value, std::string{"ledger"}, std::string{"main"},
                  caf::make_message(ledger_transfer_atom::value,
                                    json{{"transfers",
                                          {transfer("spend" + std::to_string(i), "user:bob:wallet",
                                                    "channel:alice:earnings", 1)}}}
                                      .dump()));
  int ok = 0, refused = 0;
  for (int i = 0; i < 100; ++i)
    spender->receive(
      [&](const std::string& text) {
        auto status = json::parse(text)["results"][0]["status"];
        ok += status == "ok";
        refused += status == "exceeds_credits";
      },
      caf::after(10s) >> [&] { FAIL("a transfer got no answer"); });
  CHECK(ok == 10);
  CHECK(refused == 90);
  auto wallet = l.account("user:bob:wallet");
  CHECK(wallet["debits_posted"] == 10);
  CHECK(wallet["credits_posted"] == 10);
}

TEST_CASE("a retried transfer is applied once, also after a restart; pending ones expire") {
  ledger_fixture l;
  l.ask(ledger_open_atom::value, accounts_body());
  auto tip = transfer("tip-1", "provider:sandbox", "channel:alice:earnings", 499);
  REQUIRE(l.status(tip) == "ok");
  l.f.restart();
  CHECK(l.status(tip) == "exists");
  CHECK(l.account("channel:alice:earnings")["credits_posted"] == 499);

  auto hold = transfer("hold-1", "channel:alice:earnings", "provider:sandbox", 400);
  hold["pending"] = true;
  hold["timeout_s"] = 60;
  REQUIRE(l.status(hold) == "ok");
  CHECK(l.account("channel:alice:earnings")["debits_pending"] == 400);
  l.f.clock.advance(61s);
  auto ticked = l.f.ask<std::string>("ledger", "main", ledger_tick_atom::value);
  REQUIRE(ticked);
  CHECK(json::parse(*ticked)["pending"] == 0);
  CHECK(l.account("channel:alice:earnings")["debits_pending"] == 0);
  CHECK(l.status(json{{"id", "post-1"}, {"post", "hold-1"}}) == "pending_not_found");
  auto missing = l.f.ask<std::string>("ledger", "main", ledger_account_atom::value,
                                      std::string{"nobody"});
  REQUIRE_FALSE(missing);
  CHECK(code_of(missing.error()) == errc::not_found);
}

TEST_CASE("ledger routes: operators only, bad bodies refused, statements from the read model") {
  test::api_node node{{"ledger"}, {}};
  using enum http_method;
  auto admin = runtime::principal::admin();
  auto bob = runtime::principal::user("bob");
  CHECK(node.call(post, "admin/ledger/accounts", bob, accounts_body()).error == errc::unauthorized);
  REQUIRE(node.call(post, "admin/ledger/accounts", admin, accounts_body()).status == 200);
  CHECK(
    node.call(post, "admin/ledger/transfers", admin, json{{"transfers", json::array()}}).error ==
    errc::invalid_argument);
  CHECK(node.call(post, "admin/ledger/transfers", admin, json{{"nope", 1}}).error ==
        errc::invalid_json);
  auto done = node.call(post, "admin/ledger/transfers", admin,
                        json{
                          {"transfers",
                           {transfer("fund", "provider:sandbox", "user:bob:wallet", 1000),
                            transfer("sub", "user:bob:wallet", "channel:alice:earnings", 499)}}});
  REQUIRE(done.status == 200);
  CHECK(done.body["results"][1]["status"] == "ok");
  auto wallet = node.call(get, "admin/ledger/accounts/user:bob:wallet", admin);
  REQUIRE(wallet.status == 200);
  CHECK(wallet.body["credits_posted"] == 1000);
  CHECK(wallet.body["debits_posted"] == 499);
  CHECK(node.call(get, "admin/ledger/accounts/nobody", admin).error == errc::not_found);
  auto entries = node.call(get, "admin/ledger/accounts/user:bob:wallet/entries?limit=10", admin);
  REQUIRE(entries.status == 200);
  REQUIRE(entries.body["entries"].size() == 2);
  CHECK(entries.body["entries"][0]["transfer"] == "sub");  // newest first
  CHECK(entries.body["entries"][0]["side"] == "debit");
  CHECK(entries.body["entries"][0]["counterparty"] == "channel:alice:earnings");
  CHECK(entries.body["entries"][1]["amount"] == 1000);
}
