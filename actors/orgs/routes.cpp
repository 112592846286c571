// Organisations over REST (docs/organisations.md, section Routes): create, read, list, update,
// delete, branding, logo, custom domain and the Host-header lookup. The routes know who calls
// and what other entities say (a user exists, who owns a channel, who holds a host); every rule
// of the org is the org/<slug> entity's. Members, invitations and channels: member_routes.cpp.
#include <algorithm>
#include <utility>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/text.hpp"
#include "actors/orgs/internal.hpp"
#include "actors/orgs/org_book.hpp"
#include "actors/orgs/org_entity.hpp"
#include "actors/orgs/orgs_projection.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using org_ref = entity_ref<org_protocol>;
using domain_ref = entity_ref<org_domain_protocol>;

void create_org(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto slug = string_field(*body, "slug", true);
  if (!slug)
    return reply(slug.error());
  if (!valid_org_slug(**slug))
    return reply(make_error(errc::invalid_argument, "'slug' must be [a-z0-9][a-z0-9-]{1,31}"));
  // The per-user limit is read from the read model: two creations at the same instant may both
  // pass at 99 (a bound, not an invariant; the entity cannot see other orgs).
  env.query(std::string{orgs_of_user_query}, json{{"user", req.who.name}},
            [env, by = req.who.name, slug = **slug, body = body->dump(),
             reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              if (rows->size() >= org_limits::orgs_per_user_max)
                return reply(make_error(errc::conflict, "a user is in at most 100 organisations",
                                        "orgs_full"));
              org_ref{env.registry, slug}
                .ask(org_create_atom::value, by, body)
                .then(*env.sys, pass_written_json_text(env, reply, 201));
            });
}

void list_orgs(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 50, 1, 100);
  if (!limit)
    return reply(limit.error());
  auto offset = req.number_param("offset", 0, 0, 100000);
  if (!offset)
    return reply(offset.error());
  auto q = req.query_param("q").value_or("");
  if (q.size() > 100)
    return reply(make_error(errc::invalid_argument, "'q' is at most 100 characters"));
  // ?channel=: the orgs the channel belongs to (its page shows them and their live members).
  auto channel = req.query_param("channel").value_or("");
  if (!channel.empty() && !valid_channel_name(channel))
    return reply(make_error(errc::invalid_argument, "'channel' must be a channel name"));
  env.query(std::string{orgs_list_query},
            json{{"q", q},
                 {"channel", channel},
                 {"limit", static_cast<std::int64_t>(*limit)},
                 {"offset", static_cast<std::int64_t>(*offset)}},
            [reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a["name"] < b["name"] || (a["name"] == b["name"] && a["slug"] < b["slug"]);
              });
              reply(route_response::json(200, json{{"orgs", *rows}}));
            });
}

// The public view: the member list only for members and the site admin.
void public_answer(route_reply reply, const runtime::principal& who,
                   caf::expected<std::string> text) {
  if (!text)
    return reply(text.error());
  auto j = json::parse(*text);
  bool member = false;
  for (auto& m : j["members"])
    member = member || (who.is_user() && m.value("user", "") == who.name);
  if (!member && !who.is_admin())
    j.erase("members");
  reply(route_response::json(200, j));
}

void get_org(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  org_ref{env.registry, *org}
    .ask(org_get_atom::value)
    .then(*env.sys,
          [reply, who = req.who](auto text) { public_answer(reply, who, std::move(text)); });
}

void patch_org(const node_env& env, route_request&& req, route_reply reply) {
  run_org_command(env, req, reply, "update", req.json_object(), 200);
}

// The host a request names, lower-case and without its port.
std::string request_host(const route_request& req) {
  auto it = req.headers.find("host");
  if (it == req.headers.end())
    return {};
  auto host = ascii_lower(it->second);
  if (auto colon = host.rfind(':');
      colon != std::string::npos && host.find(']') == std::string::npos)
    host.resize(colon);
  return host;
}

