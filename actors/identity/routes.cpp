// /api/v1/auth: sign-up and log-in (both rate limited per client address) and log-out with
// bearer tokens. A token is shown once; the node keeps only its SHA-256 as the session's id.
// Password hashes run on the user kind's hash pool; when it is full the answer is 503.
// /api/v1/me (the signed-in user's own account) and /api/v1/users/{name} (public profiles).
#include <chrono>
#include <memory>

#include "actors/core/entity_ref.hpp"
#include "actors/identity/internal.hpp"
#include "actors/identity/resolver.hpp"
#include "actors/identity/session.hpp"
#include "actors/identity/user.hpp"
#include "runtime/errors.hpp"
#include "runtime/limits.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using user_ref = entity_ref<user_protocol>;
using session_ref = entity_ref<session_protocol>;

// Fixed windows per client address (runtime::window_limiter, at most 10 000 addresses each):
// log-ins make password guessing slow, sign-ups keep one address from filling the hash pool and
// the event store with accounts.
struct auth_limiters {
  explicit auth_limiters(const runtime::node_limits& lim)
      : login{{lim.logins_per_address, std::chrono::minutes(1), 10'000}},
        signup{{lim.signups_per_address, std::chrono::seconds(lim.signup_window_s), 10'000}} {}
  runtime::window_limiter login;
  runtime::window_limiter signup;
};

caf::error too_many(unsigned wait_s, std::string message) {
  return make_error(errc::rate_limited, std::move(message), {}, wait_s);
}

// A busy hash pool (503) says when to come back.
caf::error failure(const caf::error& err) {
  if (code_of(err) == errc::unavailable && retry_after_of(err) == 0)
    return make_error(errc::unavailable, message_of(err), {}, 1);
  return err;
}

json user_json(const user_view& user, bool owner_view) {
  json out{{"username", user.username},
           {"display_name", user.display_name},
           {"bio", user.bio},
           {"avatar_url", user.avatar_url},
           {"created_at_ms", user.created_at_ms}};
  out["bot"] = user.bot;  // a bot account (docs/bots.md)
  if (owner_view) {
    out["email"] = user.email;
    auto settings = json::parse(user.settings, nullptr, false);
    out["settings"] = settings.is_discarded() ? json::object() : settings;
  }
  return out;
}

// Opens a session for `user` and answers with its token.
void open_session(const node_env& env, user_view user, unsigned status, route_reply reply) {
  auto token = runtime::random_hex(32);
  // The session entity checks expiry against the node's clock, which --test-clock may move.
  auto now = env.clock->now_ms();
  session_ref{env.registry, runtime::token_digest(token)}
    .ask(create_atom::value, user.username, now + session_lifetime_ms)
    .then(*env.sys, [reply, status, token, user](caf::expected<session_view> session) {
      if (!session)
        return reply(session.error());
      reply(route_response::json(status, json{{"token", token},
                                              {"expires_at_ms", session->expires_at_ms},
                                              {"user", user_json(user, true)}}));
    });
}

// Username, password and the other string fields of a sign-up or log-in body.
struct credentials {
  std::string username;
  std::string password;
  std::optional<std::string> email;
};

caf::expected<credentials> read_credentials(const route_request& req, bool with_email) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  if (auto err = with_email ? only_fields(*body, {"username", "password", "email"})
                            : only_fields(*body, {"username", "password"}))
    return err;
  auto username = string_field(*body, "username", true);
  if (!username)
    return username.error();
  auto password = string_field(*body, "password", true);
  if (!password)
    return password.error();
  auto email = with_email ? string_field(*body, "email", false) : std::optional<std::string>{};
  if (!email)
    return email.error();
  return credentials{**username, **password, *email};
}

void signup(const node_env& env, runtime::window_limiter& limiter, route_request&& req,
            route_reply reply) {
  auto given = read_credentials(req, true);
  if (!given)
    return reply(given.error());
  if (auto problem = username_problem(given->username))
    return reply(make_error(errc::invalid_argument, *problem));
  if (auto problem = password_problem(given->password))
    return reply(make_error(errc::invalid_argument, *problem));
  // Counted once the request is well-formed: from here on it costs a hash.
  if (auto wait = limiter.admit(req.peer))
    return reply(too_many(wait, "too many sign-ups from this address, try again later"));
  user_ref{env.registry, given->username}
    .ask(create_atom::value, given->email.value_or(""), given->password)
    .then(*env.sys, [env, reply](caf::expected<user_view> user) {
      if (!user)
        return reply(failure(user.error()));
      open_session(env, std::move(*user), 201, reply);
    });
}

void login(const node_env& env, runtime::window_limiter& limiter, route_request&& req,
           route_reply reply) {
  if (auto wait = limiter.admit(req.peer))
    return reply(too_many(wait, "too many log-in attempts, try again later"));
  auto given = read_credentials(req, false);
  if (!given)
    return reply(given.error());
  if (given->password.size() > max_password_bytes)
    return reply(make_error(errc::invalid_argument, "passwords are 8-256 bytes long"));
  // A name that cannot exist gets the same answer as a wrong password.
  if (!valid_username(given->username))
    return reply(make_error(errc::unauthorized, "wrong username or password"));
  user_ref{env.registry, given->username}
    .ask(verify_atom::value, given->password)
    .then(*env.sys, [env, reply](caf::expected<user_view> user) {
      if (!user)
        return reply(failure(user.error()));
      open_session(env, std::move(*user), 200, reply);
    });
}

void logout(const node_env& env, route_request&& req, route_reply reply) {
  if (!well_formed_token(req.bearer))
    return reply(make_error(errc::unauthorized, "sign in first"));
  session_ref{env.registry, runtime::token_digest(req.bearer)}
    .ask(revoke_atom::value)
    .then(*env.sys, [reply](caf::expected<bool> revoked) {
      if (!revoked)
        return reply(revoked.error());
      if (!*revoked)
        return reply(make_error(errc::unauthorized, "invalid or expired session"));
      reply(route_response{200, R"({"revoked":true})"});
    });
}

// Replies with the user as JSON (`owner_view`: with email and settings).
auto user_reply(route_reply reply, bool owner_view) {
  return answer<user_view>(std::move(reply), [owner_view](const user_view& user) {
    return user_json(user, owner_view);
  });
}

void patch_me(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"display_name", "bio", "avatar_url", "email", "settings"}))
    return reply(err);
  // The user entity validates the whole change and applies all of it or nothing.
  user_ref{env.registry, req.who.name}
    .ask(update_atom::value, body->dump())
    .then(*env.sys, user_reply(std::move(reply), true));
}

