// Stripe's webhook endpoint (docs/payments.md). Anyone may call it: the Stripe-Signature header
// is the authentication. Order of the checks: configured (503), size (413), signature (400), the
// event's shape (400), then payment_events/stripe records it once, and payments/<provider>
// applies the events that move money unless they are stale; Stripe Connect's go to the
// channel's payouts/<channel>.
#include <span>

#include "actors/core/entity_ref.hpp"
#include "actors/payments/internal.hpp"
#include "actors/payments/payment_events.hpp"
#include "actors/payments/provider.hpp"
#include "actors/payments/stripe_signature.hpp"
#include "actors/payouts/payouts.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view stripe_signature_header = "stripe-signature";
// Stripe's events are well under 64 KiB; the node's own body limit is 1 MiB.
constexpr std::size_t max_stripe_event_bytes = 64u << 10;
// Stripe's ids and type names are short; these bounds keep a signed but odd event small.
constexpr std::size_t max_stripe_id = 255;

std::string signature_refusal_message(stripe::signature_verdict verdict) {
  using enum stripe::signature_verdict;
  switch (verdict) {
    case missing_header: return "the Stripe-Signature header is missing";
    case malformed_header:
      return "the Stripe-Signature header must be t=<unix seconds> and at least one v1=<hex>";
    case timestamp_outside_tolerance:
      return "the Stripe-Signature timestamp is more than " +
             std::to_string(stripe::signature_tolerance_s) + " s away from this node's clock";
    case no_matching_signature: return "no v1 signature matches a configured Stripe webhook secret";
    case valid: break;
  }
  return "invalid Stripe-Signature";
}

// The events payments/<provider> applies (docs/payments.md); others are only recorded.
bool moves_money(std::string_view type) {
  return type == "checkout.session.completed" || type == "payment_intent.succeeded" ||
         type == "charge.refunded" || type == "charge.dispute.closed";
}

// Stripe Connect events about a channel's payouts (docs/payments.md).
bool concerns_payouts(std::string_view type) {
  return type == "account.updated" || type == "transfer.reversed";
}

caf::error invalid_event(const std::string& why) {
  return make_error(errc::invalid_argument, "not a Stripe event: " + why);
}

std::string short_string_at(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string())
    return {};
  auto text = it->get<std::string>();
  return text.size() <= max_stripe_id ? text : std::string{};
}

// An onboarded Express account (payouts enabled) becomes the channel's payout destination; a
// reversed Transfer voids the payout it carried while that is still in flight (a paid one is
// only recorded). Both find our channel or payout in the metadata the request builders set
// (stripe_requests.hpp): metadata[channel] on the account, metadata[payout] on the Transfer.
void apply_connect_event(const node_env& env, const std::string& type, const json& object,
                         json recorded, route_reply reply) {
  auto done = [reply, recorded](bool applied) mutable {
    recorded["applied"] = applied;
    reply(route_response::json(200, recorded));
  };
  auto metadata = object.find("metadata");
  auto meta = [&](const char* key) {
    return metadata != object.end() && metadata->is_object() ? short_string_at(*metadata, key)
                                                             : std::string{};
  };
  if (type == "account.updated") {
    auto account = short_string_at(object, "id");
    auto channel = meta("channel");
    auto enabled = object.find("payouts_enabled");
    if (!account.starts_with("acct_") || channel.empty() || enabled == object.end() ||
        !enabled->is_boolean() || !enabled->get<bool>())
      return done(false);  // onboarding not finished: nothing can be paid there yet
    entity_ref<payouts_protocol>{env.registry, channel}
      .ask(payout_account_atom::value, json{{"stripe_account", account}}.dump())
      .then(*env.sys, [done, reply](caf::expected<std::string> answer) mutable {
        if (!answer)
          return reply(answer.error());  // Stripe delivers it again
        done(true);
      });
    return;
  }
  // "payout:<channel>:<n>", our payout id (actors/payouts).
  auto payout = meta("payout");
  auto colon = payout.rfind(':');
  if (!payout.starts_with("payout:") || colon <= 7 || colon + 1 >= payout.size() ||
      payout.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
      payout.size() - colon > 19)
    return done(false);
  auto channel = payout.substr(7, colon - 7);
  auto n = std::stoull(payout.substr(colon + 1));
  entity_ref<payouts_protocol>{env.registry, channel}
    .ask(payout_fail_atom::value, std::uint64_t{n}, std::string{"the Stripe transfer was reversed"})
    .then(*env.sys, [done, reply](caf::expected<std::string> answer) mutable {
      if (answer)
        return done(true);
      auto code = code_of(answer.error());
      if (code == errc::conflict || code == errc::not_found)
        return done(false);  // paid already, or not ours: recorded, nothing to undo here
      reply(answer.error());
    });
}

