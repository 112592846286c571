// Multi-streamer management over REST (docs/organisations.md, "Multi-streamer management"). The
// routes know who calls; orgstreams/<slug> asks org/<slug> whether that caller may, and decides
// every rule itself.
#include <functional>
#include <utility>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/emotes/emotes.hpp"
#include "actors/identity/user.hpp"
#include "actors/orgs/orgs.hpp"
#include "actors/orgstreams/internal.hpp"
#include "actors/orgstreams/orgstreams.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using orgstreams_ref = entity_ref<orgstreams_protocol>;

// The org of the path; a slug that cannot exist is a 404 without asking anyone.
const std::string* org_param(const route_request& req, const route_reply& reply) {
  const auto& org = req.param("org");
  if (!valid_org_slug(org)) {
    reply(make_error(errc::not_found, "org not found"));
    return nullptr;
  }
  return &org;
}

// The caller as orgstreams/<slug> knows it: a user name, or "" for the site admin.
std::string caller_of(const route_request& req) { return req.who.is_admin() ? "" : req.who.name; }

// Runs `command` (built from the request) on orgstreams/<org>.
template <class Build>
route_handler change(const node_env& env, Build build, unsigned status = 200) {
  return [env, build, status](route_request&& req, route_reply reply) {
    const auto* org = org_param(req, reply);
    if (!org)
      return;
    auto command = build(req);
    if (!command)
      return reply(command.error());
    orgstreams_ref{env.registry, *org}
      .ask(orgs_change_atom::value, caller_of(req), command->dump())
      .then(*env.sys, pass_written_json_text(env, std::move(reply), status));
  };
}

// A body {"user", "reason"?} for op; the user must be a user name.
caf::expected<json> user_body(const route_request& req, const char* op, bool reason) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = reason ? only_fields(*body, {"user", "reason"}) : only_fields(*body, {"user"}))
    return err;
  auto user = string_field(*body, "user", true);
  if (!user)
    return user.error();
  if (!valid_username(**user))
    return make_error(errc::invalid_argument, "'user' must be a user name");
  (*body)["op"] = op;
  return *body;
}

caf::expected<json> user_path(const route_request& req, const char* op) {
  const auto& user = req.param("user");
  if (!valid_username(user))
    return make_error(errc::not_found, "no such user");
  return json{{"op", op}, {"user", user}};
}

void get_policy(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  orgstreams_ref{env.registry, *org}
    .ask(orgs_get_atom::value, caller_of(req))
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void schedule_ics(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  orgstreams_ref{env.registry, *org}
    .ask(orgs_ics_atom::value)
    .then(*env.sys, [reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      reply(route_response::text(200, "text/calendar; charset=utf-8", std::move(*text)));
    });
}

// Who streams by member key now: the last member go-live per channel, kept when that session
// is still the channel's live one.
void live_streamers(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  orgstreams_ref{env.registry, *org}
    .ask(orgs_live_atom::value)
    .then(*env.sys, [env, reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto last = json::parse(*text);
      auto out = std::make_shared<json>(json::array());
      auto left = std::make_shared<std::size_t>(last.size());
      if (last.empty())
        return reply(route_response::json(200, json{{"live", *out}}));
      auto mutex = std::make_shared<std::mutex>();
      for (auto it = last.begin(); it != last.end(); ++it) {
        const auto& channel = it.key();
        json entry = it.value();
        entity_ref<channel_protocol>{env.registry, channel}
          .ask(get_atom::value)
          .then(*env.sys,
                [reply, out, left, mutex, channel, entry](caf::expected<channel_view> view) {
                  std::lock_guard lock{*mutex};
                  if (view && view->live && view->session_id == entry.value("session", ""))
                    out->push_back(json{{"channel", channel},
                                        {"streamer", entry.value("member", "")},
                                        {"session", entry.value("session", "")},
                                        {"since_ms", entry.value("since_ms", std::int64_t{0})}});
                  if (--*left == 0)
                    reply(route_response::json(200, json{{"live", *out}}));
                });
      }
    });
}

// The org's shared emotes (orgs_emote_atom): list for anyone, add and delete for managers.
route_handler org_emote(const node_env& env, const char* op) {
  return [env, op = std::string{op}](route_request&& req, route_reply reply) {
    const auto* org = org_param(req, reply);
    if (!org)
      return;
    std::string image;
    if (op == "add") {
      // The body's own limit before anything is read (the emotes domain's largest, a GIF's).
      if (req.body.size() > emote_limits::gif_max_bytes)
        return reply(make_error(errc::payload_too_large, "an emote image is at most 512 KiB"));
      image = std::move(req.body);
    }
    auto code = op == "list" ? std::string{} : req.param("code");
    std::function<void(caf::expected<std::string>)> done;
    if (op == "list")
      done = pass_json_text(std::move(reply));
    else
      done = pass_written_json_text(env, std::move(reply), op == "add" ? 201 : 200);
    orgstreams_ref{env.registry, *org}
      .ask(orgs_emote_atom::value, caller_of(req), op, std::move(code), std::move(image))
      .then(*env.sys, std::move(done));
  };
}

}  // namespace

