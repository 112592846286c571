// Third-party apps and OAuth 2.0 (docs/open-platform.md, section Apps and OAuth; docs/api.md,
// section Apps and OAuth).
//
// app/<client id>: one registered app — its owner, name, redirect URIs, the SHA-256 digest of
// its client secret, the grants it holds (each a user's or its own access token, and a user
// grant's refresh token, kept as digests only) and, in memory, its pending authorization codes.
// developer/<user>: the apps a user registered (at most apps_limits::per_user).
//
// app events (JSON, schema 1): app.registered {"owner","name","redirect_uris","secret_digest"},
// app.secret_rotated {"secret_digest"}, app.deleted {}, app.grant_issued {"grant","user",
// "scopes","access_digest","access_expires_at_ms","refresh_digest","refresh_expires_at_ms"}
// (a refresh re-issues the same grant id), app.grant_revoked {"grant"}.
// developer events: developer.app_added {"client_id","name","redirect_uris"},
// developer.app_removed {"client_id"}.
//
// Tokens name their app, so a bearer token is resolved by asking one entity:
// access "aexa_<client id>_<64 hex>", refresh "aexr_<client id>_<64 hex>"; client secrets are
// "aexs_<64 hex>"; codes are 64 hex. Only their SHA-256 digests are stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/atom.hpp>
#include <caf/expected.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/core/form_encoding.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/principal.hpp"
#include "runtime/secrets.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using app_register_atom = caf::atom_constant<caf::atom("appreg")>;
using app_get_atom = caf::atom_constant<caf::atom("appget")>;
using app_rotate_atom = caf::atom_constant<caf::atom("approtate")>;
using app_delete_atom = caf::atom_constant<caf::atom("appdelete")>;
using app_code_atom = caf::atom_constant<caf::atom("appcode")>;
using app_grant_atom = caf::atom_constant<caf::atom("appgrant")>;
using app_inspect_atom = caf::atom_constant<caf::atom("appinspect")>;
using app_revoke_atom = caf::atom_constant<caf::atom("apprevoke")>;
using dev_add_atom = caf::atom_constant<caf::atom("devadd")>;
using dev_remove_atom = caf::atom_constant<caf::atom("devremove")>;
using dev_list_atom = caf::atom_constant<caf::atom("devlist")>;

namespace apps_limits {
inline constexpr std::size_t per_user = 25;           // apps one account registers
inline constexpr std::size_t name_max = 50;           // code points
inline constexpr std::size_t redirect_uris_max = 10;  // per app
inline constexpr std::size_t redirect_uri_max = 512;  // characters
inline constexpr std::size_t grants_per_user = 10;    // live grants per (app, user); oldest goes
inline constexpr std::size_t app_grants = 10;         // live client-credentials tokens per app
inline constexpr std::size_t pending_codes = 64;      // per app, in memory; oldest goes
inline constexpr std::int64_t access_ttl_ms = 4LL * 60 * 60 * 1000;         // 4 h
inline constexpr std::int64_t refresh_ttl_ms = 30LL * 24 * 60 * 60 * 1000;  // 30 days, rotating
inline constexpr std::int64_t code_ttl_ms = 60'000;                         // single use
}  // namespace apps_limits

/// Every scope of docs/open-platform.md's table, in its order.
const std::vector<std::string>& known_scopes();
/// A space-separated scope list (RFC 6749 §3.3) as sorted unique scopes; nullopt when one is
/// unknown or the list is malformed. An empty text gives an empty list.
std::optional<std::vector<std::string>> parse_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);

/// RFC 7636 S256: BASE64URL(SHA256(verifier)) == challenge, compared in constant time; false
/// for a verifier outside 43-128 characters of [A-Za-z0-9-._~].
bool pkce_s256_matches(std::string_view verifier, std::string_view challenge);
/// BASE64URL (no padding) of SHA-256 of `text`.
std::string base64url_sha256(std::string_view text);

/// Client ids are 24 lowercase hex characters.
bool valid_client_id(std::string_view id);
/// The app a token names ("aexa_…"/"aexr_…" with a well-formed client id and secret part), or
/// nullopt. `refresh` says which prefix is wanted.
std::optional<std::string> client_of_token(std::string_view token, bool refresh);
/// A new token of that kind for `client_id`.
std::string new_app_token(std::string_view client_id, bool refresh);
std::string new_client_secret();

