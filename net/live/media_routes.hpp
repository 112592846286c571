// Live media served straight from the media sessions' in-memory outputs: fMP4 over WebSocket
// (`/ws/media/<channel>`), LL-HLS (`/hls/<channel>/ll.m3u8` with blocking reload, parts under
// `/hls/<channel>/ll/`) and thumbnails (`/thumb/<channel>.jpg`).
#pragma once

#include <string_view>

#include <caf/actor.hpp>

#include "net/live/live_context.hpp"
#include "net/http/server.hpp"

namespace aethex::live {

/// The `/ws/media/<channel>` WebSocket endpoint.
ws_module make_ws_media_module(const live_context& ctx);

/// The outputs of live sessions this node already looked up: a playlist or segment request is
/// served without asking the media supervisor, until that session's outputs close.
std::shared_ptr<outputs_cache> make_outputs_cache();

/// Handles HLS, LL-HLS and thumbnail requests; returns false for paths that are not its own.
/// Blocking playlist reloads hold `respond` (not a thread) until the part exists or 3 s pass.
/// A playlist fetch counts its player as a viewer: by `?vid=` (the page's per-tab id) when
/// given, else by the address in `peer` ("address:port"). Answers carry cache lifetimes,
/// ETags, ranges and CORS as net/live/media_http.hpp describes.
bool handle_media_request(const live_context& ctx, const net::http::request& req,
                          std::string_view path, std::string_view query, std::string_view peer,
                          net::http::respond_fn& respond);

}  // namespace aethex::live
