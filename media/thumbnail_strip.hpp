// The thumbnail strip of a VOD, for previews while scrubbing and the clip editor's timeline:
// sprite sheets (strip-<n>.jpg, tiles of 160×90 in rows of 10) and a WebVTT file (thumbs.vtt)
// whose cues name a sheet and a tile (`strip-0.jpg#xywh=160,0,160,90`), the form players read.
//
// Made once a recording has ended, from the recording itself: only one keyframe per interval
// is decoded (a keyframe decodes alone), and nothing of the file but those keyframes and its
// moof boxes is read, so an hour costs ~360 keyframe decodes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace aethex::media {

struct strip_options {
  double interval_s = 10;
  unsigned tile_width = 160;
  unsigned tile_height = 90;
  unsigned columns = 10;
  unsigned rows = 10;  // tiles per sheet: columns × rows
};

struct strip_result {
  std::size_t tiles = 0;
  std::size_t sheets = 0;
};

/// Writes the sheets and thumbs.vtt into `dir` from `dir`/media.mp4 (each through a temporary
/// file). nullopt, with `error`, when the recording has no video or cannot be read.
std::optional<strip_result> make_thumbnail_strip(const std::filesystem::path& dir,
                                                 std::string& error,
                                                 const strip_options& options = {});

}  // namespace aethex::media
