// Apps and OAuth over REST (docs/api.md, section Apps and OAuth). The routes make the random
// values (client ids, secrets, codes, tokens) and hand the entities only their digests; the
// token, introspection and revocation endpoints answer in the shapes of RFC 6749, 7662 and 7009
// because OAuth client libraries parse those.
#include <algorithm>
#include <map>
#include <utility>
#include <variant>

#include "actors/apps/apps.hpp"
#include "actors/apps/internal.hpp"
#include "actors/core/entity_ref.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using app_ref = entity_ref<app_protocol>;
using developer_ref = entity_ref<developer_protocol>;

constexpr std::size_t max_form_pairs = 16;

const std::string* client_param(const route_request& req, const route_reply& reply) {
  const auto& id = req.param("client_id");
  if (!valid_client_id(id)) {
    reply(make_error(errc::not_found, "app not found"));
    return nullptr;
  }
  return &id;
}

void register_app(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto reg = parse_app_registration(*body);
  if (!reg)
    return reply(reg.error());
  auto client_id = runtime::random_hex(12);
  auto secret = new_client_secret();
  json listed{{"name", reg->name}, {"redirect_uris", reg->redirect_uris}};
  auto owner = req.who.name;
  // The owner's list first: it holds the per-account bound.
  developer_ref{env.registry, owner}
    .ask(dev_add_atom::value, client_id, listed.dump())
    .then(*env.sys, [env, owner, client_id, secret, listed, reply](caf::expected<bool> added) {
      if (!added)
        return reply(added.error());
      app_ref{env.registry, client_id}
        .ask(app_register_atom::value, owner, listed.dump(), runtime::token_digest(secret))
        .then(*env.sys, [env, owner, client_id, secret, reply](caf::expected<std::string> app) {
          if (!app) {
            developer_ref{env.registry, owner}
              .ask(dev_remove_atom::value, client_id)
              .then(*env.sys, [](caf::expected<bool>) {});
            return reply(app.error());
          }
          auto out = json::parse(*app);
          out["client_secret"] = secret;  // shown this once
          reply(route_response::json(201, out));
        });
    });
}

void list_my_apps(const node_env& env, route_request&& req, route_reply reply) {
  developer_ref{env.registry, req.who.name}
    .ask(dev_list_atom::value)
    .then(*env.sys, [reply](caf::expected<std::string> list) {
      if (!list)
        return reply(list.error());
      reply(route_response::json(200, json{{"apps", json::parse(*list)}}));
    });
}

void get_app(const node_env& env, route_request&& req, route_reply reply) {
  const auto* id = client_param(req, reply);
  if (!id)
    return;
  app_ref{env.registry, *id}.ask(app_get_atom::value).then(*env.sys, pass_json_text(reply));
}

void delete_app(const node_env& env, route_request&& req, route_reply reply) {
  const auto* id = client_param(req, reply);
  if (!id)
    return;
  app_ref{env.registry, *id}
    .ask(app_get_atom::value)
    .then(*env.sys, [env, id = *id, who = req.who, reply](caf::expected<std::string> app) {
      if (!app)
        return reply(app.error());
      auto owner = json::parse(*app).value("owner", "");
      app_ref{env.registry, id}
        .ask(app_delete_atom::value, who)
        .then(*env.sys, [env, id, owner, reply](caf::expected<bool> done) {
          if (!done)
            return reply(done.error());
          developer_ref{env.registry, owner}
            .ask(dev_remove_atom::value, id)
            .then(*env.sys, [reply, id](caf::expected<bool>) {
              reply(route_response::json(200, json{{"client_id", id}, {"deleted", true}}));
            });
        });
    });
}

void rotate_secret(const node_env& env, route_request&& req, route_reply reply) {
  const auto* id = client_param(req, reply);
  if (!id)
    return;
  auto secret = new_client_secret();
  app_ref{env.registry, *id}
    .ask(app_rotate_atom::value, req.who, runtime::token_digest(secret))
    .then(*env.sys, [reply, secret](caf::expected<std::string> app) {
      if (!app)
        return reply(app.error());
      auto out = json::parse(*app);
      out["client_secret"] = secret;
      reply(route_response::json(200, out));
    });
}