// PUT me/bot and users/{name}/bot: {"bot": true|false} flags a bot account (docs/bots.md).
void set_bot(const node_env& env, const std::string& name, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"bot"}))
    return reply(err);
  auto it = body->find("bot");
  if (it == body->end() || !it->is_boolean())
    return reply(make_error(errc::invalid_argument, "'bot' must be true or false"));
  if (!valid_username(name))
    return reply(make_error(errc::not_found, "user not found"));
  user_ref{env.registry, name}
    .ask(user_bot_atom::value, it->get<bool>())
    .then(*env.sys, user_reply(std::move(reply), req.who.is_user(name)));
}

}  // namespace

void add_identity_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  auto limiters = std::make_shared<auth_limiters>(env.config->limits);
  routes.add(
    post, "auth/signup", access::anyone,
    [env, limiters](route_request&& req, route_reply reply) {
      signup(env, limiters->signup, std::move(req), std::move(reply));
    },
    "create an account {username, password, email?}; answers a session token");
  routes.add(
    post, "auth/login", access::anyone,
    [env, limiters](route_request&& req, route_reply reply) {
      login(env, limiters->login, std::move(req), std::move(reply));
    },
    "open a session {username, password}; answers its token");
  routes.add(post, "auth/logout", access::anyone, with_env(env, logout),
             "revoke the session of the bearer token");
  routes
    .add(
      get, "me", access::user,
      [env](route_request&& req, route_reply reply) {
        user_ref{env.registry, req.who.name}
          .ask(get_atom::value)
          .then(*env.sys, user_reply(std::move(reply), true));
      },
      "the signed-in account, with email and settings")
    .scope = "user:read";
  routes.add(patch, "me", access::user, with_env(env, patch_me),
             "change display_name, bio, avatar_url, email or settings");
  routes.add(
    put, "me/bot", access::user,
    [env](route_request&& req, route_reply reply) {
      auto name = req.who.name;
      set_bot(env, name, std::move(req), std::move(reply));
    },
    "marks the signed-in account as a bot account (or not) {bot}: chat shows the bot badge");
  routes.add(
    put, "users/{name}/bot", access::admin,
    [env](route_request&& req, route_reply reply) {
      auto name = req.param("name");
      set_bot(env, name, std::move(req), std::move(reply));
    },
    "the admin marks an account as a bot account (or not) {bot}");
  routes.add(
    get, "users/{name}", access::anyone,
    [env](route_request&& req, route_reply reply) {
      auto& name = req.param("name");
      if (!valid_username(name))
        return reply(make_error(errc::not_found, "user not found"));
      user_ref{env.registry, name}
        .ask(get_atom::value)
        .then(*env.sys, user_reply(std::move(reply), false));
    },
    "a public profile");
}

}  // namespace aethex::actors
