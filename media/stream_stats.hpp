// Health figures of a live stream, counted on the frames the copy path carries: frames,
// keyframes, the keyframe interval, frames the publisher dropped (gaps in DECODE timestamps, so
// B-frames, whose presentation times jump around, do not count as drops) and frames that arrive
// well behind the pace their timestamps set (late).
#pragma once

#include <cstdint>
#include <string>

#include "media/codec_info.hpp"
#include "media/elementary.hpp"

namespace aethex::media {

struct stream_stats {
  std::uint64_t video_frames = 0;
  std::uint64_t keyframes = 0;
  std::uint64_t audio_frames = 0;
  std::uint64_t dropped_frames = 0;
  std::uint64_t late_frames = 0;
  std::int64_t keyframe_interval_ms = 0;
  std::string video_codec;  // e.g. "h264 high 3.1 1280x720 30 fps"
  std::string audio_codec;  // e.g. "aac lc 48000 Hz 2 ch"
  int width = 0;
  int height = 0;
};

class stream_meter {
 public:
  /// `arrival_ns` is a steady-clock reading when the frame arrived.
  void on_frame(const media_frame& frame, std::int64_t arrival_ns);
  void on_video(const video_info& info);
  void on_audio(const audio_info& info);
  const stream_stats& stats() const { return stats_; }

 private:
  void describe_video();

  stream_stats stats_;
  std::optional<video_info> video_;
  std::int64_t last_dts_ = -1, last_key_dts_ = -1;
  std::int64_t frame_ticks_ = 0;  // the smallest decode-time step seen: one frame
  std::int64_t first_dts_ = -1, first_arrival_ = 0, min_drift_ = 0, last_late_drift_ = 0;
};

}  // namespace aethex::media