/// application/x-www-form-urlencoded into (name, value) pairs, decoded; nullopt when malformed
/// (bad %-escape) or beyond `max_pairs`.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body,
                                                                           std::size_t max_pairs);
/// A redirect URI an app may register: absolute https, or http on a loopback host (native
/// apps, tests), without a fragment, at most apps_limits::redirect_uri_max characters.
bool valid_redirect_uri(std::string_view uri);

/// Protocol of app/<client id> (JSON text in and out):
///  (app_register_atom, owner, body {"name","redirect_uris"}, secret_digest) -> app JSON
///     {"client_id","name","owner","redirect_uris","created_at_ms"} | conflict | invalid_argument
///  (app_get_atom) -> app JSON | not_found (unknown or deleted)
///  (app_rotate_atom, who, secret_digest) -> app JSON | not_found | forbidden (not the owner)
///  (app_delete_atom, who) -> bool (every grant ends with it) | not_found | forbidden
///  (app_code_atom, user, request {"redirect_uri","scopes","code_challenge"}, code_digest)
///     -> bool | not_found | invalid_argument (redirect URI not registered)
///  (app_grant_atom, request JSON) -> outcome JSON: {"scope","user","expires_in",
///     "refresh": bool} or {"error","error_description","status"} (RFC 6749 §5.2). Request:
///     {"grant_type","secret_digest", "code_digest","code_verifier","redirect_uri" |
///     "refresh_digest" | , "scope"?, "grant","access_digest","new_refresh_digest"}
///  (app_inspect_atom, token digest, secret_digest) -> {"active": false} or {"active": true,
///     "kind": "access"|"refresh","username"?,"scope","exp","iat","client_id"} (exp/iat in
///     seconds); {"error": "invalid_client"} when secret_digest is set and wrong (empty: the
///     node's own resolver asks)
///  (app_revoke_atom, token digest, secret_digest) -> std::string: "" (revoked or unknown),
///     "invalid_client" when the secret is wrong
struct app_protocol {
  static constexpr std::string_view kind = "app";
  static std::string reply_to(app_register_atom, std::string, std::string, std::string);
  static std::string reply_to(app_get_atom);
  static std::string reply_to(app_rotate_atom, runtime::principal, std::string);
  static bool reply_to(app_delete_atom, runtime::principal);
  static bool reply_to(app_code_atom, std::string, std::string, std::string);
  static std::string reply_to(app_grant_atom, std::string);
  static std::string reply_to(app_inspect_atom, std::string, std::string);
  static std::string reply_to(app_revoke_atom, std::string, std::string);
};

/// Protocol of developer/<user>:
///  (dev_add_atom, client_id, app JSON) -> bool | conflict ("apps_full": per_user reached)
///  (dev_remove_atom, client_id) -> bool
///  (dev_list_atom) -> JSON array of {"client_id","name","redirect_uris","created_at_ms"}
struct developer_protocol {
  static constexpr std::string_view kind = "developer";
  static bool reply_to(dev_add_atom, std::string, std::string);
  static bool reply_to(dev_remove_atom, std::string);
  static std::string reply_to(dev_list_atom);
};

/// The principal an app_inspect_atom answer stands for when used as a bearer: the delegated user
/// (user token) or the app (client credentials); errc::unauthorized unless it is a live access
/// token.
caf::expected<runtime::principal> principal_of_inspection(const std::string& answer,
                                                          const std::string& client_id);

/// From inside an actor (the chat socket): resolves an app's access token ("aexa_…");
/// `done(caf::expected<runtime::principal>)` runs as one of the actor's messages.
template <class Actor, class Done>
void resolve_app_token(Actor* self, const caf::actor& registry, const std::string& token,
                       Done done) {
  auto client = client_of_token(token, false);
  if (!client)
    return done(caf::expected<runtime::principal>{
      make_error(errc::unauthorized, "invalid or expired token")});
  entity_ref<app_protocol>{registry, *client}
    .request(self, app_inspect_atom::value, runtime::token_digest(token), std::string{})
    .then(
      [done, client = *client](std::string& answer) mutable {
        done(principal_of_inspection(answer, client));
      },
      [done](caf::error& err) mutable { done(caf::expected<runtime::principal>{std::move(err)}); });
}

/// Registers the "app" and "developer" kinds; their entities read `clock` (outlives them).
void add_app_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock);

}  // namespace aethex::actors
