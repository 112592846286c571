// HTTP details that let caches and CDNs carry live media: cache lifetimes by kind (a session's
// init, parts and segments never change; playlists change every part), strong ETags with
// If-None-Match, single byte ranges (RFC 9110 14) and CORS for players on other origins.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "net/http/server.hpp"

namespace aethex::live {

enum class media_kind {
  playlist,           // changes with every part: caches may keep it for a second
  blocking_playlist,  // the answer to _HLS_msn/_HLS_part: valid as of that part, keep briefly
  immutable,          // init, parts and segments under ll/<session>/: never change
  thumbnail,          // replaced every ~10 s
  recorded,           // a VOD's files: fixed once written, but the owner may hide or delete them
  recorded_private,   // the same for a VOD not everyone may see: no shared cache keeps it
};

/// A 200, 206, 304 or 416 answer for `body` as `req` asks for it (conditional, ranged). Shared
/// media chunks go out without a copy.
/// `etag` names the content (empty: no validator); `cors_origin` empty sends no CORS header.
net::http::response media_response(const net::http::request& req, net::http::payload body,
                                   std::string_view content_type, media_kind kind,
                                   std::string_view etag, std::string_view cors_origin);

/// media_response for a file on disk (a VOD's or a clip's), sent with sendfile; its ETag is
/// `name`-<size> (the files only grow or are replaced under a new name). nullopt when it cannot
/// be opened.
std::optional<net::http::response> file_media_response(
  const net::http::request& req, const std::filesystem::path& path, std::string_view content_type,
  media_kind kind, std::string_view name, std::string_view cors_origin);

/// Adds the CORS header to any response (errors too, so a player can read why).
void allow_origin(net::http::response& res, std::string_view cors_origin);

}  // namespace aethex::live
