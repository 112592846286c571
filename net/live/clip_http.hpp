// Rendered clips over HTTP: `/clips/<id>.mp4` (the file, with sendfile and byte ranges) and
// `/embed/clip/<id>`, a page of its own for other sites' iframes and link previews: crawlers
// read its OpenGraph and Twitter-card tags without running the web UI's script.
#pragma once

#include <string_view>

#include "net/http/server.hpp"
#include "net/live/live_context.hpp"

namespace aethex::live {

/// Handles `/clips/…` and `/embed/clip/…`; returns false for other paths.
bool handle_clip_request(const live_context& ctx, const net::http::request& req,
                         std::string_view path, net::http::respond_fn& respond);

/// `text` with HTML's special characters escaped (for attribute values and text).
std::string html_escape(std::string_view text);

}  // namespace aethex::live
