#include "media/stream_stats.hpp"

#include <algorithm>

namespace aethex::media {
namespace {

constexpr std::int64_t late_after_ns = 500'000'000;
constexpr std::int64_t ns_per_tick = 1'000'000'000 / ticks_per_second;

}  // namespace

void stream_meter::on_video(const video_info& info) {
  video_ = info;
  stats_.width = info.width;
  stats_.height = info.height;
  describe_video();
}

void stream_meter::on_audio(const audio_info& info) {
  stats_.audio_codec = "aac";
  if (!info.profile.empty())
    stats_.audio_codec += " " + info.profile;
  stats_.audio_codec += " " + std::to_string(info.sample_rate) + " Hz " +
                        std::to_string(info.channels) + " ch";
}

void stream_meter::describe_video() {
  if (!video_)
    return;
  auto& v = *video_;
  std::string text = "h264";
  for (auto* part : {&v.profile, &v.level})
    if (!part->empty())
      text += " " + *part;
  if (v.width && v.height)
    text += " " + std::to_string(v.width) + "x" + std::to_string(v.height);
  if (frame_ticks_ > 0)
    text += " " + std::to_string((ticks_per_second + frame_ticks_ / 2) / frame_ticks_) + " fps";
  stats_.video_codec = std::move(text);
}

void stream_meter::on_frame(const media_frame& frame, std::int64_t arrival_ns) {
  if (frame.kind == track_kind::audio) {
    ++stats_.audio_frames;
    return;
  }
  ++stats_.video_frames;
  auto dts = frame.dts;
  if (frame.keyframe) {
    ++stats_.keyframes;
    if (last_key_dts_ >= 0 && dts > last_key_dts_)
      stats_.keyframe_interval_ms = (dts - last_key_dts_) / (ticks_per_second / 1000);
    last_key_dts_ = dts;
  }
  if (last_dts_ >= 0 && dts > last_dts_) {
    auto step = dts - last_dts_;
    if (frame_ticks_ == 0 || step < frame_ticks_) {
      frame_ticks_ = step;
      describe_video();
    } else if (step > frame_ticks_ * 3 / 2) {
      // Millisecond timestamps make steps of 33 and 34 ms at 30 fps: round to whole frames.
      stats_.dropped_frames += static_cast<std::uint64_t>((step + frame_ticks_ / 2) / frame_ticks_ -
                                                          1);
    }
  }
  last_dts_ = std::max(last_dts_, dts);
  if (first_dts_ < 0) {
    first_dts_ = dts;
    first_arrival_ = arrival_ns;
  }
  // Drift: how far arrival lags the timestamps; its minimum is the path's base delay.
  auto drift = (arrival_ns - first_arrival_) - (dts - first_dts_) * ns_per_tick;
  min_drift_ = std::min(min_drift_, drift);
  auto frame_ns = (frame_ticks_ > 0 ? frame_ticks_ : 3000) * ns_per_tick;
  if (drift - min_drift_ > late_after_ns && drift - last_late_drift_ > frame_ns / 2) {
    ++stats_.late_frames;
    last_late_drift_ = drift;
  }
}

}  // namespace aethex::media
