// Recorded sessions over HTTP: `/vod/<id>/index.m3u8` (the HLS playlist, byte ranges of the
// recording), `/vod/<id>/media.mp4` (the recording itself: what the player's ranges and the
// owner's download read, with `?download=1` as an attachment) and `/vod/<id>/poster.jpg`.
// Files go out with sendfile and single byte ranges (net/live/media_http.hpp). A VOD that not
// everyone may see is served only with the signed query its API links carry
// (actors/vod/vod_files.hpp); without one it does not exist (404), like in the API.
#pragma once

#include <string_view>

#include "net/http/server.hpp"
#include "net/live/live_context.hpp"

namespace aethex::live {

/// Handles `/vod/…`; returns false for other paths.
bool handle_vod_request(const live_context& ctx, const net::http::request& req,
                        std::string_view path, std::string_view query,
                        net::http::respond_fn& respond);

}  // namespace aethex::live
