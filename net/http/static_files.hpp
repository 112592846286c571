// Files under a root folder served over HTTP (web UI assets, HLS playlists and segments).
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "net/http/server.hpp"

namespace aethex::net::http {

/// MIME type for a file name, by extension.
std::string_view mime_type(std::string_view path);

/// Safe relative path of a URL path below a root: no "..", no NUL, no backslash, decoded %XX.
/// Returns nullopt when the path tries to leave the root or is malformed.
std::optional<std::filesystem::path> safe_relative_path(std::string_view url_path);

/// Reads root/relative into a 200 response with the right type and cache policy, or nullopt
/// when the file does not exist.
std::optional<response> file_response(const std::filesystem::path& root,
                                      const std::filesystem::path& relative,
                                      std::string_view cache_control);

}  // namespace aethex::net::http
