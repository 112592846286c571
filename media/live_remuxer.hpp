// The copy path's muxer: elementary streams in, fMP4 units out, no decoding and no threads.
//
// It waits until it knows which tracks to carry (each announced track has its configuration and
// data, or one second of media passed without the missing one), writes one init segment, then
// cuts fragments of about `fragment_ms` per track. Video fragments start on keyframes, and when
// a keyframe arrives the fragments before it go out at once with a `segment_end` unit, so HLS
// can publish the finished segment without waiting for the next fragment to fill.
// Timestamps are rebased to the first keyframe (or first audio frame) and kept monotonic;
// audio time counts samples (1024 per AAC frame, a FLAC frame's block size) and follows the input
// only across real gaps, so millisecond-rounded FLV timestamps do not jitter the audio timeline.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/codec_info.hpp"
#include "media/elementary.hpp"
#include "media/fmp4_writer.hpp"

namespace aethex::media {

struct remux_options {
  unsigned fragment_ms = 100;
  unsigned track_wait_ms = 1000;             // how long an announced track may stay silent
  std::size_t max_waiting_bytes = 8u << 20;  // media held while the track set is undecided
};

struct remux_unit {
  enum class type { init, fragment, segment_end } kind = type::fragment;
  std::shared_ptr<const byte_vector> data;  // init or moof+mdat bytes
  std::uint32_t track_id = 0;
  bool video = false;
  bool keyframe = false;  // a video fragment that starts with a sync sample
  std::uint64_t decode_time = 0;
  std::uint64_t duration = 0;
  std::uint32_t timescale = 0;
  std::uint32_t samples = 0;
};

class live_remuxer {
 public:
  explicit live_remuxer(remux_options options = {});

  /// Takes one demuxer event and appends the units it completes to `out`.
  void push(demux_event event, std::vector<remux_unit>& out);
  /// End of input: writes what is still held.
  void flush(std::vector<remux_unit>& out);

  bool started() const { return started_; }
  /// The input dts that media time 0 stands for, once started.
  std::optional<std::int64_t> base_dts() const {
    return started_ ? std::optional{base_dts_} : std::nullopt;
  }
  /// Before the start: use `dts` as media time 0 instead of the first keyframe's, so a
  /// rendition made from the same source keeps the source's timeline.
  void follow_base(std::int64_t dts) { fixed_base_ = dts; }
  bool has_video() const { return video_.carried; }
  bool has_audio() const { return audio_.carried; }
  /// `video/mp4; codecs="…"` once started, for MediaSource.
  const std::string& mime() const { return mime_; }
  const std::optional<video_info>& video() const { return video_info_; }
  const std::optional<audio_info>& audio() const { return audio_info_; }
  /// Frames dropped because their track is not carried or they predate the start.
  std::uint64_t discarded_frames() const { return discarded_; }

 private:
  struct pending_sample {
    byte_vector data;
    std::int64_t time = 0;  // track timescale, rebased
    std::int32_t cts = 0;
    bool sync = false;
    std::uint32_t duration = 0;
  };
  struct track {
    std::uint32_t id = 0;
    std::uint32_t timescale = 0;
    bool carried = false;
    byte_vector config;
    std::vector<pending_sample> samples;   // the open fragment
    std::optional<pending_sample> held;    // video: waits for the next frame to learn its duration
    std::int64_t next_time = -1;           // audio: where the next sample starts
    std::int64_t frame_ticks = 0;          // video: the last frame interval (0 before the first)
    std::int64_t offset = 0;               // added to keep the timeline monotonic
    audio_codec codec = audio_codec::aac;  // audio: AAC, or FLAC in the FLAC rendition
  };

  void decide(std::vector<remux_unit>& out, bool timed_out);
  void start(std::vector<remux_unit>& out);
  void write_init(std::vector<remux_unit>& out);
  void run(media_frame frame, std::vector<remux_unit>& out);
  void on_video(media_frame frame, std::vector<remux_unit>& out);
  void on_audio(media_frame frame, std::vector<remux_unit>& out);
  void emit(track& t, std::vector<remux_unit>& out);
  std::uint64_t open_duration(const track& t) const;

  remux_options options_;
  std::optional<track_layout> layout_;
  track video_, audio_;
  std::optional<video_info> video_info_;
  std::optional<audio_info> audio_info_;
  bool started_ = false;
  std::string mime_;
  std::deque<media_frame> waiting_;
  std::size_t waiting_bytes_ = 0;
  std::int64_t base_dts_ = 0;
  std::optional<std::int64_t> fixed_base_;
  std::uint32_t sequence_ = 0;
  std::uint64_t discarded_ = 0;
};

}  // namespace aethex::media
