// /api/v1/auth: sign-up and log-in (both rate limited per client address) and log-out with
// bearer tokens. A token is shown once; the node keeps only its SHA-256 as the session's id.
// Password hashes run on the user kind's hash pool; when it is full the answer is 503.
#include <chrono>
#include <memory>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "actors/session.hpp"
#include "actors/entity_support.hpp"
#include "actors/user.hpp"
#include "net/app/actor_bridge.hpp"
#include "net/app/api/api.hpp"
#include "net/app/api/auth_support.hpp"
#include "runtime/limits.hpp"
#include "runtime/secrets.hpp"

namespace aethex::app::api {
namespace {

namespace bhttp = boost::beast::http;
using net::http::error_response;
using net::http::json_response;
using net::http::respond_fn;

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

std::string address_of(const std::string& peer) {
  auto colon = peer.rfind(':');
  return runtime::address_key(colon == std::string::npos ? peer : peer.substr(0, colon));
}

net::http::response too_many(unsigned wait_s, std::string_view message) {
  auto res = error_response(429, "rate_limited", message);
  res.set(bhttp::field::retry_after, std::to_string(wait_s));
  return res;
}

// Domain errors as responses; a busy hash pool (503) says when to come back.
net::http::response failure(const caf::error& err) {
  auto res = error_from(err);
  if (code_of(err) == errc::unavailable)
    res.set(bhttp::field::retry_after, "1");
  return res;
}

// Opens a session for `user` and answers with its token.
void open_session(const http_context& ctx, actors::user_view user, unsigned status,
                  respond_fn respond) {
  auto token = runtime::random_hex(32);
  auto expires = actors::now_ms() + actors::session_lifetime_ms;
  ask_entity<actors::session_view>(
    *ctx.sys, ctx.registry, "session", runtime::token_digest(token),
    caf::make_message(create_atom::value, user.username, expires),
    [respond, status, token, user](caf::expected<actors::session_view> session) {
      if (!session)
        return respond(error_from(session.error()));
      respond(json_response(status, json{{"token", token},
                                         {"expires_at_ms", session->expires_at_ms},
                                         {"user", user_json(user, true)}}
                                      .dump()));
    });
}

void signup(const http_context& ctx, const api_request& req, runtime::window_limiter& limiter,
            respond_fn respond) {
  std::optional<net::http::response> error;
  auto body = parse_object(req.http, error);
  if (!body)
    return respond(std::move(*error));
  if (auto bad = unknown_field(*body, {"username", "password", "email"}))
    return respond(std::move(*bad));
  auto username = string_field(*body, "username", true, error);
  auto password = string_field(*body, "password", true, error);
  auto email = string_field(*body, "email", false, error);
  if (error)
    return respond(std::move(*error));
  if (auto problem = actors::username_problem(*username))
    return respond(error_response(400, "invalid_argument", *problem));
  if (auto problem = actors::password_problem(*password))
    return respond(error_response(400, "invalid_argument", *problem));
  // Counted once the request is well-formed: from here on it costs a hash.
  if (auto wait = limiter.admit(address_of(req.peer)))
    return respond(too_many(wait, "too many sign-ups from this address, try again later"));
  ask_entity<actors::user_view>(
    *ctx.sys, ctx.registry, "user", *username,
    caf::make_message(create_atom::value, email.value_or(""), *password),
    [ctx, respond](caf::expected<actors::user_view> user) {
      if (!user)
        return respond(failure(user.error()));
      open_session(ctx, std::move(*user), 201, respond);
    });
}

void login(const http_context& ctx, const api_request& req, runtime::window_limiter& limiter,
           respond_fn respond) {
  if (auto wait = limiter.admit(address_of(req.peer)))
    return respond(too_many(wait, "too many log-in attempts, try again later"));
  std::optional<net::http::response> error;
  auto body = parse_object(req.http, error);
  if (!body)
    return respond(std::move(*error));
  if (auto bad = unknown_field(*body, {"username", "password"}))
    return respond(std::move(*bad));
  auto username = string_field(*body, "username", true, error);
  auto password = string_field(*body, "password", true, error);
  if (error)
    return respond(std::move(*error));
  if (password->size() > actors::max_password_bytes)
    return respond(error_response(400, "invalid_argument", "passwords are 8-256 bytes long"));
  // A name that cannot exist gets the same answer as a wrong password.
  if (!actors::valid_username(*username))
    return respond(error_response(401, "unauthorized", "wrong username or password"));
  ask_entity<actors::user_view>(*ctx.sys, ctx.registry, "user", *username,
                                caf::make_message(actors::verify_atom::value, *password),
                                [ctx, respond](caf::expected<actors::user_view> user) {
                                  if (!user)
                                    return respond(failure(user.error()));
                                  open_session(ctx, std::move(*user), 200, respond);
                                });
}

void logout(const http_context& ctx, const api_request& req, respond_fn respond) {
  auto token = bearer_token(req.http);
  if (!well_formed_token(token))
    return respond(error_response(401, "unauthorized", "sign in first"));
  ask_entity<bool>(*ctx.sys, ctx.registry, "session", runtime::token_digest(token),
                   caf::make_message(actors::revoke_atom::value),
                   [respond](caf::expected<bool> revoked) {
                     if (!revoked)
                       return respond(error_from(revoked.error()));
                     if (!*revoked)
                       return respond(
                         error_response(401, "unauthorized", "invalid or expired session"));
                     respond(json_response(200, R"({"revoked":true})"));
                   });
}

}  // namespace

void add_auth_routes(route_table& routes, const http_context& ctx) {
  auto limiters = std::make_shared<auth_limiters>(ctx.limits);
  routes.push_back([ctx, limiters](const api_request& req, respond_fn& respond) {
    auto& seg = req.segments;
    if (seg.size() != 2 || seg[0] != "auth")
      return false;
    if (req.http.method() != bhttp::verb::post) {
      respond(error_response(405, "method_not_allowed", "use POST"));
      return true;
    }
    if (seg[1] == "signup")
      signup(ctx, req, limiters->signup, std::move(respond));
    else if (seg[1] == "login")
      login(ctx, req, limiters->login, std::move(respond));
    else if (seg[1] == "logout")
      logout(ctx, req, std::move(respond));
    else
      return false;
    return true;
  });
}

}  // namespace aethex::app::api
