// Custom emotes over REST (docs/emotes.md). The owner check of {channel} is the channel
// domain's; the rules of emotes are the entity's. Images are served with their own content type
// and cached by browsers for a year: a changed image has another id, so another URL.
#include <algorithm>
#include <memory>
#include <mutex>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/emotes/emotes.hpp"
#include "actors/emotes/emotes_read_model.hpp"
#include "actors/emotes/image_probe.hpp"
#include "actors/emotes/internal.hpp"
#include "actors/orgs/orgs.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using emotes_ref = entity_ref<emotes_protocol>;

caf::error unknown_channel() { return make_error(errc::not_found, "channel not found"); }

// At most this many orgs' sets are listed beside a channel's own (a channel may be in several).
constexpr std::size_t org_sets_listed = 10;

// The shared sets of the orgs `channel` belongs to (the orgs read model), added to `out` as
// "org_emotes" (each emote naming its "org"), then the answer.
void add_org_emotes(const node_env& env, const std::string& channel, json out, route_reply reply) {
  out["org_emotes"] = json::array();
  auto answer = std::make_shared<json>(std::move(out));
  env.query(std::string{orgs_of_channel_query}, json{{"channel", channel}},
            [env, answer, reply](caf::expected<std::vector<json>> rows) {
              // Without the read model the channel's own list still answers: chat works without
              // them.
              if (!rows || rows->empty())
                return reply(route_response::json(200, *answer));
              if (rows->size() > org_sets_listed)
                rows->resize(org_sets_listed);
              auto left = std::make_shared<std::size_t>(rows->size());
              auto mutex = std::make_shared<std::mutex>();
              for (auto& row : *rows) {
                auto org = row.value("org", "");
                emotes_ref{env.registry, org_emote_set(org)}
                  .ask(emote_list_atom::value)
                  .then(*env.sys, [answer, reply, left, mutex,
                                   org](caf::expected<std::string> list) {
                    std::lock_guard lock{*mutex};
                    auto j = list ? json::parse(*list, nullptr, false) : json();
                    if (j.is_object())
                      for (auto e : j.value("emotes", json::array())) {
                        e["org"] = org;
                        (*answer)["org_emotes"].push_back(std::move(e));
                      }
                    if (--*left > 0)
                      return;
                    auto& all = (*answer)["org_emotes"];
                    std::stable_sort(all.begin(), all.end(), [](const json& a, const json& b) {
                      return a["org"] < b["org"];
                    });
                    reply(route_response::json(200, *answer));
                  });
              }
            });
}

void list_emotes(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(unknown_channel());
  emotes_ref{env.registry, channel}
    .ask(emote_list_atom::value)
    .then(*env.sys, [env, channel, reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      add_org_emotes(env, channel, json::parse(*text), reply);
    });
}

void add_emote(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))  // an org's set (emotes/org-<slug>) is orgstreams' to change
    return reply(unknown_channel());
  // The body's own size limit comes before anything is parsed (the node's is 1 MiB).
  if (req.body.size() > emote_limits::gif_max_bytes)
    return reply(make_error(errc::payload_too_large, "an emote image is at most 512 KiB"));
  emotes_ref{env.registry, channel}
    .ask(emote_add_atom::value, req.param("code"), std::move(req.body), req.who.display())
    .then(*env.sys, pass_written_json_text(env, reply, 201));
}

void delete_emote(const node_env& env, route_request&& req, route_reply reply) {
  if (!valid_channel_name(req.param("channel")))
    return reply(unknown_channel());
  emotes_ref{env.registry, req.param("channel")}
    .ask(emote_delete_atom::value, req.param("code"), req.who.display())
    .then(*env.sys, pass_written_json_text(env, reply));
}

