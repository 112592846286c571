// Exact clip trimming that re-encodes only the edges.
//
// A clip asked to start between two keyframes of the source cannot be copied from there: the
// pictures before the next keyframe depend on ones the clip leaves out. So the trimmer decodes
// only that first partial GOP (and the last one, when the clip ends inside a GOP), encodes the
// kept pictures again, and copies every GOP in between byte for byte. The re-encoded edges
// have their own SPS and PPS, so the video sample entry becomes avc3 and each run carries its
// parameter sets in band: the encoder's on the first edge picture, the source's again on the
// first copied keyframe (ISO/IEC 14496-15 5.4.2). Audio is copied sample by sample inside the
// exact window.
//
// Timeline: a source picture presented at p is presented at p - start + C in the clip, where C
// is the composition offset of the first copied keyframe (the source's B-frame delay, 0 when
// nothing is copied). Every run's decode times then follow on from the previous run's, and the
// re-encoded pictures (no B-frames) all take the composition offset that makes them do so.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "media/clip_cutter.hpp"

namespace aethex::media {

/// Trims `keyframe_cut` (a cut_on_keyframes output whose first keyframe is `skip_s` before the
/// wanted start) to exactly `duration_s` from there, re-encoding only the partial GOPs at its
/// edges. Calls `progress` with 0-100 as it goes. Writes `out` (renamed into place).
std::optional<clip_cut> trim_exactly(const std::filesystem::path& keyframe_cut, double skip_s,
                                     double duration_s, const std::filesystem::path& out,
                                     const std::function<void(unsigned)>& progress,
                                     std::string& error);

}  // namespace aethex::media
