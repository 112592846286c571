#include "net/app/api/auth_support.hpp"

#include "actors/session.hpp"
#include "net/app/actor_bridge.hpp"
#include "runtime/secrets.hpp"

namespace aethex::app::api {

bool well_formed_token(std::string_view token) {
  if (token.size() != 64)
    return false;
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

void authenticate(const http_context& ctx, const net::http::request& req, bool allow_admin,
                  std::function<void(caf::expected<runtime::principal>)> done) {
  auto token = bearer_token(req);
  if (token.empty())
    return done(make_error(errc::unauthorized, "sign in first (Authorization: Bearer <token>)"));
  if (is_admin(ctx, req)) {
    if (allow_admin)
      return done(runtime::principal::admin());
    return done(make_error(errc::forbidden, "the admin token does not belong to a user"));
  }
  // Malformed tokens cannot name a session; do not activate an entity for them.
  if (!well_formed_token(token))
    return done(make_error(errc::unauthorized, "invalid or expired session"));
  ask_entity<actors::session_view>(
    *ctx.sys, ctx.registry, "session", runtime::token_digest(token),
    caf::make_message(get_atom::value),
    [done = std::move(done)](caf::expected<actors::session_view> session) {
      if (!session)
        return done(session.error());
      done(runtime::principal::user(std::move(session->user)));
    });
}

std::optional<net::http::response> unknown_field(const json& body,
                                                 std::initializer_list<std::string_view> known) {
  for (auto& [key, _] : body.items()) {
    bool ok = false;
    for (auto name : known)
      ok = ok || key == name;
    if (!ok)
      return net::http::error_response(400, "invalid_argument", "unknown field '" + key + "'");
  }
  return std::nullopt;
}

std::optional<std::string> string_field(const json& body, const char* key, bool required,
                                        std::optional<net::http::response>& error) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (required)
      error = net::http::error_response(400, "invalid_argument",
                                        std::string{"field '"} + key + "' (string) is required");
    return std::nullopt;
  }
  if (!it->is_string()) {
    error = net::http::error_response(400, "invalid_argument",
                                      std::string{"field '"} + key + "' must be a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

json user_json(const actors::user_view& user, bool owner_view) {
  json out{{"username", user.username},
           {"display_name", user.display_name},
           {"bio", user.bio},
           {"avatar_url", user.avatar_url},
           {"created_at_ms", user.created_at_ms}};
  if (owner_view) {
    out["email"] = user.email;
    auto settings = json::parse(user.settings, nullptr, false);
    out["settings"] = settings.is_discarded() ? json::object() : settings;
  }
  return out;
}

}  // namespace aethex::app::api