caf::error bad_authorize(std::string message, std::string reason = "invalid_request") {
  return make_error(errc::invalid_argument, std::move(message), std::move(reason));
}

// The consent page's answer: {"client_id","redirect_uri","scope","state","code_challenge",
// "code_challenge_method": "S256","decision": "allow"|"deny"} → {"redirect": URL}.
void authorize(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"response_type", "client_id", "redirect_uri", "scope", "state",
                                     "code_challenge", "code_challenge_method", "decision"}))
    return reply(err);
  auto text = [&](const char* key) { return body->value(key, std::string{}); };
  for (const char* key : {"response_type", "client_id", "redirect_uri", "scope", "state",
                          "code_challenge", "code_challenge_method", "decision"})
    if (body->contains(key) && !(*body)[key].is_string())
      return reply(bad_authorize(std::string{"'"} + key + "' must be a string"));
  if (body->contains("response_type") && text("response_type") != "code")
    return reply(bad_authorize("response_type must be code", "unsupported_response_type"));
  auto client_id = text("client_id");
  if (!valid_client_id(client_id))
    return reply(make_error(errc::not_found, "app not found"));
  auto scopes = parse_scopes(text("scope"));
  if (!scopes)
    return reply(bad_authorize("unknown scope in '" + text("scope") + "'", "invalid_scope"));
  auto decision = text("decision");
  if (decision != "allow" && decision != "deny")
    return reply(bad_authorize("'decision' must be allow or deny"));
  auto state = text("state");
  if (state.size() > 512)
    return reply(bad_authorize("'state' is at most 512 characters"));
  auto uri = text("redirect_uri");
  auto challenge = text("code_challenge");
  if (decision == "allow") {
    if (text("code_challenge_method") != "S256")
      return reply(bad_authorize("code_challenge_method must be S256 (PKCE)"));
    if (challenge.size() != 43)
      return reply(bad_authorize("code_challenge must be BASE64URL(SHA256(verifier))"));
  }
  auto redirect = [uri, state](std::string query) {
    auto sep = uri.find('?') == std::string::npos ? "?" : "&";
    if (!state.empty())
      query += "&state=" + url_encode(state);
    return uri + sep + query;
  };
  // The redirect URI is checked before the browser is sent anywhere (RFC 6749 §4.1.2.1).
  app_ref{env.registry, client_id}
    .ask(app_get_atom::value)
    .then(*env.sys, [env, client_id, user = req.who.name, uri, challenge, scopes = *scopes,
                     decision, redirect, reply](caf::expected<std::string> app) {
      if (!app)
        return reply(app.error());
      auto uris = json::parse(*app).value("redirect_uris", std::vector<std::string>{});
      if (std::find(uris.begin(), uris.end(), uri) == uris.end())
        return reply(make_error(errc::invalid_argument,
                                "redirect_uri is not registered for this app",
                                "invalid_redirect_uri"));
      if (decision == "deny")
        return reply(route_response::json(200,
                                          json{{"redirect", redirect("error=access_denied")}}));
      auto code = runtime::random_hex(32);
      json request{{"redirect_uri", uri}, {"scopes", scopes}, {"code_challenge", challenge}};
      app_ref{env.registry, client_id}
        .ask(app_code_atom::value, user, request.dump(), runtime::token_digest(code))
        .then(*env.sys, [reply, redirect, code](caf::expected<bool> stored) {
          if (!stored)
            return reply(stored.error());
          reply(route_response::json(200, json{{"redirect", redirect("code=" + code)}}));
        });
    });
}

// ---- RFC 6749 / 7662 / 7009 endpoints ----

route_response oauth_answer(unsigned status, const json& body) {
  auto res = route_response::json(status, body);
  if (status == 401)
    res.headers.emplace_back("WWW-Authenticate", "Basic realm=\"aethex\"");
  return res;
}

route_response oauth_failure(const std::string& code, const std::string& description,
                             unsigned status = 400) {
  return oauth_answer(status, json{{"error", code}, {"error_description", description}});
}

struct oauth_request {
  std::map<std::string, std::string, std::less<>> form;
  std::string client_id;
  std::string secret_digest;
};

