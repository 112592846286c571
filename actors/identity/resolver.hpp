// The one resolver from a bearer token to a principal, for every front end — HTTP routes (through
// node_env::resolve_bearer) and the chat socket (from its actor): the node's admin token is the
// admin principal, a valid session's token is its user, anything else is errc::unauthorized.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/identity/session.hpp"
#include "runtime/errors.hpp"
#include "runtime/principal.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {

/// Bearer tokens are 64 lowercase hex characters (256 random bits).
bool well_formed_token(std::string_view token);

/// Who a token stands for, and the session it opened (empty for the admin token), which a
/// long-lived connection watches for a log-out.
struct resolved_bearer {
  runtime::principal who;
  std::string session_digest;
};

/// True when `token` is the node's admin token (`admin_digest` is its SHA-256).
bool is_admin_token(std::string_view token, std::string_view admin_digest);

/// From code outside any actor; `done` runs on a CAF thread (or at once, without asking an
/// entity, for the admin token and for malformed tokens).
void resolve_bearer(caf::actor_system& sys, const caf::actor& registry,
                    std::string_view admin_digest, const std::string& token,
                    std::function<void(caf::expected<resolved_bearer>)> done);

/// From inside an actor: `done(caf::expected<resolved_bearer>)` runs as one of its messages.
template <class Actor, class Done>
void resolve_bearer(Actor* self, const caf::actor& registry, std::string_view admin_digest,
                    const std::string& token, Done done) {
  if (is_admin_token(token, admin_digest))
    return done(caf::expected<resolved_bearer>{resolved_bearer{runtime::principal::admin(), {}}});
  // Malformed tokens cannot name a session; do not activate an entity for them.
  if (!well_formed_token(token))
    return done(caf::expected<resolved_bearer>{
      make_error(errc::unauthorized, "invalid or expired session")});
  auto digest = runtime::token_digest(token);
  entity_ref<session_protocol>{registry, digest}
    .request(self, get_atom::value)
    .then(
      [done, digest](session_view& view) mutable {
        done(caf::expected<resolved_bearer>{
          resolved_bearer{runtime::principal::user(std::move(view.user)), digest}});
      },
      [done](caf::error& err) mutable { done(caf::expected<resolved_bearer>{std::move(err)}); });
}

}  // namespace aethex::actors
