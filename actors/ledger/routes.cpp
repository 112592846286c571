// The ledger over REST, for operators (docs/ledger.md). Money moves between users and channels
// through the payment domains built on it; these routes are the operator's view and repair tool.
#include <algorithm>

#include "actors/core/entity_ref.hpp"
#include "actors/ledger/internal.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/ledger/ledger_book.hpp"
#include "actors/ledger/ledger_read_model.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using ledger_ref = entity_ref<ledger_protocol>;

void open_accounts(const node_env& env, route_request&& req, route_reply reply) {
  ledger_ref{env.registry, std::string{main_ledger}}
    .ask(ledger_open_atom::value, std::move(req.body))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void post_transfers(const node_env& env, route_request&& req, route_reply reply) {
  ledger_ref{env.registry, std::string{main_ledger}}
    .ask(ledger_transfer_atom::value, std::move(req.body))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void show_account(const node_env& env, route_request&& req, route_reply reply) {
  const auto& account = req.param("account");
  if (!ledger::valid_id(account))
    return reply(make_error(errc::not_found, "no account " + account));
  ledger_ref{env.registry, std::string{main_ledger}}
    .ask(ledger_account_atom::value, account)
    .then(*env.sys, pass_json_text(reply));
}

void account_entries(const node_env& env, route_request&& req, route_reply reply) {
  const auto& account = req.param("account");
  auto limit = req.number_param("limit", 50, 1, 500);
  if (!limit)
    return reply(limit.error());
  auto before = req.number_param("before", 0, 0, static_cast<std::size_t>(1) << 62);
  if (!before)
    return reply(before.error());
  env.query(std::string{ledger_queries::statement},
            json{{"account", account}, {"limit", *limit}, {"before", *before}},
            [reply, limit = *limit](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(),
                        [](const json& a, const json& b) { return a["position"] > b["position"]; });
              if (rows->size() > limit)
                rows->resize(limit);
              reply(route_response::json(200, json{{"entries", std::move(*rows)}}));
            });
}

}  // namespace

void add_ledger_routes(route_table& routes, const node_env& env) {
  routes.add(http_method::post, "admin/ledger/accounts", access::admin,
             with_env(env, open_accounts), "open ledger accounts (idempotent by id)");
  routes.add(http_method::post, "admin/ledger/transfers", access::admin,
             with_env(env, post_transfers),
             "commit ledger transfers: posted, pending, post, void, linked chains");
  routes.add(http_method::get, "admin/ledger/accounts/{account}", access::admin,
             with_env(env, show_account), "a ledger account's balances");
  routes.add(http_method::get, "admin/ledger/accounts/{account}/entries", access::admin,
             with_env(env, account_entries), "a ledger account's statement, newest first");
}

}  // namespace aethex::actors
