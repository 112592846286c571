// The pay page's routes, the payer's saved cards and history, the test cards and the operator's
// refunds and disputes (docs/payments.md). Card numbers are checked here (sandbox_cards.hpp):
// only the card's class, brand, last 4 digits and expiry go on to payments/<provider>.
#include "actors/core/entity_ref.hpp"
#include "actors/payments/internal.hpp"
#include "actors/payments/provider.hpp"
#include "actors/payments/sandbox_cards.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

entity_ref<payments_protocol> provider_of(const node_env& env) {
  return {env.registry, payment_provider_id(*env.config)};
}

caf::expected<int> small_int_field(const json& body, const char* key) {
  auto it = body.find(key);
  if (it != body.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0 &&
      it->get<std::int64_t>() <= 9999)
    return static_cast<int>(it->get<std::int64_t>());
  if (it != body.end() && it->is_string() && !it->get_ref<const std::string&>().empty() &&
      it->get_ref<const std::string&>().size() <= 4 &&
      it->get_ref<const std::string&>().find_first_not_of("0123456789") == std::string::npos)
    return std::stoi(it->get<std::string>());
  return make_error(errc::invalid_argument, std::string{"'"} + key + "' must be a number");
}

void pay_checkout_route(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"card_number", "exp_month", "exp_year", "cvc", "save"}))
    return reply(err);
  auto number = string_field(*body, "card_number", true);
  auto cvc = string_field(*body, "cvc", true);
  if (!number)
    return reply(number.error());
  if (!cvc)
    return reply(cvc.error());
  auto month = small_int_field(*body, "exp_month");
  auto year = small_int_field(*body, "exp_year");
  if (!month)
    return reply(month.error());
  if (!year)
    return reply(year.error());
  auto save = body->find("save");
  if (save != body->end() && !save->is_boolean() && !save->is_null())
    return reply(make_error(errc::invalid_argument, "'save' must be true or false"));
  auto card = sandbox::check_card(**number, *month, *year, **cvc, env.clock->now_ms());
  if (!card)
    return reply(card.error());
  json checked{{"behaviour", sandbox::to_string(card->behaviour)},
               {"brand", card->brand},
               {"last4", card->last4},
               {"exp_month", card->exp_month},
               {"exp_year", card->exp_year},
               {"save", save == body->end() || !save->is_boolean() || save->get<bool>()}};
  provider_of(env)
    .ask(payment_pay_atom::value, req.param("checkout"), req.who.name, checked.dump())
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void authenticate_route(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"approve"}))
    return reply(err);
  auto approve = body->find("approve");
  if (approve == body->end() || !approve->is_boolean())
    return reply(make_error(errc::invalid_argument, "'approve' must be true or false"));
  provider_of(env)
    .ask(payment_authenticate_atom::value, req.param("checkout"), req.who.name,
         approve->get<bool>())
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void test_cards_route(const node_env& env, route_request&&, route_reply reply) {
  if (payment_provider_id(*env.config) != "sandbox")
    return reply(make_error(errc::not_found, "test cards exist only in the sandbox"));
  json cards = json::array();
  for (const auto& c : sandbox::test_cards())
    cards.push_back(json{{"number", c.number},
                         {"brand", c.brand},
                         {"outcome", c.outcome},
                         {"behaviour", sandbox::to_string(c.behaviour)}});
  reply(route_response::json(200, json{{"cards", std::move(cards)},
                                       {"expiry", "any month from now on"},
                                       {"cvc", "any 3 digits (4 for American Express)"},
                                       {"other_numbers",
                                        "any other valid number is declined: use a test card"}}));
}

void history_route(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 20, 1, max_history);
  if (!limit)
    return reply(limit.error());
  provider_of(env)
    .ask(payment_history_atom::value, req.who.name, static_cast<std::uint32_t>(*limit))
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void dispute_route(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"outcome"}))
    return reply(err);
  auto outcome = string_field(*body, "outcome", true);
  if (!outcome)
    return reply(outcome.error());
  provider_of(env)
    .ask(payment_dispute_atom::value, req.param("payment"), **outcome)
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

}  // namespace

void add_pay_routes(route_table& routes, const node_env& env) {
  routes.add(
    http_method::get, "payments/checkouts/{checkout}", access::user,
    [env](route_request&& req, route_reply reply) {
      provider_of(env)
        .ask(payment_checkout_get_atom::value, req.param("checkout"), req.who.name)
        .then(*env.sys, pass_json_text(std::move(reply)));
    },
    "a checkout as its payer sees it on the pay page");
  routes.add(http_method::post, "payments/checkouts/{checkout}/pay", access::user,
             with_env(env, pay_checkout_route), "pay a checkout with a card");
  routes.add(http_method::post, "payments/checkouts/{checkout}/authenticate", access::user,
             with_env(env, authenticate_route), "complete or fail 3-D Secure of a checkout");
  routes.add(http_method::get, "payments/test-cards", access::anyone,
             with_env(env, test_cards_route), "the sandbox's test cards");
  routes.add(
    http_method::get, "payments/methods", access::user,
    [env](route_request&& req, route_reply reply) {
      provider_of(env)
        .ask(payment_methods_atom::value, req.who.name)
        .then(*env.sys, pass_json_text(std::move(reply)));
    },
    "the caller's saved cards");
  routes.add(
    http_method::del, "payments/methods/{method}", access::user,
    [env](route_request&& req, route_reply reply) {
      provider_of(env)
        .ask(payment_method_remove_atom::value, req.who.name, req.param("method"))
        .then(*env.sys, pass_written_json_text(env, std::move(reply)));
    },
    "remove a saved card");
  routes.add(http_method::get, "payments/history", access::user, with_env(env, history_route),
             "the caller's payments, newest first");
  routes.add(
    http_method::get, "admin/payments/{payment}", access::admin,
    [env](route_request&& req, route_reply reply) {
      provider_of(env)
        .ask(payment_get_atom::value, req.param("payment"))
        .then(*env.sys, pass_json_text(std::move(reply)));
    },
    "a payment with its booking and fulfilment marks");
  routes.add(
    http_method::post, "admin/payments/{payment}/refund", access::admin,
    [env](route_request&& req, route_reply reply) {
      provider_of(env)
        .ask(payment_refund_atom::value, req.param("payment"))
        .then(*env.sys, pass_written_json_text(env, std::move(reply)));
    },
    "refund a payment in full");
  routes.add(http_method::post, "admin/payments/{payment}/dispute", access::admin,
             with_env(env, dispute_route), "close a payment's dispute (won or lost)");
}

}  // namespace aethex::actors
