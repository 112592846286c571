// Creator analytics over REST: the players' watch heartbeats (anyone; a signed-in viewer is
// counted by user name) and the channel owner's dashboard, as JSON or one table as CSV.
#include "actors/analytics/analytics.hpp"
#include "actors/analytics/internal.hpp"
#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/engagement/engagement.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using analytics_ref = entity_ref<analytics_protocol>;
using channel_ref = entity_ref<channel_protocol>;

caf::error no_such_channel() { return make_error(errc::not_found, "channel not found"); }

caf::expected<watch_beat> beat_of(const route_request& req) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = only_fields(*body, {"viewer", "source", "referrer", "ended"}))
    return err;
  auto viewer = string_field(*body, "viewer", true);
  if (!viewer)
    return viewer.error();
  if (!valid_viewer_id(**viewer))
    return make_error(errc::invalid_argument,
                      "viewer must be 1-64 characters of A-Z, a-z, 0-9, "
                      "'_' and '-'");
  auto source = string_field(*body, "source", true);
  if (!source)
    return source.error();
  if (!valid_watch_source(**source))
    return make_error(errc::invalid_argument,
                      "source must be direct, browse, search, following, notification, raid, "
                      "embed or external");
  auto referrer = string_field(*body, "referrer", false);
  if (!referrer)
    return referrer.error();
  if (*referrer && (*referrer)->size() > analytics_limits::max_referrer_chars)
    return make_error(errc::invalid_argument, "referrer must be at most 200 characters");
  bool ended = false;
  if (auto it = body->find("ended"); it != body->end()) {
    if (!it->is_boolean())
      return make_error(errc::invalid_argument, "'ended' must be true or false");
    ended = it->get<bool>();
  }
  // A signed-in viewer is one viewer whatever players and tabs they use; the prefixes keep a
  // player's id from passing for a user name.
  auto key = req.who.is_user() ? "u:" + req.who.name : "v:" + **viewer;
  return watch_beat{std::move(key), std::move(**source), referrer->value_or(""), ended};
}

void watch(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(no_such_channel());
  auto beat = beat_of(req);
  if (!beat)
    return reply(beat.error());
  auto user = req.who.is_user() ? req.who.name : std::string{};
  channel_ref{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys,
          [env, channel, user, beat = std::move(*beat), reply](caf::expected<channel_view> view) {
            if (!view)
              return reply(view.error());
            // A signed-in viewer of a live stream earns channel points for the real time
            // between beats, never more than one span gap (docs/engagement.md).
            if (!user.empty() && view->live) {
              entity_ref<engagement_protocol> points{env.registry, channel};
              points.tell(points_watch_atom::value, user,
                          std::int64_t{analytics_limits::span_gap_ms / 1000});
              if (beat.source == "raid")  // pays when a raid arrived minutes ago
                points.tell(points_raid_atom::value, user, std::string{});
            }
            analytics_ref{env.registry, channel}
              .ask(analytics_beat_atom::value, beat)
              .then(*env.sys, [reply](caf::expected<bool> taken) {
                if (!taken)
                  return reply(taken.error());
                reply(route_response::json(202, json::object()));
              });
          });
}

// The owner check ran before (access::owner) and found the channel; the admin skips it, so
// the channel is looked up for the admin (404 as for everyone).
void dashboard(const node_env& env, route_request&& req, route_reply reply, bool csv) {
  if (!valid_channel_name(req.param("channel")))
    return reply(no_such_channel());
  auto params = dashboard_params_of(req, env.clock->now_ms());
  if (!params)
    return reply(params.error());
  auto table = req.query_param("table").value_or("series");
  if (csv && !valid_csv_table(table))
    return reply(make_error(errc::invalid_argument,
                            "table must be series, sources, sessions, totals or recent_followers"));
  auto answer = [env, params = std::move(*params), reply, csv, table]() mutable {
    build_dashboard(env, std::move(params), [reply, csv, table](caf::expected<json> figures) {
      if (!figures)
        return reply(figures.error());
      if (!csv)
        return reply(route_response::json(200, *figures));
      auto text = dashboard_csv(*figures, table);
      if (!text)
        return reply(text.error());
      reply(route_response::text(200, "text/csv; charset=utf-8", std::move(*text)));
    });
  };
  if (!req.who.is_admin())
    return answer();  // the owner check found the channel
  channel_ref{env.registry, req.param("channel")}
    .ask(get_atom::value)
    .then(*env.sys, [reply, answer](caf::expected<channel_view> view) mutable {
      if (!view)
        return reply(view.error());
      answer();
    });
}

}  // namespace

void add_analytics_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(post, "channels/{channel}/watch", access::anyone,
             with_caller(env, with_env(env, watch)),
             "a player's watch heartbeat: {viewer, source, referrer?, ended?} (202)");
  routes
    .add(get, "channels/{channel}/analytics", access::owner,
         with_env(env,
                  [](const node_env& e, route_request&& req, route_reply reply) {
                    dashboard(e, std::move(req), std::move(reply), false);
                  }),
         "creator dashboard: totals, series, sources, sessions, recent followers "
         "(from, to, bucket, session)")
    .scope = "analytics:read";
  routes
    .add(get, "channels/{channel}/analytics.csv", access::owner,
         with_env(env,
                  [](const node_env& e, route_request&& req, route_reply reply) {
                    dashboard(e, std::move(req), std::move(reply), true);
                  }),
         "one dashboard table as CSV (table=series|sources|sessions|totals|recent_followers)")
    .scope = "analytics:read";
}

}  // namespace aethex::actors
