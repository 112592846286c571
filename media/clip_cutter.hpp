// Cutting clips out of a recording (media/vod_recorder.hpp's fragmented MP4).
//
// On keyframes (the default) nothing is decoded: the clip is the recording's init segment and
// the fragments from the last keyframe at or before the asked start, for the asked length, each
// fragment's decode time moved so the clip starts at 0. Reading a one-hour recording's fragment
// map touches only its moof boxes (the mdat payloads are skipped), so the cut costs about what
// copying the clip's bytes costs.
//
// Exact trimming starts from a keyframe cut: media/clip_trim.hpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "media/fmp4.hpp"
#include "media/vod_recorder.hpp"

namespace aethex::media {

struct clip_cut {
  double start_s = 0;  // in the recording's media time
  double duration_s = 0;
  bool keyframe_start = false;
  std::uint64_t bytes = 0;
};

/// Seconds from the start of the recording to the last keyframe at or before `start_s` (a
/// negative `start_s` counts back from the end by `duration_s`, as for a live clip), and the
/// start that stands for; nullopt when the recording has no keyframe.
struct clip_start {
  double keyframe_s = 0;
  double start_s = 0;
};
std::optional<clip_start> keyframe_before(const recording_map& map, double start_s,
                                          double duration_s);

/// Writes the keyframe cut of [start_s, start_s + duration_s) of `media` to `out` (through a
/// temporary file renamed at the end). A negative `start_s` counts from the end of what is
/// recorded (a live clip: the last `duration_s`). nullopt, with `error`, when the range holds no
/// keyframe or a file cannot be read or written.
std::optional<clip_cut> cut_on_keyframes(const recording_map& map,
                                         const std::filesystem::path& media, double start_s,
                                         double duration_s, const std::filesystem::path& out,
                                         std::string& error);

}  // namespace aethex::media
