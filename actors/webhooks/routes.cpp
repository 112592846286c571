// Webhooks over REST: the catalogue, and a channel owner's subscriptions and delivery logs. A new
// subscription's URL is resolved and checked before anything is stored (400 forbidden_address
// for loopback/private targets unless the operator allows them); every delivery checks again.
#include <algorithm>
#include <charconv>

#include "actors/core/entity_ref.hpp"
#include "actors/webhooks/catalogue.hpp"
#include "actors/webhooks/book.hpp"
#include "actors/webhooks/internal.hpp"
#include "actors/webhooks/webhooks.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using webhooks_ref = entity_ref<webhooks_protocol>;

caf::error check_url(const std::string& url) {
  if (url.size() > webhooks::limits::url_bytes)
    return make_error(errc::invalid_argument, "'url' is longer than 2048 bytes");
  if (!url.starts_with("https://") && !url.starts_with("http://"))
    return make_error(errc::invalid_argument, "'url' must be an http:// or https:// URL");
  if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    return make_error(errc::invalid_argument, "'url' must not contain spaces or control bytes");
  return caf::none;
}

void create_webhook(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"type", "url"}))
    return reply(err);
  auto type = string_field(*body, "type", true);
  if (!type)
    return reply(type.error());
  auto url = string_field(*body, "url", true);
  if (!url)
    return reply(url.error());
  if (!webhooks::known_type(**type))
    return reply(make_error(errc::invalid_argument,
                            "'type' must be one of the catalogue's (GET /webhooks/catalogue)"));
  if (auto err = check_url(**url))
    return reply(err);
  outbound_request probe;
  probe.method = "POST";
  probe.url = **url;
  probe.public_only = !(env.config && env.config->webhooks_allow_private);
  probe.resolve_only = true;
  // The transport resolves the host (actors/ does no network I/O); then the entity stores it.
  env.send_http(std::move(probe), [env, channel = req.param("channel"), type = **type, url = **url,
                                   reply](caf::expected<outbound_response> checked) {
    if (!checked)
      return reply(code_of(checked.error()) == errc::invalid_argument
                     ? checked.error()
                     : make_error(errc::unavailable, "cannot check the URL's host now; try later"));
    webhooks_ref{env.registry, channel}
      .ask(webhook_create_atom::value, type, url)
      .then(*env.sys, pass_written_json_text(env, reply, 201));
  });
}

route_handler list_webhooks(const node_env& env) {
  return [env](route_request&& req, route_reply reply) {
    webhooks_ref{env.registry, req.param("channel")}
      .ask(webhook_list_atom::value)
      .then(*env.sys, pass_json_text(reply));
  };
}

route_handler delete_webhook(const node_env& env) {
  return [env](route_request&& req, route_reply reply) {
    webhooks_ref{env.registry, req.param("channel")}
      .ask(webhook_delete_atom::value, req.param("id"))
      .then(*env.sys, pass_written_json_text(env, reply));
  };
}

route_handler webhook_log(const node_env& env) {
  return [env](route_request&& req, route_reply reply) {
    webhooks_ref{env.registry, req.param("channel")}
      .ask(webhook_log_atom::value, req.param("id"))
      .then(*env.sys, pass_json_text(reply));
  };
}

route_handler redeliver_route(const node_env& env) {
  return [env](route_request&& req, route_reply reply) {
    const auto& text = req.param("delivery");
    std::uint64_t delivery = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), delivery);
    if (ec != std::errc{} || end != text.data() + text.size())
      return reply(make_error(errc::not_found, "no delivery '" + text + "'"));
    webhooks_ref{env.registry, req.param("channel")}
      .ask(webhook_redeliver_atom::value, req.param("id"), delivery)
      .then(*env.sys, pass_written_json_text(env, reply, 202));
  };
}

json catalogue_json() {
  json types = json::array();
  for (const auto& entry : webhooks::catalogue())
    types.push_back(json{{"type", entry.type}, {"description", entry.description}});
  return json{{"types", types}};
}

}  // namespace

void add_webhooks_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(
    get, "webhooks/catalogue", access::anyone,
    [](route_request&&, route_reply reply) { reply(route_response::json(200, catalogue_json())); },
    "the public event types webhooks and bots can subscribe to");
  routes
    .add(post, "channels/{channel}/webhooks", access::owner, with_env(env, create_webhook),
         "subscribes a URL to one event type: {\"type\",\"url\"} → id, secret (shown once)")
    .scope = "webhooks:manage";
  routes
    .add(get, "channels/{channel}/webhooks", access::owner, list_webhooks(env),
         "the channel's webhook subscriptions and their status")
    .scope = "webhooks:manage";
  routes
    .add(del, "channels/{channel}/webhooks/{id}", access::owner, delete_webhook(env),
         "removes a webhook subscription")
    .scope = "webhooks:manage";
  routes
    .add(get, "channels/{channel}/webhooks/{id}/deliveries", access::owner, webhook_log(env),
         "the last 100 deliveries of a subscription, newest first")
    .scope = "webhooks:manage";
  routes
    .add(post, "channels/{channel}/webhooks/{id}/deliveries/{delivery}/redeliver", access::owner,
         redeliver_route(env), "sends a logged notification again")
    .scope = "webhooks:manage";
}

}  // namespace aethex::actors
