// A node for the payments tests: every module's entity kinds over an in-memory store with a
// manual clock, plus a seller kind ("shop") and a payouts stand-in ("payouts") registered here,
// which record what payments tells them; and the payments module's routes, called as the HTTP
// binding calls them (access checked, JSON errors as codes).
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "actors/core/money.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/modules.hpp"
#include "actors/payments/provider.hpp"
#include "actors/payouts/payouts.hpp"
#include "tests/actors/entity_fixture.hpp"
#include "tests/actors/route_match.hpp"

namespace aethex::test {

/// What the seller and the payouts stand-in heard; `refuse` makes the seller answer errors.
struct seller_log {
  std::mutex mutex;
  std::vector<nlohmann::json> fulfilled, reversed, holds;
  std::vector<std::string> accounts;          // payout destinations set by Stripe Connect
  std::vector<std::uint64_t> failed_payouts;  // payouts voided by a reversed Transfer
  int attempts = 0;
  bool refuse = false;

  template <class F>
  auto with(F f) {
    std::lock_guard lock{mutex};
    return f(*this);
  }
};

struct pay_answer {
  unsigned status = 0;  // 0: refused with `error`
  nlohmann::json body;
  errc error{};
  std::string message;
};

class payments_node {
 public:
  /// `send_http`: what stands in for Stripe's API in stripe mode (none: the default refusal).
  explicit payments_node(std::string provider = "sandbox", actors::http_sender send_http = {}) {
    config.money.provider = provider;
    config.stripe_webhook_secrets = {"whsec_payments_test"};
    config.money.stripe_api_key = "sk_test_unit";
    if (send_http)
      env.send_http = std::move(send_http);
    env.sys = &sys;
    env.store = store.get();
    env.config = &config;
    env.clock = &clock;
    runtime::entity_kinds kinds;
    for (auto& m : modules)
      m->add_kinds(kinds, env);
    auto log = this->log;
    kinds.factories["shop"] = [log](caf::actor_system& sys, const caf::actor&, const std::string&) {
      return sys.spawn([log]() -> caf::behavior {
        return {
          [log](actors::payment_fulfil_atom, const std::string& p) -> caf::result<std::string> {
            return log->with([&](seller_log& l) -> caf::result<std::string> {
              ++l.attempts;
              if (l.refuse)
                return make_error(errc::unavailable, "the shop is closed");
              l.fulfilled.push_back(nlohmann::json::parse(p));
              return std::string{"{}"};
            });
          },
          [log](actors::payment_reversed_atom, const std::string& p) {
            log->with([&](seller_log& l) { l.reversed.push_back(nlohmann::json::parse(p)); });
            return std::string{"{}"};
          },
        };
      });
    };
    kinds.factories["payouts"] = [log](caf::actor_system& sys, const caf::actor&,
                                       const std::string&) {
      return sys.spawn([log]() -> caf::behavior {
        return {
          [log](actors::earnings_held_atom, const std::string& h) {
            log->with([&](seller_log& l) { l.holds.push_back(nlohmann::json::parse(h)); });
            return std::string{R"({"held":true})"};
          },
          [log](actors::payout_account_atom, const std::string& body) {
            log->with([&](seller_log& l) {
              l.accounts.push_back(nlohmann::json::parse(body).at("stripe_account"));
            });
            return body;
          },
          // Payout 1 is in flight; any other was paid already (the entity's conflict).
          [log](actors::payout_fail_atom, std::uint64_t n,
                const std::string&) -> caf::result<std::string> {
            if (n != 1)
              return make_error(errc::conflict, "payout " + std::to_string(n) + " is paid");
            log->with([&](seller_log& l) { l.failed_payouts.push_back(n); });
            return std::string{R"({"status":"failed"})"};
          },
        };
      });
    };
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
    env.registry = registry;
    for (auto& m : modules)
      if (m->name() == "payments")
        m->add_routes(routes, env);
  }
  ~payments_node() {
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
  }
  payments_node(const payments_node&) = delete;
  payments_node& operator=(const payments_node&) = delete;

  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& kind, const std::string& id, Ts... xs) {
    return ask_entity<T>(self, registry, kind, id, std::move(xs)...);
  }
  /// The provider entity's JSON answer to a command.
  template <class... Ts>
  nlohmann::json provider(Ts... xs) {
    auto answer = ask<std::string>("payments", config.money.provider, std::move(xs)...);
    REQUIRE_MESSAGE(answer, to_string(answer.error()));
    return nlohmann::json::parse(*answer);
  }
  /// A ledger account's balances.
  nlohmann::json account(const std::string& id) {
    auto answer = ask<std::string>("ledger", "main", actors::ledger_account_atom::value, id);
    REQUIRE_MESSAGE(answer, id);
    return nlohmann::json::parse(*answer);
  }

  /// Route `method` `path` as `who` (empty: anonymous, "admin", else a user), with `body`.
  pay_answer call(actors::http_method method, const std::string& path, const std::string& who,
                  const nlohmann::json& body = nullptr,
                  std::map<std::string, std::string, std::less<>> headers = {}) {
    for (auto& r : routes.routes) {
      actors::route_request req;
      if (r.method != method || !match_route(r.pattern, path, req))
        continue;
      req.body = body.is_null() ? "" : body.is_string() ? body.get<std::string>() : body.dump();
      req.headers = std::move(headers);
      auto principal = who.empty()      ? runtime::principal{}
                       : who == "admin" ? runtime::principal::admin()
                                        : runtime::principal::user(who);
      if (r.need != actors::access::anyone) {
        if (principal.is_anonymous() || (r.need == actors::access::admin && !principal.is_admin()))
          return {0, nullptr, errc::unauthorized, {}};
        req.who = principal;
      }
      std::promise<caf::expected<actors::route_response>> answered;
      auto future = answered.get_future();
      r.handler(std::move(req), [&answered](caf::expected<actors::route_response> res) {
        answered.set_value(std::move(res));
      });
      REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
      auto res = future.get();
      if (!res)
        return {0, nullptr, code_of(res.error()), message_of(res.error())};
      return {res->status, nlohmann::json::parse(res->body), errc{}, {}};
    }
    FAIL("no route " << path);
    return {};
  }

  runtime::manual_clock clock{runtime::system_clock().now_ms()};
  runtime::node_config config;
  std::shared_ptr<seller_log> log = std::make_shared<seller_log>();
  std::unique_ptr<storage::event_store> store = storage::event_store::in_memory();
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;
  actors::module_list modules = actors::all_modules();
  actors::node_env env;
  actors::route_table routes;
};

}  // namespace aethex::test