// The form body and the client's credentials (HTTP Basic or client_id/client_secret fields), or
// the answer to send instead.
std::variant<oauth_request, route_response> read_oauth_request(const route_request& req) {
  auto pairs = parse_form(req.body, max_form_pairs);
  if (!pairs)
    return oauth_failure("invalid_request", "the body must be application/x-www-form-urlencoded");
  oauth_request out;
  for (auto& [name, value] : *pairs)
    if (!out.form.emplace(name, value).second)
      return oauth_failure("invalid_request", "parameter '" + name + "' is repeated");
  std::string secret;
  auto header = req.headers.find("authorization");
  bool basic = header != req.headers.end() && header->second.starts_with("Basic ");
  if (basic) {
    auto creds = parse_basic_auth(header->second);
    if (!creds || out.form.contains("client_secret"))
      return oauth_failure("invalid_request", "malformed or doubled client authentication");
    out.client_id = creds->first;
    secret = creds->second;
  } else {
    out.client_id = out.form.contains("client_id") ? out.form["client_id"] : "";
    secret = out.form.contains("client_secret") ? out.form["client_secret"] : "";
  }
  if (!valid_client_id(out.client_id) || secret.empty())
    return oauth_failure("invalid_client", "client authentication failed", 401);
  out.secret_digest = runtime::token_digest(secret);
  return out;
}

void token(const node_env& env, route_request&& req, route_reply reply) {
  auto read = read_oauth_request(req);
  if (auto* res = std::get_if<route_response>(&read))
    return reply(std::move(*res));
  auto& in = std::get<oauth_request>(read);
  auto field = [&](std::string_view key) {
    auto it = in.form.find(key);
    return it == in.form.end() ? std::string{} : it->second;
  };
  auto type = field("grant_type");
  json request{{"grant_type", type}, {"secret_digest", in.secret_digest}};
  auto access = new_app_token(in.client_id, false);
  std::string refresh;
  if (type == "authorization_code") {
    if (field("code").empty() || field("code_verifier").empty() || field("redirect_uri").empty())
      return reply(oauth_failure("invalid_request",
                                 "code, code_verifier and redirect_uri are "
                                 "required"));
    request["code_digest"] = runtime::token_digest(field("code"));
    request["code_verifier"] = field("code_verifier");
    request["redirect_uri"] = field("redirect_uri");
    request["grant"] = runtime::random_hex(12);
    refresh = new_app_token(in.client_id, true);
  } else if (type == "refresh_token") {
    auto presented = field("refresh_token");
    if (presented.empty())
      return reply(oauth_failure("invalid_request", "refresh_token is required"));
    if (client_of_token(presented, true) != in.client_id)
      return reply(oauth_failure("invalid_grant", "the refresh token is unknown, used or expired"));
    request["refresh_digest"] = runtime::token_digest(presented);
    refresh = new_app_token(in.client_id, true);
  } else if (type == "client_credentials") {
    request["grant"] = runtime::random_hex(12);
  } else if (type.empty()) {
    return reply(oauth_failure("invalid_request", "grant_type is required"));
  }
  if (type == "refresh_token" || type == "client_credentials") {
    auto scopes = parse_scopes(field("scope"));
    if (!scopes)
      return reply(oauth_failure("invalid_scope", "unknown scope in '" + field("scope") + "'"));
    request["scopes"] = *scopes;
  }
  request["access_digest"] = runtime::token_digest(access);
  if (!refresh.empty())
    request["new_refresh_digest"] = runtime::token_digest(refresh);
  app_ref{env.registry, in.client_id}
    .ask(app_grant_atom::value, request.dump())
    .then(*env.sys, [reply, access, refresh](caf::expected<std::string> outcome) {
      if (!outcome)
        return reply(oauth_failure("temporarily_unavailable", message_of(outcome.error()), 503));
      auto j = json::parse(*outcome);
      if (j.contains("error"))
        return reply(oauth_failure(j.value("error", ""), j.value("error_description", ""),
                                   j.value("status", 400U)));
      json out{{"access_token", access},
               {"token_type", "Bearer"},
               {"expires_in", j.value("expires_in", std::int64_t{0})},
               {"scope", j.value("scope", "")}};
      if (j.value("refresh", false))
        out["refresh_token"] = refresh;
      reply(oauth_answer(200, out));
    });
}