// Answers {"org": public org JSON | null}: the web app asks on every start, and a 404 would be
// an error in every browser console on hosts no org uses.
void org_by_host(const node_env& env, route_request&& req, route_reply reply) {
  auto none = [reply] { reply(route_response::json(200, json{{"org", nullptr}})); };
  auto host = org_domain_host(request_host(req));
  if (!host)
    return none();
  domain_ref{env.registry, *host}
    .ask(org_get_atom::value)
    .then(*env.sys, [env, host = *host, reply, none](caf::expected<std::string> holder) {
      if (!holder)
        return reply(holder.error());
      if (holder->empty())
        return none();
      org_ref{env.registry, *holder}
        .ask(org_get_atom::value)
        .then(*env.sys, [host, reply, none](caf::expected<std::string> text) {
          // A claim the org no longer backs (a crash between claim and set) answers nothing.
          if (!text || json::parse(*text)["branding"].value("domain", json()) != host)
            return none();
          public_answer(
            [reply](caf::expected<route_response> res) {
              if (res)
                res->body = json{{"org", json::parse(res->body)}}.dump();
              reply(std::move(res));
            },
            runtime::principal::anonymous(), std::move(text));
        });
    });
}

void delete_org(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  org_ref{env.registry, *org}
    .ask(org_cmd_atom::value, req.who.name, req.who.is_admin(), std::string{"delete"},
         std::string{"{}"})
    .then(*env.sys, [env, org = *org, reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      env.read_models_changed();
      auto previous = json::parse(*text).value("previous", "");
      if (previous.empty())
        return reply(route_response::json(200, json{{"slug", org}, {"deleted", true}}));
      domain_ref{env.registry, previous}
        .ask(org_release_atom::value, org)
        .then(*env.sys, [org, reply](caf::expected<std::string>) {
          reply(route_response::json(200, json{{"slug", org}, {"deleted", true}}));
        });
    });
}

void get_branding(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  org_ref{env.registry, *org}.ask(org_get_atom::value).then(*env.sys, [reply](auto text) {
    if (!text)
      return reply(text.error());
    reply(route_response::json(200, json::parse(*text)["branding"]));
  });
}

void put_branding(const node_env& env, route_request&& req, route_reply reply) {
  run_org_command(env, req, reply, "branding", req.json_object(), 200);
}

void get_logo(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  org_ref{env.registry, *org}.ask(org_logo_atom::value).then(*env.sys, [reply](auto text) {
    if (!text)
      return reply(text.error());
    auto j = json::parse(*text);
    auto bytes = org_from_base64(j.value("data", ""));
    if (!bytes)
      return reply(bytes.error());
    route_response res{200, std::move(*bytes), j.value("content_type", "image/png")};
    res.cache_control = "public, max-age=60";
    reply(std::move(res));
  });
}

void put_logo(const node_env& env, route_request&& req, route_reply reply) {
  // The body is the image itself; its size is checked before anything is encoded.
  if (req.body.size() > org_limits::logo_bytes_max)
    return reply(make_error(errc::payload_too_large, "a logo is at most 1 MiB"));
  if (req.body.empty())
    return reply(make_error(errc::invalid_argument, "the body is the logo's PNG or JPEG bytes"));
  run_org_command(env, req, reply, "logo", json{{"data", org_to_base64(req.body)}}, 200);
}

void delete_logo(const node_env& env, route_request&& req, route_reply reply) {
  run_org_command(env, req, reply, "logo_clear", json::object(), 200);
}

struct domain_change {
  node_env env;
  std::string org;
  std::string host;  // "" clears
  runtime::principal who;
  route_reply reply;
};

// Step 3: the org takes the host (or none), then the host it had is released.
void set_org_domain(std::shared_ptr<domain_change> c) {
  org_ref{c->env.registry, c->org}
    .ask(org_cmd_atom::value, c->who.name, c->who.is_admin(), std::string{"domain"},
         json{{"domain", c->host}}.dump())
    .then(*c->env.sys, [c](caf::expected<std::string> text) {
      if (!text) {
        if (!c->host.empty())  // the claim just made goes back
          domain_ref{c->env.registry, c->host}
            .ask(org_release_atom::value, c->org)
            .then(*c->env.sys, [](caf::expected<std::string>) {});
        return c->reply(text.error());
      }
      c->env.read_models_changed();
      auto j = json::parse(*text);
      auto previous = j.value("previous", "");
      j.erase("previous");
      j.erase("invitations");
      c->reply(route_response::json(200, j["branding"]));
      if (!previous.empty() && previous != c->host)
        domain_ref{c->env.registry, previous}
          .ask(org_release_atom::value, c->org)
          .then(*c->env.sys, [](caf::expected<std::string>) {});
    });
}

