// Spotify now playing (docs/music.md, "Spotify"; off unless the node has an app's client id and
// secret): spotify/<channel> holds a channel's link to a Spotify account (the refresh token,
// event-sourced; a secret: never logged, never answered) and, while linked, polls what that
// account plays every 10 s on the node's clock, handing a new track to music/<channel> as
// (music_external_atom, "spotify", …). Spotify is reached through node_env::send_http only.
//
// Events (JSON, schema 1): spotify.linked {"refresh_token","scope","by"},
// spotify.token_rotated {"refresh_token"} (Spotify may hand out a new one on refresh),
// spotify.unlinked {"by","reason": "owner"|"revoked"}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/atom.hpp>

#include "actors/core/form_encoding.hpp"
#include "actors/core/module.hpp"
#include "runtime/atoms.hpp"

namespace aethex::actors {

using spotify_link_atom = caf::atom_constant<caf::atom("spfylink")>;
using spotify_callback_atom = caf::atom_constant<caf::atom("spfycb")>;
using spotify_status_atom = caf::atom_constant<caf::atom("spfystat")>;
using spotify_unlink_atom = caf::atom_constant<caf::atom("spfyunlink")>;
using spotify_wake_atom = caf::atom_constant<caf::atom("spfywake")>;
// The entity's own: its real-time tick and the transport's answers.
using spotify_tick_atom = caf::atom_constant<caf::atom("spfytick")>;
using spotify_http_atom = caf::atom_constant<caf::atom("spfyhttp")>;

namespace spotify {

inline constexpr std::string_view scope = "user-read-currently-playing";
inline constexpr std::string_view callback_path = "/api/v1/music/spotify/callback";
inline constexpr std::int64_t poll_every_ms = 10'000;
inline constexpr std::int64_t backoff_ms = 60'000;     // after 429 / 5xx / a transport failure
inline constexpr std::int64_t state_ttl_ms = 600'000;  // an authorize round trip may take this
inline constexpr std::size_t pending_states_max = 4;   // per channel; the oldest goes first
inline constexpr std::size_t code_max_bytes = 1024;    // Spotify's codes are ~300 characters
inline constexpr std::size_t token_max_bytes = 2048;
inline constexpr std::size_t nonce_hex = 32;  // 16 random bytes

/// A track out of a currently-playing answer, as music/<channel> takes it.
struct now_playing {
  std::string spotify_id;  // empty for a local file (Spotify gives it no id)
  std::string title;
  std::string artist;  // the artists' names joined with ", "
  std::string album;
  /// What tells one play from the next: the id, or title + artist for local files.
  std::string key() const { return spotify_id.empty() ? title + "\n" + artist : spotify_id; }
};

/// GET /v1/me/player/currently-playing: 204 or an empty body → nothing plays; a paused player,
/// an episode or an ad → nothing (only playing tracks count); otherwise the track, with text cut
/// to music's limits (200 code points). nullopt also for a body that is not the documented shape.
std::optional<now_playing> parse_currently_playing(long status, std::string_view body);

/// POST /api/token's answer: the access token, its lifetime in seconds and a refresh token when
/// Spotify sent one (always for a code, sometimes for a refresh). nullopt when malformed.
struct token_answer {
  std::string access_token;
  std::int64_t expires_in_s = 3600;
  std::string refresh_token;
  std::string scope;
};
std::optional<token_answer> parse_token_answer(std::string_view body);

/// "Basic base64(id:secret)" (RFC 6749 §2.3.1).
std::string basic_auth(std::string_view client_id, std::string_view client_secret);

/// The `state` the authorize URL carries: "<channel>.<nonce>" (the nonce held by the entity,
/// single use), and back. nullopt when it is not that shape.
std::string make_state(std::string_view channel, std::string_view nonce);
std::optional<std::pair<std::string, std::string>> split_state(std::string_view state);

/// Spotify's authorize page for a link: <accounts>/authorize?client_id&response_type=code&…
std::string authorize_url(const runtime::spotify_config& config, std::string_view redirect_uri,
                          std::string_view state);
/// Where Spotify sends the browser back: the configured URL, else this node's HTTP address.
std::string redirect_uri(const runtime::spotify_config& config, std::string_view http_endpoint);
/// Both the client id and the secret are set.
bool configured(const runtime::spotify_config& config);

}  // namespace spotify

/// Protocol of spotify/<channel>. The routes check who asks (the channel's owner) and that the
/// node is configured.
///  (spotify_link_atom, by, redirect_uri)  -> a fresh nonce for the authorize URL's state
///  (spotify_callback_atom, nonce, code, error)
///        -> "linked" once the code was exchanged and the refresh token stored | "denied" when
///           Spotify's `error` came back (e.g. access_denied) | invalid_argument (unknown,
///           used or expired state) | unavailable (Spotify did not answer the exchange)
///  (spotify_status_atom)                   -> {"linked","linked_at_ms","problem"} (no tokens)
///  (spotify_unlink_atom, by)               -> "unlinked" (also when it was not linked)
///  (spotify_wake_atom)                     -> (no reply) polling resumes after a restart
struct spotify_protocol {
  static constexpr std::string_view kind = "spotify";
  static std::string reply_to(spotify_link_atom, std::string by, std::string redirect_uri);
  static std::string reply_to(spotify_callback_atom, std::string nonce, std::string code,
                              std::string error);
  static std::string reply_to(spotify_status_atom);
  static std::string reply_to(spotify_unlink_atom, std::string by);
  static void reply_to(spotify_wake_atom);
};

/// Registers spotify/<channel>; Spotify's URLs and credentials come from env.config.
void add_spotify_kind(runtime::entity_kinds& kinds, const node_env& env);
/// channels/{channel}/music/spotify[/link] and music/spotify/callback (docs/api.md, "Spotify").
void add_spotify_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
