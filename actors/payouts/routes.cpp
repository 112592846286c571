// Payouts over REST (docs/monetization.md, "Payouts"): balances and payout requests, earnings
// statements and their CSV, the tax form, the Stripe connected account. The owner check of
// {channel} is the channel domain's; the rules are payouts/<channel>'s.
#include <cstdlib>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/payouts/internal.hpp"
#include "actors/payouts/payouts.hpp"
#include "actors/payouts/payouts_read_model.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using payouts_ref = entity_ref<payouts_protocol>;

constexpr std::size_t max_tax_form_body = 8 * 1024;

// Owner routes reach here after the owner check; the admin's may name any channel.
template <class Fn>
route_handler for_channel(const node_env& env, Fn fn) {
  return [env, fn](route_request&& req, route_reply reply) {
    if (!valid_channel_name(req.param("channel")))
      return reply(make_error(errc::not_found, "channel not found"));
    fn(env, payouts_ref{env.registry, req.param("channel")}, std::move(req), std::move(reply));
  };
}

void payout_status(const node_env& env, payouts_ref ref, route_request&&, route_reply reply) {
  ref.ask(payout_status_atom::value).then(*env.sys, pass_json_text(reply));
}

void request_payout(const node_env& env, payouts_ref ref, route_request&& req, route_reply reply) {
  ref.ask(payout_request_atom::value, req.who.display())
    .then(*env.sys, pass_written_json_text(env, reply, 201));
}

void fail_payout(const node_env& env, payouts_ref ref, route_request&& req, route_reply reply) {
  auto n = std::strtoull(req.param("n").c_str(), nullptr, 10);
  if (n == 0 || req.param("n").size() > 9)
    return reply(make_error(errc::not_found, "no payout " + req.param("n").substr(0, 12)));
  std::string reason = "failed by the operator";
  if (!req.body.empty()) {
    auto body = req.json_object();
    if (!body)
      return reply(body.error());
    if (auto err = only_fields(*body, {"reason"}))
      return reply(err);
    auto given = string_field(*body, "reason", false);
    if (!given)
      return reply(given.error());
    if (*given) {
      if ((*given)->size() > 200)
        return reply(make_error(errc::invalid_argument, "a reason is at most 200 characters"));
      reason = **given;
    }
  }
  ref.ask(payout_fail_atom::value, static_cast<std::uint64_t>(n), std::move(reason))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void set_account(const node_env& env, payouts_ref ref, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"stripe_account"}))
    return reply(err);
  ref.ask(payout_account_atom::value, body->dump())
    .then(*env.sys, pass_written_json_text(env, reply));
}

void put_tax_form(const node_env& env, payouts_ref ref, route_request&& req, route_reply reply) {
  if (req.body.size() > max_tax_form_body)
    return reply(make_error(errc::payload_too_large, "a tax form is at most 8 KiB"));
  // The body goes to the entity as it came: it validates, encrypts and forgets the plaintext.
  ref.ask(tax_form_put_atom::value, std::move(req.body))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void get_tax_form(const node_env& env, payouts_ref ref, route_request&&, route_reply reply) {
  ref.ask(tax_form_get_atom::value).then(*env.sys, pass_json_text(reply));
}

// The month asked for ("YYYY-MM"), this month (UTC) when absent.
caf::expected<std::string> month_of(const node_env& env, const route_request& req) {
  auto month = req.query_param("month");
  if (!month)
    return month_of_ms(env.clock->now_ms());
  if (!month_range(*month))
    return make_error(errc::invalid_argument, "month is YYYY-MM");
  return *month;
}

template <bool Csv>
void earnings(const node_env& env, payouts_ref ref, route_request&& req, route_reply reply) {
  auto month = month_of(env, req);
  if (!month)
    return reply(month.error());
  auto range = *month_range(*month);
  env.query(
    std::string{payout_queries::statement},
    json{{"channel", ref.id()}, {"from", range.first}, {"to", range.second}},
    [env, channel = ref.id(), month = *month, reply](caf::expected<std::vector<json>> rows) {
      if (!rows)
        return reply(rows.error());
      auto statement = build_statement(channel, month, env.config->money.currency,
                                       std::move(*rows));
      if constexpr (Csv)
        reply(route_response::text(200, "text/csv; charset=utf-8", statement_csv(statement)));
      else
        reply(route_response::json(200, statement));
    });
}

}  // namespace

void add_payout_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(get, "channels/{channel}/payouts", access::owner, for_channel(env, payout_status),
             "earnings available and on hold, the payout threshold, payout history");
  routes.add(post, "channels/{channel}/payouts", access::owner, for_channel(env, request_payout),
             "request a payout of the available balance (reserved in the ledger)");
  routes.add(put, "channels/{channel}/payouts/account", access::owner,
             for_channel(env, set_account),
             "record the channel's Stripe connected account (acct_…) or clear it");
  routes.add(post, "admin/payouts/{channel}/{n}/fail", access::admin, for_channel(env, fail_payout),
             "mark a payout failed: its reservation is voided");
  routes.add(get, "channels/{channel}/earnings", access::owner, for_channel(env, earnings<false>),
             "a month's earnings statement (?month=YYYY-MM): per product, on hold, paid out");
  routes.add(get, "channels/{channel}/earnings.csv", access::owner,
             for_channel(env, earnings<true>), "a month's earnings, one CSV row per payment");
  routes.add(put, "channels/{channel}/tax-form", access::owner, for_channel(env, put_tax_form),
             "file a W-9 or W-8BEN (stored encrypted)");
  routes.add(get, "channels/{channel}/tax-form", access::owner, for_channel(env, get_tax_form),
             "the tax form on file, masked");
}

}  // namespace aethex::actors
