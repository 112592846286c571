// Members, invitations, roles, ownership and channels of an organisation over REST
// (docs/organisations.md, section Routes), plus the caller's own lists (me/orgs,
// me/org-invitations). Existence of the invited user and ownership of the channel are asked of
// user/<name> and channel/<name>; the org/<slug> entity decides the rest.
#include <algorithm>
#include <utility>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "actors/orgs/internal.hpp"
#include "actors/orgs/org_book.hpp"
#include "actors/orgs/org_entity.hpp"
#include "actors/orgs/orgs_projection.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {
using json = nlohmann::json;
using org_ref = entity_ref<org_protocol>;
}  // namespace

const std::string* org_param(const route_request& req, const route_reply& reply) {
  const auto& org = req.param("org");
  if (!valid_org_slug(org)) {
    reply(make_error(errc::not_found, "organisation not found"));
    return nullptr;
  }
  return &org;
}

void run_org_command(const node_env& env, const route_request& req, const route_reply& reply,
                     std::string op, caf::expected<json> body, unsigned status) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  if (!body)
    return reply(body.error());
  org_ref{env.registry, *org}
    .ask(org_cmd_atom::value, req.who.name, req.who.is_admin(), std::move(op), body->dump())
    .then(*env.sys, [env, reply, status](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      env.read_models_changed();
      auto j = json::parse(*text);
      j.erase("invitations");  // the managers' view is GET orgs/{org}/members
      j.erase("previous");
      reply(route_response::json(status, j));
    });
}

namespace {

// The body {"user", …} with "user" a user name, and only `known` fields.
caf::expected<json> user_body(const route_request& req,
                              std::initializer_list<std::string_view> known) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = only_fields(*body, known))
    return err;
  auto user = string_field(*body, "user", true);
  if (!user)
    return user.error();
  if (!valid_username(**user))
    return make_error(errc::invalid_argument, "'user' must be a user name");
  return body;
}

void get_members(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  org_ref{env.registry, *org}
    .ask(org_cmd_atom::value, req.who.name, req.who.is_admin(), std::string{"read"},
         std::string{"{}"})
    .then(*env.sys, [reply, who = req.who](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto j = json::parse(*text);
      std::string role = who.is_admin() ? "owner" : "";
      for (auto& m : j["members"])
        if (m.value("user", "") == who.name)
          role = m.value("role", "");
      json out{{"members", j["members"]}};
      // Pending invitations are for those who manage members.
      if (org_role_allows(role, org_action::manage_members))
        out["invitations"] = j["invitations"];
      reply(route_response::json(200, out));
    });
}

void invite(const node_env& env, route_request&& req, route_reply reply) {
  auto body = user_body(req, {"user", "role"});
  if (!body)
    return reply(body.error());
  auto user = (*body)["user"].get<std::string>();
  entity_ref<user_protocol>{env.registry, user}
    .ask(get_atom::value)
    .then(*env.sys,
          [env, req = std::move(req), body = *body, user, reply](caf::expected<user_view> account) {
            if (!account)
              return reply(code_of(account.error()) == errc::not_found
                             ? make_error(errc::not_found, "user '" + user + "' not found")
                             : account.error());
            run_org_command(env, req, reply, "invite", body, 201);
          });
}

void withdraw_invitation(const node_env& env, route_request&& req, route_reply reply) {
  const auto& user = req.param("user");
  if (!valid_username(user))
    return reply(make_error(errc::not_found, "no pending invitation for " + user));
  run_org_command(env, req, reply, "decline", json{{"user", user}}, 200);
}

void accept_invitation(const node_env& env, route_request&& req, route_reply reply) {
  // The invitee's per-user limit, from the read model (see create_org).
  auto args = json{{"user", req.who.name}};
  env.query(std::string{orgs_of_user_query}, std::move(args),
            [env, req = std::move(req), reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              if (rows->size() >= org_limits::orgs_per_user_max)
                return reply(make_error(errc::conflict, "a user is in at most 100 organisations",
                                        "orgs_full"));
              run_org_command(env, req, reply, "accept", json::object(), 200);
            });
}

void decline_invitation(const node_env& env, route_request&& req, route_reply reply) {
  run_org_command(env, req, reply, "decline", json{{"user", req.who.name}}, 200);
}

void remove_member(const node_env& env, route_request&& req, route_reply reply) {
  const auto& user = req.param("user");
  if (!valid_username(user))
    return reply(make_error(errc::not_found, user + " is not a member"));
  run_org_command(env, req, reply, "remove", json{{"user", user}}, 200);
}