void add_orgstreams_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(get, "orgs/{org}/streams", access::signed_in, with_env(env, get_policy),
         "the org's multi-streamer policy: shared moderators, bans, go-live rules, schedule "
         "(owner/admin); pushes it to every org channel's chat room")
    .scope = "channel:manage";
  routes
    .add(post, "orgs/{org}/streams/moderators", access::signed_in,
         change(env, [](const route_request& r) { return user_body(r, "add_moderator", false); }),
         "add a shared moderator {user} (owner/admin; at most 100)")
    .scope = "moderator:manage";
  routes
    .add(del, "orgs/{org}/streams/moderators/{user}", access::signed_in,
         change(env, [](const route_request& r) { return user_path(r, "remove_moderator"); }),
         "remove a shared moderator")
    .scope = "moderator:manage";
  routes
    .add(post, "orgs/{org}/streams/bans", access::signed_in,
         change(env, [](const route_request& r) { return user_body(r, "ban", true); }),
         "ban a user from every org channel's chat {user, reason?} (at most 10 000)")
    .scope = "moderator:manage";
  routes
    .add(del, "orgs/{org}/streams/bans/{user}", access::signed_in,
         change(env, [](const route_request& r) { return user_path(r, "unban"); }),
         "lift an org ban")
    .scope = "moderator:manage";
  routes
    .add(put, "orgs/{org}/streams/rules/{channel}", access::signed_in,
         change(env,
                [](const route_request& r) -> caf::expected<json> {
                  auto body = r.json_object();
                  if (!body)
                    return body.error();
                  if (auto err = only_fields(*body, {"members"}))
                    return err;
                  return json{{"op", "set_rule"},
                              {"channel", r.param("channel")},
                              {"members", body->value("members", json())}};
                }),
         "who may go live on an org channel {members: [user]}; newly allowed members' stream "
         "keys are in `keys`, shown once")
    .scope = "channel:manage";
  routes
    .add(post, "orgs/{org}/streams/rules/{channel}/keys/{user}", access::signed_in,
         change(env,
                [](const route_request& r) -> caf::expected<json> {
                  return json{{"op", "rotate_key"},
                              {"channel", r.param("channel")},
                              {"member", r.param("user")}};
                }),
         "a new stream key for an allowed member (the old one stops working; shown once)")
    .scope = "channel:manage";
  routes
    .add(post, "orgs/{org}/schedule", access::signed_in,
         change(
           env,
           [](const route_request& r) -> caf::expected<json> {
             auto body = r.json_object();
             if (!body)
               return body.error();
             if (auto err = only_fields(*body, {"channel", "title", "starts_at_ms", "duration_min",
                                                "streamer"}))
               return err;
             (*body)["op"] = "schedule";
             return *body;
           },
           201),
         "schedule a stream {channel, title, starts_at_ms, duration_min, streamer?} (at most "
         "500 upcoming)")
    .scope = "channel:manage";
  routes
    .add(del, "orgs/{org}/schedule/{id}", access::signed_in,
         change(env,
                [](const route_request& r) -> caf::expected<json> {
                  return json{{"op", "unschedule"}, {"id", r.param("id")}};
                }),
         "remove a schedule entry")
    .scope = "channel:manage";
  routes.add(get, "orgs/{org}/emotes", access::anyone, org_emote(env, "list"),
             "the org's shared emotes, usable in the chat of every org channel, and their limits");
  routes
    .add(post, "orgs/{org}/emotes/{code}", access::signed_in, org_emote(env, "add"),
         "upload a shared emote (the PNG or GIF bytes as the body; owner/admin; a channel's "
         "emote rules)")
    .scope = "channel:manage";
  routes
    .add(del, "orgs/{org}/emotes/{code}", access::signed_in, org_emote(env, "delete"),
         "delete a shared emote (owner/admin)")
    .scope = "channel:manage";
  routes.add(get, "orgs/{org}/schedule.ics", access::anyone, with_env(env, schedule_ics),
             "the org's upcoming streams as iCalendar (RFC 5545, stable UIDs)");
  routes.add(get, "orgs/{org}/live", access::anyone, with_env(env, live_streamers),
             "which member streams on which org channel now (member keys)");
  routes
    .add(get, "orgs/{org}/analytics", access::signed_in,
         with_env(env,
                  [](const node_env& e, route_request&& req, route_reply reply) {
                    org_analytics(e, std::move(req), std::move(reply), false);
                  }),
         "org analytics: totals over its channels and a per-channel breakdown (from, to; "
         "owner/admin)")
    .scope = "analytics:read";
  routes
    .add(get, "orgs/{org}/analytics.csv", access::signed_in,
         with_env(env,
                  [](const node_env& e, route_request&& req, route_reply reply) {
                    org_analytics(e, std::move(req), std::move(reply), true);
                  }),
         "org analytics as CSV: one row per channel and a total row")
    .scope = "analytics:read";
}

}  // namespace aethex::actors
