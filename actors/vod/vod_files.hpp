// Where a VOD's files live: <data>/vod/<id>/, on the node that recorded it. The media recorder
// writes them, the VOD domain removes them (delete, retention) and the HTTP front end serves
// them; all three name them here.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "runtime/secrets.hpp"

namespace aethex::actors::vod_files {

/// The media: one fragmented MP4 (init, then moof+mdat pairs appended as they are recorded).
/// It is also the original file the owner downloads.
inline constexpr std::string_view media = "media.mp4";
/// The HLS playlist: byte ranges of `media` (EVENT while recording, VOD with ENDLIST after).
inline constexpr std::string_view playlist = "index.m3u8";
/// What the recording is of (channel, title, category, start, retention), written first: a
/// crash before the VOD entity heard of it still leaves enough to create it at the restart.
inline constexpr std::string_view meta = "meta.json";
inline constexpr std::string_view poster = "poster.jpg";
/// The thumbnail strip: WebVTT cues naming tiles of the sheets "strip-<n>.jpg" (made when the
/// recording ends; media/thumbnail_strip.hpp).
inline constexpr std::string_view thumbnails = "thumbs.vtt";
inline bool is_strip_sheet(std::string_view name) {
  constexpr std::string_view prefix = "strip-", suffix = ".jpg";
  if (!name.starts_with(prefix) || !name.ends_with(suffix) ||
      name.size() <= prefix.size() + suffix.size() ||
      name.size() > prefix.size() + suffix.size() + 6)
    return false;
  auto number = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  return std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}
/// Written once vod/<id> acknowledged the finished recording: a folder without it is reported
/// again when the node starts (it stopped while recording, or before the VOD heard the end).
inline constexpr std::string_view reported = "reported";

/// A VOD id is its publish session's id: 12 lower-case hex digits. Anything else never names a
/// folder (ids come from URLs).
inline bool valid_id(std::string_view id) {
  return id.size() == 12 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

inline std::filesystem::path root(const std::filesystem::path& data_dir) {
  return data_dir / "vod";
}
inline std::filesystem::path dir(const std::filesystem::path& data_dir, std::string_view id) {
  return root(data_dir) / std::filesystem::path{id};
}

/// How long a signed link to a VOD that not everyone may see stays valid.
inline constexpr std::int64_t link_lifetime_ms = 6 * 3600 * 1000;

/// The query that lets its holder fetch the files of VOD `id` until `expires_ms`: the API adds
/// it to the links it shows to those who may see a VOD that is not public (players cannot send
/// a bearer token with every segment request, and a download link cannot send one at all).
inline std::string signed_query(std::string_view key, std::string_view id,
                                std::int64_t expires_ms) {
  auto exp = std::to_string(expires_ms);
  return "exp=" + exp + "&sig=" + runtime::keyed_digest(key, std::string{id} + ':' + exp);
}

/// Whether `sig` and `exp` (as sent) were made by signed_query with `key` and are not expired.
inline bool signature_valid(std::string_view key, std::string_view id, std::string_view sig,
                            std::string_view exp, std::int64_t now_ms) {
  std::int64_t expires = 0;
  auto [end, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), expires);
  if (ec != std::errc{} || end != exp.data() + exp.size() || expires < now_ms)
    return false;
  return runtime::constant_time_equal(sig, runtime::keyed_digest(key, std::string{id} + ':' +
                                                                        std::string{exp}));
}

}  // namespace aethex::actors::vod_files
