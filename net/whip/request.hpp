// WHIP (RFC 9725) request pieces that need no socket: which resource a path names, the bearer
// token, the layout query and the cheap checks of an offer done before the key is looked at.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aethex::net::whip {

inline constexpr std::size_t max_offer_bytes = 64 * 1024;

/// `/whip/{channel}` (endpoint) or `/whip/{channel}/{session}` (a session's resource).
struct target {
  std::string channel;
  std::string session;  // empty for the endpoint
};
/// nullopt unless `path` is one of the two forms with well-formed names.
std::optional<target> parse_target(std::string_view path);

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive); empty if absent.
std::string bearer_token(std::string_view authorization);

/// The channel a stream key is for (keys are `live_<channel>_<random>`), empty if malformed.
std::string channel_of_key(std::string_view key);

/// The `layout` query parameter: screen (default), camera, screen+camera or side-by-side
/// (`+` may arrive as `%2B`; a literal `+` in a query means a space, which is also accepted).
/// nullopt for any other value.
std::optional<std::string> parse_layout(std::string_view query);

/// Whether a Content-Type names application/sdp (parameters ignored).
bool is_sdp(std::string_view content_type);

/// Cheap shape checks of an offer before anything is started: empty if it may be an SDP offer
/// with at least one audio or video m-line, else what is wrong.
std::string offer_shape_error(std::string_view sdp);

}  // namespace aethex::net::whip