void receive_stripe_event(const node_env& env, route_request&& req, route_reply reply) {
  std::span<const std::string> secrets;
  if (env.config)
    secrets = env.config->stripe_webhook_secrets;
  if (secrets.empty())
    return reply(make_error(errc::unavailable, "Stripe webhooks are not configured"));
  if (req.body.size() > max_stripe_event_bytes)
    return reply(make_error(errc::payload_too_large, "a Stripe event is at most 64 KiB"));
  auto header = req.headers.find(stripe_signature_header);
  auto check = stripe::verify_stripe_signature(header == req.headers.end() ? "" : header->second,
                                               req.body, secrets, env.clock->now_ms() / 1000);
  if (!check.valid())
    return reply(make_error(errc::invalid_argument, signature_refusal_message(check.verdict),
                            std::string{stripe::to_string(check.verdict)}));

  auto event = req.json_object();
  if (!event)
    return reply(event.error());
  auto id = short_string_at(*event, "id");
  auto type = short_string_at(*event, "type");
  auto created = event->find("created");
  auto data = event->find("data");
  if (!id.starts_with("evt_"))
    return reply(invalid_event("'id' must be an event id (evt_...)"));
  if (type.empty())
    return reply(invalid_event("'type' must be a string"));
  if (created == event->end() || !created->is_number_integer() || created->get<std::int64_t>() < 0)
    return reply(invalid_event("'created' must be a Unix time"));
  if (data == event->end() || !data->is_object() || !data->contains("object") ||
      !(*data)["object"].is_object())
    return reply(invalid_event("'data.object' must be an object"));
  const auto& object = (*data)["object"];
  bool acts = moves_money(type);
  bool connect = concerns_payouts(type);
  entity_ref<payment_events_protocol>{env.registry, std::string{stripe_events_id}}
    .ask(stripe_event_atom::value, std::move(id), type, created->get<std::int64_t>(),
         short_string_at(object, "id"), short_string_at(object, "object"))
    .then(*env.sys, [env, reply, acts, connect, type,
                     object = acts || connect ? object.dump()
                                              : std::string{}](caf::expected<std::string> answer) {
      if (!answer)
        return reply(answer.error());
      auto recorded = json::parse(*answer);
      if (!(acts || connect) || recorded.value("stale", false))
        return reply(route_response{200, std::move(*answer), {}});
      if (connect)
        return apply_connect_event(env, type, json::parse(object), std::move(recorded), reply);
      // A duplicate goes on too: applying is idempotent in the provider, and a delivery whose
      // application failed (503, so Stripe retries) is recorded already.
      entity_ref<payments_protocol>{env.registry, payment_provider_id(*env.config)}
        .ask(payment_stripe_apply_atom::value, type, object)
        .then(*env.sys, [reply, recorded](caf::expected<std::string> applied) mutable {
          if (!applied)
            return reply(applied.error());
          auto result = json::parse(*applied, nullptr, false);
          recorded["applied"] = result.is_object() && result.value("applied", false);
          reply(route_response::json(200, recorded));
        });
    });
}

}  // namespace

void add_payment_routes(route_table& routes, const node_env& env) {
  routes
    .add(http_method::post, "payments/stripe/webhook", access::anyone,
         with_env(env, receive_stripe_event),
         "Stripe webhook events (authenticated by the Stripe-Signature header)")
    .headers = {std::string{stripe_signature_header}};
}

}  // namespace aethex::actors
