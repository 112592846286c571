// Overlays over REST (docs/api.md#overlays): the owner's list of overlay URLs and its token, the
// token's rotation, the now-playing line, and the check an overlay page makes with its token.
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/overlays/internal.hpp"
#include "actors/overlays/overlays.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using overlays_ref = entity_ref<overlays_protocol>;

// The page's origin as the browser that asked sees it (the URLs are pasted into OBS, which needs
// them absolute); a proxy in front says its scheme in X-Forwarded-Proto.
std::string origin_of(const route_request& req) {
  auto host = req.headers.find("host");
  if (host == req.headers.end() || host->second.empty() ||
      host->second.find_first_of("/\\ \t\"'<>") != std::string::npos)
    return {};
  auto proto = req.headers.find("x-forwarded-proto");
  bool https = proto != req.headers.end() && proto->second == "https";
  return (https ? "https://" : "http://") + host->second;
}

json overlay_list(const std::string& origin, const std::string& channel, const std::string& token) {
  json list = json::array();
  for (const auto& k : overlay_kinds) {
    auto path = "/overlay/" + channel + "/" + std::string{k.kind} + "?token=" + token;
    list.push_back(json{{"kind", k.kind},
                        {"title", k.title},
                        {"path", path},
                        {"url", origin + path},
                        {"width", k.width},
                        {"height", k.height}});
  }
  return list;
}

// {"token", "overlays": [...], "now_playing"}: the token twice over, in the URLs too.
void answer_overlays(const node_env& env, const std::string& channel, const std::string& origin,
                     route_reply reply, std::string token_text, unsigned status) {
  auto token = json::parse(token_text, nullptr, false).value("token", std::string{});
  overlays_ref{env.registry, channel}
    .ask(overlays_playing_atom::value)
    .then(*env.sys, [reply, channel, origin, token, status](caf::expected<std::string> playing) {
      if (!playing)
        return reply(playing.error());
      reply(route_response::json(status,
                                 json{{"channel", channel},
                                      {"token", token},
                                      {"overlays", overlay_list(origin, channel, token)},
                                      {"now_playing", json::parse(*playing, nullptr, false)}}));
    });
}

template <class Atom>
void token_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  auto origin = origin_of(req);
  overlays_ref{env.registry, channel}
    .ask(Atom::value)
    .then(*env.sys, [env, channel, origin, reply](caf::expected<std::string> token) {
      if (!token)
        return reply(token.error());
      answer_overlays(env, channel, origin, reply, *token, 200);
    });
}

void get_overlays(const node_env& env, route_request&& req, route_reply reply) {
  token_route<overlays_token_atom>(env, std::move(req), std::move(reply));
}

void rotate_token(const node_env& env, route_request&& req, route_reply reply) {
  token_route<overlays_rotate_atom>(env, std::move(req), std::move(reply));
}

void get_playing(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  overlays_ref{env.registry, channel}
    .ask(overlays_playing_atom::value)
    .then(*env.sys, pass_json_text(reply));
}

void get_goals(const node_env& env, route_request&& req, route_reply reply) {
  overlays_ref{env.registry, req.param("channel")}
    .ask(overlays_goals_atom::value)
    .then(*env.sys, pass_json_text(reply));
}

void put_goals(const node_env& env, route_request&& req, route_reply reply) {
  overlays_ref{env.registry, req.param("channel")}
    .ask(overlays_set_goals_atom::value, std::move(req.body))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void put_playing(const node_env& env, route_request&& req, route_reply reply) {
  overlays_ref{env.registry, req.param("channel")}
    .ask(overlays_set_playing_atom::value, std::move(req.body))
    .then(*env.sys, pass_written_json_text(env, reply));
}

// The overlay page's check: the kind exists and the token is the channel's current one.
void check_overlay(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  const auto* kind = find_overlay_kind(req.param("kind"));
  if (!valid_channel_name(channel) || !kind)
    return reply(make_error(errc::not_found, "no such overlay"));
  auto token = req.query_param("token").value_or("");
  if (token.empty())
    return reply(make_error(errc::forbidden, "the overlay URL needs its ?token=", "overlay_token"));
  overlays_ref{env.registry, channel}
    .ask(overlays_check_atom::value, std::move(token))
    .then(*env.sys, [reply, channel, kind](caf::expected<std::string> checked) {
      if (!checked)
        return reply(checked.error());
      auto answer = json::parse(*checked, nullptr, false);
      reply(route_response::json(200, json{{"channel", channel},
                                           {"kind", kind->kind},
                                           {"title", kind->title},
                                           {"width", kind->width},
                                           {"height", kind->height},
                                           {"now_playing", answer.value("now_playing", json{})},
                                           {"goals", answer.value("goals", json{})}}));
    });
}

}  // namespace

void add_overlays_routes(route_table& routes, const node_env& env) {
  routes
    .add(http_method::get, "channels/{channel}/overlays", access::owner,
         with_env(env, get_overlays),
         "the channel's OBS overlays {token, overlays: [{kind, url, width, height, title}]}")
    .headers = {"host", "x-forwarded-proto"};
  routes.routes.back().scope = "channel:manage";
  routes
    .add(http_method::post, "channels/{channel}/overlays/token", access::owner,
         with_env(env, rotate_token), "a new overlay token; every URL with the old one stops")
    .headers = {"host", "x-forwarded-proto"};
  routes.routes.back().scope = "channel:manage";
  routes.add(http_method::get, "channels/{channel}/overlays/now-playing", access::anyone,
             with_env(env, get_playing), "the now-playing line {title, artist, at_ms} or null");
  routes
    .add(http_method::put, "channels/{channel}/overlays/now-playing", access::owner,
         with_env(env, put_playing), "set the now-playing line {title, artist?}; empty clears")
    .scope = "channel:manage";
  routes
    .add(http_method::get, "channels/{channel}/overlays/goals", access::owner,
         with_env(env, get_goals), "the goals overlay's follower goal {followers} (null: none)")
    .scope = "channel:manage";
  routes
    .add(http_method::put, "channels/{channel}/overlays/goals", access::owner,
         with_env(env, put_goals), "set the follower goal {followers: 0-100000000 | null}")
    .scope = "channel:manage";
  routes.add(http_method::get, "overlays/{channel}/{kind}", access::anyone,
             with_env(env, check_overlay),
             "an overlay page's config, with its ?token= (403 overlay_token otherwise)");
}

}  // namespace aethex::actors