// Sub emotes: {"tier": 0-3}; 0 lets everyone use it.
void set_emote_tier(const node_env& env, route_request&& req, route_reply reply) {
  if (!valid_channel_name(req.param("channel")))
    return reply(unknown_channel());
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"tier"}))
    return reply(err);
  auto tier = body->find("tier");
  if (tier == body->end() || !tier->is_number_integer() || tier->get<std::int64_t>() < 0 ||
      tier->get<std::int64_t>() > 3)
    return reply(make_error(errc::invalid_argument, "tier is 0 (everyone) or 1-3 (subscribers)"));
  emotes_ref{env.registry, req.param("channel")}
    .ask(emote_tier_atom::value, req.param("code"), tier->get<std::int32_t>(), req.who.display())
    .then(*env.sys, pass_written_json_text(env, reply));
}

void take_down_emote(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(unknown_channel());
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"reason"}))
    return reply(err);
  auto reason = string_field(*body, "reason", true);
  if (!reason)
    return reply(reason.error());
  if ((*reason)->size() > emote_limits::max_reason)
    return reply(make_error(errc::invalid_argument, "a reason is at most 200 characters"));
  emotes_ref{env.registry, channel}
    .ask(emote_takedown_atom::value, req.param("code"), std::move(**reason))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void emote_image(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  const auto& id = req.param("id");
  bool hex_id = id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
                  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                });
  // A channel's image, or an org set's (emotes/org-<slug>).
  bool set = valid_channel_name(channel) || valid_org_slug(org_of_emote_set(channel));
  if (!set || !hex_id)
    return reply(make_error(errc::not_found, "no such emote image"));
  entity_ref<emote_image_protocol>{env.registry, emote_image_entity(channel, id)}
    .ask(emote_image_atom::value)
    .then(*env.sys, [reply](caf::expected<std::string> stored) {
      if (!stored)
        return reply(stored.error());
      // "png\n<bytes>" or "gif\n<bytes>" (emote_image_protocol).
      const std::string& text = *stored;
      bool gif = text.starts_with("gif\n");
      route_response res{200, text.substr(4), gif ? "image/gif" : "image/png"};
      res.cache_control = "public, max-age=31536000, immutable";
      reply(std::move(res));
    });
}

void recent_emotes_route(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 50, 1, 100);
  if (!limit)
    return reply(limit.error());
  env.query(std::string{emote_queries::recent}, json{{"limit", *limit}},
            [limit = *limit, reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return std::tuple{a["added_at_ms"], a["channel"], a["code"]} >
                       std::tuple{b["added_at_ms"], b["channel"], b["code"]};
              });
              if (rows->size() > limit)
                rows->resize(limit);
              reply(route_response::json(200, json{{"emotes", std::move(*rows)}}));
            });
}

}  // namespace

void add_emote_routes(route_table& routes, const node_env& env) {
  routes.add(http_method::get, "channels/{channel}/emotes", access::anyone,
             with_env(env, list_emotes),
             "a channel's custom emotes and their limits, and the shared emotes of its orgs "
             "(org_emotes)",
             {"emotes", "org"});
  routes.add(http_method::post, "channels/{channel}/emotes/{code}", access::owner,
             with_env(env, add_emote), "upload a custom emote (the PNG or GIF bytes as the body)");
  routes.add(http_method::put, "channels/{channel}/emotes/{code}", access::owner,
             with_env(env, set_emote_tier), "make an emote a sub emote: {\"tier\": 0-3}");
  routes.add(http_method::del, "channels/{channel}/emotes/{code}", access::owner,
             with_env(env, delete_emote), "delete a custom emote");
  routes.add(http_method::post, "channels/{channel}/emotes/{code}/takedown", access::admin,
             with_env(env, take_down_emote), "take an emote down (operators)");
  routes.add(http_method::get, "emotes/{channel}/{id}", access::anyone, with_env(env, emote_image),
             "an emote's image", {"emote_image"});
  routes.add(http_method::get, "admin/emotes", access::admin, with_env(env, recent_emotes_route),
             "emotes uploaded lately on every channel, newest first");
}

}  // namespace aethex::actors
