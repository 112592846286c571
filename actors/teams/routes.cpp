// Teams over REST (docs/esports.md, section Teams). The routes know who calls and check that an
// invited user exists; every rule of the roster is the team/<slug> entity's.
#include <utility>

#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "actors/teams/internal.hpp"
#include "actors/teams/teams.hpp"
#include "actors/teams/teams_projection.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using team_ref = entity_ref<team_protocol>;

caf::error unknown_team() { return make_error(errc::not_found, "team not found"); }

// The team's slug from the path; a slug that cannot exist is a 404 without asking anyone.
const std::string* team_param(const route_request& req, const route_reply& reply) {
  const auto& team = req.param("team");
  if (!valid_team_slug(team)) {
    reply(unknown_team());
    return nullptr;
  }
  return &team;
}

// The required string field "user" of a body, as a user name.
caf::expected<std::string> user_field(const route_request& req) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = only_fields(*body, {"user"}))
    return err;
  auto user = string_field(*body, "user", true);
  if (!user)
    return user.error();
  if (!valid_username(**user))
    return make_error(errc::invalid_argument, "'user' must be a user name");
  return std::move(**user);
}

void create_team(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto slug = string_field(*body, "slug", true);
  if (!slug)
    return reply(slug.error());
  if (!valid_team_slug(**slug))
    return reply(make_error(errc::invalid_argument,
                            "'slug' must be 3-25 characters of a-z, 0-9 and _"));
  team_ref{env.registry, **slug}
    .ask(team_create_atom::value, req.who.name, body->dump())
    .then(*env.sys, pass_written_json_text(env, std::move(reply), 201));
}

void get_team(const node_env& env, route_request&& req, route_reply reply) {
  const auto* team = team_param(req, reply);
  if (!team)
    return;
  team_ref{env.registry, *team}
    .ask(team_get_atom::value)
    .then(*env.sys, [reply, who = req.who](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto j = json::parse(*text);
      // Open invites are the captain's business (and the admin's).
      if (!who.is_admin() && !who.is_user(j.value("captain", "")))
        j.erase("invites");
      reply(route_response::json(200, j));
    });
}

void patch_team(const node_env& env, route_request&& req, route_reply reply) {
  const auto* team = team_param(req, reply);
  if (!team)
    return;
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  team_ref{env.registry, *team}
    .ask(team_patch_atom::value, req.who.name, body->dump())
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void invite(const node_env& env, route_request&& req, route_reply reply) {
  const auto* team = team_param(req, reply);
  if (!team)
    return;
  auto user = user_field(req);
  if (!user)
    return reply(user.error());
  // Only users that exist are invited; the entity checks the rest.
  entity_ref<user_protocol>{env.registry, *user}
    .ask(get_atom::value)
    .then(*env.sys, [env, team = *team, by = req.who.name, user = *user,
                     reply](caf::expected<user_view> account) {
      if (!account)
        return reply(code_of(account.error()) == errc::not_found
                       ? make_error(errc::not_found, "user '" + user + "' not found")
                       : account.error());
      team_ref{env.registry, team}
        .ask(team_invite_atom::value, by, user)
        .then(*env.sys, pass_written_json_text(env, reply, 201));
    });
}

void accept_invite(const node_env& env, route_request&& req, route_reply reply) {
  const auto* team = team_param(req, reply);
  if (!team)
    return;
  team_ref{env.registry, *team}
    .ask(team_accept_atom::value, req.who.name)
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

// The invited user declines (…/invites/decline) or the captain withdraws (…/invites/{user}).
void decline_invite(const node_env& env, route_request&& req, route_reply reply) {
  const auto* team = team_param(req, reply);
  if (!team)
    return;
  auto user = req.params.contains("user") ? req.param("user") : req.who.name;
  if (!valid_username(user))
    return reply(make_error(errc::not_found, "no open invite for " + user));
  team_ref{env.registry, *team}
    .ask(team_decline_atom::value, req.who.name, std::move(user))
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void remove_member(const node_env& env, route_request&& req, route_reply reply) {
  const auto* team = team_param(req, reply);
  if (!team)
    return;
  const auto& user = req.param("user");
  if (!valid_username(user))
    return reply(make_error(errc::not_found, user + " is not on the team"));
  team_ref{env.registry, *team}
    .ask(team_remove_atom::value, req.who.name, user)
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void hand_over(const node_env& env, route_request&& req, route_reply reply) {
  const auto* team = team_param(req, reply);
  if (!team)
    return;
  auto user = user_field(req);
  if (!user)
    return reply(user.error());
  team_ref{env.registry, *team}
    .ask(team_captain_atom::value, req.who.name, *user)
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void my_teams(const node_env& env, route_request&& req, route_reply reply) {
  env.query(std::string{teams_of_user_query}, json{{"user", req.who.name}},
            [reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              auto teams = json::array();
              auto invites = json::array();
              for (auto& row : *rows) {
                if (row.contains("team")) {
                  teams.push_back(row);
                } else if (row.contains("invite")) {
                  row["team"] = row["invite"];
                  row.erase("invite");
                  invites.push_back(row);
                }
              }
              reply(route_response::json(200, json{{"teams", teams}, {"invites", invites}}));
            });
}

}  // namespace

void add_team_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(post, "teams", access::user, with_env(env, create_team),
             "creates a team (slug 3-25 a-z0-9_, name 1-40, tag 1-6, bio <= 500); the caller is "
             "its captain");
  routes.add(get, "teams/{team}", access::anyone, with_caller(env, with_env(env, get_team)),
             "a team: profile, roster, roster locks (open invites for its captain)");
  routes.add(patch, "teams/{team}", access::user, with_env(env, patch_team),
             "changes a team's name, tag or bio (captain)");
  routes.add(post, "teams/{team}/invites", access::user, with_env(env, invite),
             "invites a user (captain; at most 20 open invites, roster at most 20)");
  routes.add(post, "teams/{team}/invites/accept", access::user, with_env(env, accept_invite),
             "the invited user joins the team");
  routes.add(post, "teams/{team}/invites/decline", access::user, with_env(env, decline_invite),
             "the invited user declines");
  routes.add(del, "teams/{team}/invites/{user}", access::user, with_env(env, decline_invite),
             "withdraws an open invite (captain) or declines it (the invited user)");
  routes.add(del, "teams/{team}/members/{user}", access::user, with_env(env, remove_member),
             "kicks a member (captain) or leaves (self); 409 roster_locked during a tournament");
  routes.add(post, "teams/{team}/captain", access::user, with_env(env, hand_over),
             "hands captaincy over to a member (captain)");
  routes
    .add(get, "me/teams", access::user, with_env(env, my_teams),
         "the caller's teams and open invites")
    .scope = "user:read";
}

}  // namespace aethex::actors