void set_role(const node_env& env, route_request&& req, route_reply reply) {
  const auto& user = req.param("user");
  if (!valid_username(user))
    return reply(make_error(errc::not_found, user + " is not a member"));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"role"}))
    return reply(err);
  auto role = string_field(*body, "role", true);
  if (!role)
    return reply(role.error());
  run_org_command(env, req, reply, "set_role", json{{"user", user}, {"role", **role}}, 200);
}

void transfer(const node_env& env, route_request&& req, route_reply reply) {
  auto body = user_body(req, {"user"});
  run_org_command(env, req, reply, "transfer", std::move(body), 200);
}

// Attach and detach both ask channel/<name> who owns it (a detach of a channel that is gone
// passes on with no owner: the org's admins may still drop it).
void channel_command(const node_env& env, route_request&& req, route_reply reply, std::string op,
                     std::string channel) {
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel '" + channel + "' not found"));
  entity_ref<channel_protocol>{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys, [env, req = std::move(req), reply, op = std::move(op),
                     channel](caf::expected<channel_view> view) {
      if (!view && code_of(view.error()) != errc::not_found)
        return reply(view.error());
      auto owner = view && !view->owner_is_admin ? view->owner : std::string{};
      if (!view && op == "attach")
        return reply(make_error(errc::not_found, "channel '" + channel + "' not found"));
      run_org_command(env, req, reply, op, json{{"channel", channel}, {"channel_owner", owner}},
                      op == "attach" ? 201 : 200);
    });
}

void attach_channel(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"channel"}))
    return reply(err);
  auto channel = string_field(*body, "channel", true);
  if (!channel)
    return reply(channel.error());
  channel_command(env, std::move(req), std::move(reply), "attach", **channel);
}

void detach_channel(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  channel_command(env, std::move(req), std::move(reply), "detach", std::move(channel));
}

void my_orgs(const node_env& env, route_request&& req, route_reply reply) {
  env.query(std::string{orgs_of_user_query}, json{{"user", req.who.name}},
            [reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(),
                        [](const json& a, const json& b) { return a["org"] < b["org"]; });
              reply(route_response::json(200, json{{"orgs", *rows}}));
            });
}

void my_invitations(const node_env& env, route_request&& req, route_reply reply) {
  env.query(std::string{orgs_invitations_query},
            json{{"user", req.who.name}, {"now_ms", env.clock->now_ms()}},
            [reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a["expires_at_ms"] > b["expires_at_ms"];
              });
              reply(route_response::json(200, json{{"invitations", *rows}}));
            });
}

}  // namespace

void add_org_member_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(get, "orgs/{org}/members", access::signed_in, with_env(env, get_members),
         "the member list with roles (members); pending invitations for owner and admins")
    .scope = "user:read";
  add_org_write_route(
    routes, post, "orgs/{org}/invitations", access::signed_in, with_env(env, invite),
    "invites a user {user, role: admin|instructor|member}; expires after 14 days");
  add_org_write_route(routes, del, "orgs/{org}/invitations/{user}", access::signed_in,
                      with_env(env, withdraw_invitation),
                      "withdraws an invitation (owner, admin) or declines it (the invitee)");
  add_org_write_route(routes, post, "orgs/{org}/invitations/accept", access::user,
                      with_env(env, accept_invitation),
                      "the invited caller joins with the invitation's role");
  add_org_write_route(routes, post, "orgs/{org}/invitations/decline", access::user,
                      with_env(env, decline_invitation), "the invited caller declines");
  add_org_write_route(routes, del, "orgs/{org}/members/{user}", access::signed_in,
                      with_env(env, remove_member),
                      "removes a member below the caller's role, or the caller leaves");
  add_org_write_route(
    routes, put, "orgs/{org}/members/{user}/role", access::signed_in, with_env(env, set_role),
    "changes a role {role}: below one's own; only the owner makes or unmakes admins");
  add_org_write_route(routes, post, "orgs/{org}/transfer", access::signed_in,
                      with_env(env, transfer),
                      "hands ownership to a member {user} (owner); the old owner becomes admin");
  add_org_write_route(
    routes, post, "orgs/{org}/channels", access::signed_in, with_env(env, attach_channel),
    "attaches a channel {channel}: its own owner, who is the org's owner or admin");
  add_org_write_route(routes, del, "orgs/{org}/channels/{channel}", access::signed_in,
                      with_env(env, detach_channel),
                      "detaches a channel (owner, admin, or the channel's owner)");
  routes
    .add(get, "me/orgs", access::user, with_env(env, my_orgs),
         "the caller's organisations with their role")
    .scope = "user:read";
  routes
    .add(get, "me/org-invitations", access::user, with_env(env, my_invitations),
         "the caller's pending organisation invitations")
    .scope = "user:read";
}

}  // namespace aethex::actors