// The client a presented token names (access or refresh), or "".
std::string client_of_any_token(const std::string& token) {
  if (auto client = client_of_token(token, false))
    return *client;
  return client_of_token(token, true).value_or("");
}

// The authenticated client and the digest of the token it presents (RFC 7662/7009 requests):
// "-", which matches nothing, for another app's token, so an app learns about its own tokens
// only; the secret is checked on its own entity either way. A route_response is the refusal.
std::variant<route_response, std::pair<oauth_request, std::string>> presented_token(
  const route_request& req) {
  auto read = read_oauth_request(req);
  if (auto* res = std::get_if<route_response>(&read))
    return std::move(*res);
  auto& in = std::get<oauth_request>(read);
  auto presented = in.form.contains("token") ? in.form["token"] : std::string{};
  if (presented.empty())
    return oauth_failure("invalid_request", "token is required");
  auto digest = client_of_any_token(presented) == in.client_id ? runtime::token_digest(presented)
                                                               : std::string{"-"};
  return std::pair{std::move(in), std::move(digest)};
}

void introspect(const node_env& env, route_request&& req, route_reply reply) {
  auto read = presented_token(req);
  if (auto* res = std::get_if<route_response>(&read))
    return reply(std::move(*res));
  auto& [in, digest] = std::get<1>(read);
  app_ref{env.registry, in.client_id}
    .ask(app_inspect_atom::value, digest, in.secret_digest)
    .then(*env.sys, [reply](caf::expected<std::string> text) {
      if (!text)
        return reply(oauth_failure("temporarily_unavailable", message_of(text.error()), 503));
      auto j = json::parse(*text);
      if (j.contains("error"))
        return reply(oauth_failure("invalid_client", "client authentication failed", 401));
      j.erase("kind");
      reply(oauth_answer(200, j));
    });
}

void revoke(const node_env& env, route_request&& req, route_reply reply) {
  auto read = presented_token(req);
  if (auto* res = std::get_if<route_response>(&read))
    return reply(std::move(*res));
  auto& [in, digest] = std::get<1>(read);
  app_ref{env.registry, in.client_id}
    .ask(app_revoke_atom::value, digest, in.secret_digest)
    .then(*env.sys, [reply](caf::expected<std::string> outcome) {
      if (!outcome)
        return reply(oauth_failure("temporarily_unavailable", message_of(outcome.error()), 503));
      if (*outcome == "invalid_client")
        return reply(oauth_failure("invalid_client", "client authentication failed", 401));
      // RFC 7009 §2.2: 200 whether or not the token was known.
      reply(oauth_answer(200, json::object()));
    });
}

}  // namespace

void add_app_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(post, "apps", access::user, with_env(env, register_app),
             "register an app {name, redirect_uris} → client_id and client_secret (shown once)");
  routes.add(get, "me/apps", access::user, with_env(env, list_my_apps), "the apps I registered")
    .scope = "user:read";
  routes.add(get, "apps/{client_id}", access::anyone, with_env(env, get_app),
             "an app's public registration (name, owner, redirect URIs)");
  routes.add(del, "apps/{client_id}", access::signed_in, with_env(env, delete_app),
             "delete an app (owner or admin); every token it holds ends");
  routes.add(post, "apps/{client_id}/secret", access::signed_in, with_env(env, rotate_secret),
             "rotate an app's client secret (owner or admin); the new one is shown once");
  routes.add(post, "oauth/authorize", access::user, with_env(env, authorize),
             "the signed-in user's consent: allow (a 60 s single-use code) or deny → redirect");
  routes
    .add(post, "oauth/token", access::anyone, with_env(env, token),
         "RFC 6749 token endpoint: authorization_code (PKCE S256), refresh_token, "
         "client_credentials")
    .headers = {"authorization"};
  routes
    .add(post, "oauth/introspect", access::anyone, with_env(env, introspect),
         "RFC 7662 token introspection (the app's own tokens)")
    .headers = {"authorization"};
  routes
    .add(post, "oauth/revoke", access::anyone, with_env(env, revoke),
         "RFC 7009 token revocation (ends the token's grant)")
    .headers = {"authorization"};
}

}  // namespace aethex::actors
