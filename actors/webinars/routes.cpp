// Webinars over REST (docs/webinars.md): the webinar itself, registration and who may do what.
// Managers are the channel's broadcaster and editors (the chat room knows them, as for polls and
// music) and, for a channel of an org, the org's owner, admins and instructors (orgs.hpp).
#include "actors/channel/channel.hpp"
#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/orgs/orgs.hpp"
#include "actors/webinars/internal.hpp"
#include "actors/webinars/webinars.hpp"
#include "actors/webinars/webinars_projection.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using webinar_ref = entity_ref<webinar_protocol>;

constexpr const char* manage_scope = "channel:manage";

// The one ask of org/<slug> this domain sends (orgs.hpp's org_role_atom).
struct org_role_protocol {
  static constexpr std::string_view kind = "org";
  static std::string reply_to(org_role_atom, std::string user);
};

caf::error no_channel(const std::string& name) {
  return make_error(errc::not_found, "channel '" + name + "' not found");
}

// Whether an org that holds `channel` lets `user` create webinars on it (any of them does).
void org_allows(const node_env& env, const std::string& user, const std::string& channel,
                std::function<void(bool)> then) {
  env.query(std::string{orgs_of_channel_query}, json{{"channel", channel}},
            [env, user, then](caf::expected<std::vector<json>> rows) {
              if (!rows || rows->empty())
                return then(false);
              auto slug = (*rows)[0].value("org", std::string{});
              if (!valid_org_slug(slug))
                return then(false);
              entity_ref<org_role_protocol>{env.registry, slug}
                .ask(org_role_atom::value, user)
                .then(*env.sys, [then](caf::expected<std::string> role) {
                  then(role && org_role_allows(*role, org_action::create_education));
                });
            });
}

// The webinar as JSON with what the caller may do ("can") and whether they registered.
void get_webinar(const node_env& env, route_request&& req, route_reply reply) {
  const auto& id = req.param("id");
  if (!valid_webinar_id(id))
    return reply(make_error(errc::not_found, "webinar not found"));
  auto who = req.who;
  webinar_ref{env.registry, id}
    .ask(webinar_get_atom::value)
    .then(*env.sys, [env, id, who, reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      webinar_ref{env.registry, id}
        .ask(webinar_access_atom::value, who)
        .then(*env.sys,
              [env, who, reply, w = json::parse(*text)](caf::expected<std::string> can) mutable {
                if (!can)
                  return reply(can.error());
                auto access = json::parse(*can);
                w["registered"] = access.value("registered", false);
                access.erase("registered");
                if (access.value("manage", false) || !who.is_user()) {
                  w["can"] = access;
                  return reply(route_response::json(200, w));
                }
                // An org role (not the entity's to know) makes the caller a manager too.
                webinar_manager(env, who, w.value("channel", ""),
                                [reply, w, access](bool manager) mutable {
                                  if (manager)
                                    access = json{{"watch", true},
                                                  {"ask", true},
                                                  {"moderate", true},
                                                  {"present", true},
                                                  {"manage", true}};
                                  w["can"] = access;
                                  reply(route_response::json(200, w));
                                });
              });
    });
}

void create_webinar(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(no_channel(channel));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto by = req.who.display();
  webinar_manager(env, req.who, channel, [env, channel, by, reply, text = body->dump()](bool ok) {
    if (!ok)
      return reply(make_error(errc::forbidden,
                              "only the channel's owner and editors (or its org's owner, admins "
                              "and instructors) may create webinars"));
    webinar_ref{env.registry, runtime::random_hex(6)}
      .ask(webinar_create_atom::value, channel, by, text)
      .then(*env.sys, pass_written_json_text(env, reply, 201));
  });
}

