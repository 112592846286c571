// Tips, the campaign and gift bundles over REST (docs/api.md#tips). A purchase is three hops:
// the channel must exist, tips/<channel> checks the request against its settings and writes the
// checkout request, payments/<provider> opens the checkout the viewer confirms on /pay/<cs>.
#include "actors/channel/channel.hpp"
#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/emotes/emotes.hpp"
#include "actors/payments/checkout.hpp"
#include "actors/tips/internal.hpp"
#include "actors/tips/tips.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using tips_ref = entity_ref<tips_protocol>;

// Runs `next` once channel {channel} exists (404 otherwise).
void with_channel(const node_env& env, const std::string& channel, route_reply reply,
                  std::function<void(const channel_view&)> next) {
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  entity_ref<channel_protocol>{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys, [reply, next](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      next(*view);
    });
}

// tips/<c> writes the checkout request (tips_prepare_atom or tips_gift_prepare_atom); payments
// opens it: {"checkout","url","status"} with 201.
template <class Atom>
void start_purchase(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto payer = req.who.name;
  with_channel(env, channel, reply,
               [env, channel, payer, body = std::move(req.body), reply](const channel_view&) {
                 tips_ref{env.registry, channel}
                   .ask(Atom::value, payer, body)
                   .then(*env.sys, [env, reply](caf::expected<std::string> request) {
                     if (!request)
                       return reply(request.error());
                     entity_ref<payment_provider_protocol>{env.registry,
                                                           payment_provider_id(*env.config)}
                       .ask(checkout_create_atom::value, std::move(*request))
                       .then(*env.sys, pass_written_json_text(env, reply, 201));
                   });
               });
}

void post_tip(const node_env& env, route_request&& req, route_reply reply) {
  start_purchase<tips_prepare_atom>(env, std::move(req), std::move(reply));
}

// An emote is gifted only when the channel has it (emotes/<channel>); other items go on at once.
void post_gift(const node_env& env, route_request&& req, route_reply reply) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object() || body.value("item", std::string{}) != "emote")
    return start_purchase<tips_gift_prepare_atom>(env, std::move(req), std::move(reply));
  auto code = body.value("code", std::string{});
  entity_ref<emotes_protocol>{env.registry, req.param("channel")}
    .ask(emote_list_atom::value)
    .then(*env.sys, [env, req = std::move(req), reply,
                     code](caf::expected<std::string> list) mutable {
      if (!list)
        return reply(list.error());
      auto answer = nlohmann::json::parse(*list, nullptr, false);
      auto emotes = answer.is_object() ? answer.value("emotes", json::array()) : json::array();
      for (auto& e : emotes)
        if (e.is_object() && e.value("code", std::string{}) == code)
          return start_purchase<tips_gift_prepare_atom>(env, std::move(req), std::move(reply));
      reply(make_error(errc::invalid_argument, "the channel has no emote '" + code + "'"));
    });
}

// A read of tips/<c> once the channel exists.
template <class... Ts>
void read_tips(const node_env& env, const std::string& channel, route_reply reply, Ts... xs) {
  with_channel(env, channel, reply, [env, channel, reply, xs...](const channel_view&) {
    tips_ref{env.registry, channel}.ask(xs...).then(*env.sys, pass_json_text(reply));
  });
}

void list_tips(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 50, 1, tip_limits::max_page);
  if (!limit)
    return reply(limit.error());
  read_tips(env, req.param("channel"), reply, tips_list_atom::value,
            static_cast<std::uint32_t>(*limit));
}

void recent_tips(const node_env& env, route_request&& req, route_reply reply) {
  read_tips(env, req.param("channel"), reply, tips_recent_atom::value);
}

void get_settings(const node_env& env, route_request&& req, route_reply reply) {
  read_tips(env, req.param("channel"), reply, tips_settings_atom::value);
}

void put_settings(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  check_channel_role(env, req.who, channel, {"broadcaster", "editor"},
                     [env, channel, body = std::move(req.body), reply](caf::error err) {
                       if (err)
                         return reply(err);
                       tips_ref{env.registry, channel}
                         .ask(tips_configure_atom::value, body)
                         .then(*env.sys, pass_written_json_text(env, reply));
                     });
}

void get_campaign(const node_env& env, route_request&& req, route_reply reply) {
  read_tips(env, req.param("channel"), reply, tips_campaign_atom::value);
}

void post_campaign(const node_env& env, route_request&& req, route_reply reply) {
  tips_ref{env.registry, req.param("channel")}
    .ask(tips_campaign_start_atom::value, std::move(req.body))
    .then(*env.sys, pass_written_json_text(env, reply, 201));
}

void delete_campaign(const node_env& env, route_request&& req, route_reply reply) {
  tips_ref{env.registry, req.param("channel")}
    .ask(tips_campaign_end_atom::value)
    .then(*env.sys, pass_written_json_text(env, reply));
}

void gifts_of(const node_env& env, route_request&& req, route_reply reply) {
  read_tips(env, req.param("channel"), reply, tips_gifts_of_atom::value, req.param("user"));
}

}  // namespace

void add_tips_routes(route_table& routes, const node_env& env) {
  routes.add(http_method::post, "channels/{channel}/tips", access::user, with_env(env, post_tip),
             "tip the channel {amount, message?, anonymous?}: a checkout to confirm on /pay/<cs>");
  routes.add(http_method::get, "channels/{channel}/tips", access::owner, with_env(env, list_tips),
             "the channel's tips, newest first (?limit=1-100)");
  routes.add(http_method::get, "channels/{channel}/tips/recent", access::anyone,
             with_env(env, recent_tips), "the channel's last public tips");
  routes.add(http_method::get, "channels/{channel}/tips/settings", access::anyone,
             with_env(env, get_settings), "minimum tip, TTS minimum, alerts, alert duration");
  routes.add(http_method::put, "channels/{channel}/tips/settings", access::signed_in,
             with_env(env, put_settings), "change the tip settings (broadcaster, editors)");
  routes.add(http_method::get, "channels/{channel}/campaign", access::anyone,
             with_env(env, get_campaign), "the channel's current or last campaign, or null");
  routes.add(http_method::post, "channels/{channel}/campaign", access::owner,
             with_env(env, post_campaign), "start a campaign {title, goal, ends_at_ms?}");
  routes.add(http_method::del, "channels/{channel}/campaign", access::owner,
             with_env(env, delete_campaign), "end the running campaign");
  routes.add(http_method::post, "channels/{channel}/gifts", access::user, with_env(env, post_gift),
             "buy a gift bundle {item: points|emote|badge, to, …}: a checkout");
  routes.add(http_method::get, "channels/{channel}/gifts/{user}", access::anyone,
             with_env(env, gifts_of), "the emotes and badges gifted to a user in the channel");
}

}  // namespace aethex::actors
