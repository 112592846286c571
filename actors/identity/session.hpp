// session/<token digest>: a signed-in browser or client.
//
// The bearer token is a random 256-bit value shown to the client once; the node keys the session
// by its SHA-256 (runtime::token_digest), so a leaked event store does not leak usable tokens.
// Events: session.created {"user","expires_at_ms"}, session.revoked {}.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using revoke_atom = caf::atom_constant<caf::atom("revoke")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;

/// What a valid session tells its callers: who is signed in, until when.
struct session_view {
  std::string user;
  std::int64_t expires_at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_view& x) {
  return f(caf::meta::type_name("session_view"), x.user, x.expires_at_ms);
}

/// How long a session lasts after sign-up or log-in.
inline constexpr std::int64_t session_lifetime_ms = 30LL * 24 * 60 * 60 * 1000;

/// Protocol of ("session", token_digest):
///  (create_atom, user, expires_at_ms) -> session_view           | conflict (digest taken)
///  (get_atom)                         -> session_view           | unauthorized (unknown,
///                                                                  expired or revoked)
///  (revoke_atom)                      -> bool (true when this call revoked it)
///  (watch_atom, actor)                -> bool (false when not valid); the actor gets
///                                        (revoke_atom) when the session is revoked. Open chat
///                                        sockets watch their session, so a log-out reaches them.
caf::actor spawn_session(caf::actor_system& sys, const caf::actor& registry,
                         storage::event_store& store, const std::string& digest,
                         const runtime::clock& clock = runtime::system_clock());

/// The typed protocol of session/<token digest> (actors/core/entity_ref.hpp).
struct session_protocol {
  static constexpr std::string_view kind = "session";
  static session_view reply_to(create_atom, std::string user, std::int64_t expires_at_ms);
  static session_view reply_to(get_atom);
  static bool reply_to(revoke_atom);
  static bool reply_to(watch_atom, caf::actor watcher);
};

/// Registers the "session" kind with its store; its entities read `clock` (which must outlive
/// them) for expiry and idleness.
void add_session_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