// Runs `then(webinar JSON)` when the caller manages webinar `id`'s channel.
void as_manager(const node_env& env, const route_request& req, route_reply reply,
                std::function<void(json)> then) {
  const auto& id = req.param("id");
  if (!valid_webinar_id(id))
    return reply(make_error(errc::not_found, "webinar not found"));
  auto who = req.who;
  webinar_ref{env.registry, id}
    .ask(webinar_get_atom::value)
    .then(*env.sys, [env, who, reply, then](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto w = json::parse(*text);
      webinar_manager(env, who, w.value("channel", ""), [reply, then, w](bool ok) {
        if (!ok)
          return reply(make_error(errc::forbidden, "only the webinar's managers may do this"));
        then(w);
      });
    });
}

void update_webinar(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto by = req.who.display();
  auto id = req.param("id");
  as_manager(env, req, reply, [env, id, by, reply, text = body->dump()](const json&) {
    webinar_ref{env.registry, id}
      .ask(webinar_update_atom::value, by, text)
      .then(*env.sys, pass_written_json_text(env, reply));
  });
}

void delete_webinar(const node_env& env, route_request&& req, route_reply reply) {
  auto by = req.who.display();
  auto id = req.param("id");
  as_manager(env, req, reply, [env, id, by, reply](const json&) {
    webinar_ref{env.registry, id}
      .ask(webinar_delete_atom::value, by)
      .then(*env.sys, pass_written_json_text(env, reply));
  });
}

void registration(const node_env& env, route_request&& req, route_reply reply, bool on) {
  const auto& id = req.param("id");
  if (!valid_webinar_id(id))
    return reply(make_error(errc::not_found, "webinar not found"));
  webinar_ref{env.registry, id}
    .ask(webinar_register_atom::value, req.who.name, on)
    .then(*env.sys, pass_written_json_text(env, reply));
}

void channel_webinars(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(no_channel(channel));
  env.query(std::string{webinars_of_channel_query},
            json{{"channel", channel}, {"from_ms", env.clock->now_ms()}},
            [reply, now = env.clock->now_ms()](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a.value("starts_at_ms", 0) < b.value("starts_at_ms", 0);
              });
              for (auto& row : *rows) {
                auto start = row.value("starts_at_ms", std::int64_t{0});
                auto end = start + row.value("duration_min", std::int64_t{0}) * 60'000;
                row["live"] = now >= start && now < end;
              }
              reply(route_response::json(200, json{{"webinars", *rows}}));
            });
}

}  // namespace

void webinar_manager(const node_env& env, const runtime::principal& who, const std::string& channel,
                     std::function<void(bool)> then) {
  if (who.is_admin())
    return then(true);
  if (!who.is_user())
    return then(false);
  check_channel_role(env, who, channel, {"broadcaster", "editor"},
                     [env, who, channel, then](caf::error err) {
                       if (!err)
                         return then(true);
                       org_allows(env, who.name, channel, then);
                     });
}

void add_webinar_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(post, "channels/{channel}/webinars", access::signed_in, with_env(env, create_webinar),
         "schedules a webinar: {title, description?, starts_at_ms, duration_min?, timezone?, "
         "presenters?, access?} (owner, editors; org owner/admins/instructors)")
    .scope = manage_scope;
  routes.add(get, "channels/{channel}/webinars", access::anyone, with_env(env, channel_webinars),
             "a channel's upcoming and live webinars, soonest first");
  routes.add(get, "webinars/{id}", access::anyone, with_caller(env, with_env(env, get_webinar)),
             "a webinar, with what the caller may do (can) and whether they registered");
  routes
    .add(patch, "webinars/{id}", access::signed_in, with_env(env, update_webinar),
         "changes a webinar's fields (managers)")
    .scope = manage_scope;
  routes
    .add(del, "webinars/{id}", access::signed_in, with_env(env, delete_webinar),
         "deletes a webinar (managers)")
    .scope = manage_scope;
  routes.add(
    post, "webinars/{id}/registration", access::user,
    [env](route_request&& req, route_reply reply) {
      registration(env, std::move(req), std::move(reply), true);
    },
    "registers the caller (at most 10000 per webinar)");
  routes.add(
    del, "webinars/{id}/registration", access::user,
    [env](route_request&& req, route_reply reply) {
      registration(env, std::move(req), std::move(reply), false);
    },
    "withdraws the caller's registration");
}

}  // namespace aethex::actors