// Step 2: claim the host; a holder that no longer uses it (its claim outlived a crash, or the
// org is gone) is taken over by compare-and-set.
void claim_domain(std::shared_ptr<domain_change> c, std::string stale) {
  domain_ref{c->env.registry, c->host}
    .ask(org_claim_atom::value, c->org, stale)
    .then(*c->env.sys, [c, stale](caf::expected<std::string> holder) {
      if (!holder)
        return c->reply(holder.error());
      if (*holder == c->org)
        return set_org_domain(c);
      if (!stale.empty())
        return c->reply(make_error(errc::conflict, "another organisation uses this domain",
                                   "domain_taken"));
      org_ref{c->env.registry, *holder}
        .ask(org_get_atom::value)
        .then(*c->env.sys, [c, other = *holder](caf::expected<std::string> text) {
          bool uses = text && json::parse(*text)["branding"].value("domain", json()) == c->host;
          if (uses)
            return c->reply(make_error(errc::conflict, "another organisation uses this domain",
                                       "domain_taken"));
          claim_domain(c, other);
        });
    });
}

void put_domain(const node_env& env, route_request&& req, route_reply reply) {
  const auto* org = org_param(req, reply);
  if (!org)
    return;
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"domain"}))
    return reply(err);
  auto it = body->find("domain");
  if (it == body->end() || !(it->is_null() || it->is_string()))
    return reply(make_error(errc::invalid_argument, "'domain' must be a host name or null"));
  std::string host;
  if (it->is_string()) {
    auto checked = org_domain_host(it->get<std::string>());
    if (!checked)
      return reply(checked.error());
    host = *checked;
  }
  auto c = std::make_shared<domain_change>(domain_change{env, *org, host, req.who, reply});
  // Step 1: may the caller set it at all? (Nobody claims a host for an org they cannot brand.)
  org_ref{env.registry, *org}
    .ask(org_cmd_atom::value, req.who.name, req.who.is_admin(), std::string{"can"},
         json{{"action", "edit_branding"}}.dump())
    .then(*env.sys, [c](caf::expected<std::string> text) {
      if (!text)
        return c->reply(text.error());
      if (c->host.empty())
        return set_org_domain(c);
      claim_domain(c, {});
    });
}

}  // namespace

void add_org_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  add_org_write_route(
    routes, post, "orgs", access::user, with_env(env, create_org),
    "creates an organisation {slug, name, description?}; the caller is its owner");
  routes.add(
    get, "orgs", access::anyone, with_env(env, list_orgs),
    "public list of organisations (?q= name search, ?channel= the orgs of a channel, limit, "
    "offset)");
  routes
    .add(get, "orgs/by-host", access::anyone, with_env(env, org_by_host),
         "{org}: the organisation whose custom domain is the request's Host, or null")
    .headers = {"host"};
  routes.add(get, "orgs/{org}", access::anyone, with_caller(env, with_env(env, get_org)),
             "an organisation's public page (the member list for its members)");
  add_org_write_route(routes, patch, "orgs/{org}", access::signed_in, with_env(env, patch_org),
                      "changes name or description (owner, admin)");
  add_org_write_route(routes, del, "orgs/{org}", access::signed_in, with_env(env, delete_org),
                      "deletes the organisation (owner); its slug is never used again");
  routes.add(get, "orgs/{org}/branding", access::anyone, with_env(env, get_branding),
             "display name, description, colours, logo flag, domain");
  add_org_write_route(routes, put, "orgs/{org}/branding", access::signed_in,
                      with_env(env, put_branding),
                      "sets display name, description (<= 2000), colours #rrggbb (owner, admin)");
  routes.add(get, "orgs/{org}/logo", access::anyone, with_env(env, get_logo),
             "the logo image (PNG or JPEG)");
  add_org_write_route(routes, put, "orgs/{org}/logo", access::signed_in, with_env(env, put_logo),
                      "uploads the logo: PNG or JPEG bytes as the body, <= 1 MiB (owner, admin)");
  add_org_write_route(routes, del, "orgs/{org}/logo", access::signed_in, with_env(env, delete_logo),
                      "removes the logo (owner, admin)");
  add_org_write_route(
    routes, put, "orgs/{org}/domain", access::signed_in, with_env(env, put_domain),
    "sets the custom domain {domain: host | null}, unique across orgs (owner, admin)");
  add_org_member_routes(routes, env);
}

}  // namespace aethex::actors
