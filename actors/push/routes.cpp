// Web push over REST (docs/api.md, section Push): the VAPID public key browsers subscribe with,
// and the signed-in user's subscriptions (PushSubscription.toJSON() as the browser gives it).
#include "actors/core/entity_ref.hpp"
#include "actors/push/internal.hpp"
#include "actors/push/push.hpp"
#include "actors/push/webpush.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

void vapid_key(const node_env& env, route_request&&, route_reply reply) {
  entity_ref<vapid_protocol>{env.registry, std::string{vapid_entity_id}}
    .ask(get_atom::value)
    .then(*env.sys, pass_json_text(std::move(reply)));
}

// {"endpoint", "expirationTime"?, "keys": {"p256dh", "auth"}}: the keys must be a P-256 point
// and a 16-byte secret, or nothing could ever be encrypted for this browser.
caf::expected<json> subscription_of(const route_request& req, bool allow_private) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = only_fields(*body, {"endpoint", "expirationTime", "keys"}))
    return err;
  auto endpoint = string_field(*body, "endpoint", true);
  if (!endpoint)
    return endpoint.error();
  if (auto problem = push_endpoint_problem(**endpoint, allow_private))
    return make_error(errc::invalid_argument, *problem, "invalid_endpoint");
  auto keys = body->find("keys");
  if (keys == body->end() || !keys->is_object())
    return make_error(errc::invalid_argument, "'keys' must be {\"p256dh\", \"auth\"}");
  auto p256dh = string_field(*keys, "p256dh", true);
  auto auth = string_field(*keys, "auth", true);
  if (!p256dh)
    return p256dh.error();
  if (!auth)
    return auth.error();
  auto point = webpush::base64url_decode(**p256dh);
  auto secret = webpush::base64url_decode(**auth);
  if (!point || point->size() != 65 || (*point)[0] != '\x04')
    return make_error(errc::invalid_argument, "'keys.p256dh' must be a P-256 public key");
  if (!secret || secret->size() != 16)
    return make_error(errc::invalid_argument, "'keys.auth' must be 16 bytes (base64url)");
  // Stored in one spelling (unpadded base64url) whatever the browser sent.
  return json{{"endpoint", **endpoint},
              {"p256dh", webpush::base64url_encode(*point)},
              {"auth", webpush::base64url_encode(*secret)}};
}

void subscribe(const node_env& env, route_request&& req, route_reply reply) {
  auto sub = subscription_of(req, env.config && env.config->push_allow_private);
  if (!sub)
    return reply(sub.error());
  // A point that is not on the curve would fail every encryption: refused now.
  if (!webpush::encrypt("", *webpush::base64url_decode((*sub)["p256dh"].get<std::string>()),
                        *webpush::base64url_decode((*sub)["auth"].get<std::string>())))
    return reply(make_error(errc::invalid_argument, "'keys.p256dh' is not a P-256 point"));
  entity_ref<push_subs_protocol>{env.registry, req.who.name}
    .ask(create_atom::value, sub->dump())
    .then(*env.sys, pass_written_json_text(env, std::move(reply), 201));
}

void list_subscriptions(const node_env& env, route_request&& req, route_reply reply) {
  entity_ref<push_subs_protocol>{env.registry, req.who.name}
    .ask(get_atom::value)
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void unsubscribe(const node_env& env, route_request&& req, route_reply reply) {
  const auto& id = req.param("id");
  if (id.empty() || id.size() > 64)
    return reply(make_error(errc::not_found, "no such push subscription"));
  entity_ref<push_subs_protocol>{env.registry, req.who.name}
    .ask(push_unsub_atom::value, id, std::string{"user"})
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

}  // namespace

void add_push_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(get, "push/vapid-key", access::anyone, with_env(env, vapid_key),
             "the VAPID public key (base64url) browsers subscribe to push with");
  routes.add(post, "me/push-subscriptions", access::user, with_env(env, subscribe),
             "adds this browser's push subscription (PushSubscription JSON); at most 10");
  routes
    .add(get, "me/push-subscriptions", access::user, with_env(env, list_subscriptions),
         "the signed-in account's push subscriptions")
    .scope = "user:read";
  routes.add(del, "me/push-subscriptions/{id}", access::user, with_env(env, unsubscribe),
             "removes a push subscription");
}

}  // namespace aethex::actors
