// The adaptive-bitrate ladder's video transcode: the source's H.264 is decoded once, then each
// rendition is scaled and encoded with x264 (tune=zerolatency: no lookahead, no B-frames) on its
// own streaming thread. Renditions keep the source's timestamps and start a GOP exactly where
// the source does: a force-key-unit event travels in front of every decoded source keyframe, so
// segments of all renditions line up and players can switch at any segment boundary. Audio is
// not transcoded (the session copies the source's AAC into each rendition).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "media/elementary.hpp"
#include "media/renditions.hpp"

namespace aethex::media {

class transcoder {
 public:
  /// Gets one rendition's output, in order, on that rendition's streaming thread: a
  /// video_config first (and again when the encoder's configuration changes), then media_frames
  /// (video, AVCC framing, 90 kHz timestamps of the source's timeline).
  using output_fn = std::function<void(std::size_t rendition, std::vector<demux_event> events)>;

  struct options {
    std::string speed_preset = "superfast";
    std::size_t max_queued_bytes = 4u << 20;  // source video waiting for the decoder
  };

  /// Starts the pipeline for a source with decoder configuration `avcc`. Throws
  /// std::runtime_error when GStreamer cannot build or start it.
  transcoder(const byte_vector& avcc, std::vector<rendition_plan> ladder, output_fn output,
             options opts);
  transcoder(const byte_vector& avcc, std::vector<rendition_plan> ladder, output_fn output)
      : transcoder(avcc, std::move(ladder), std::move(output), options{}) {}
  /// Stops the pipeline (joins its threads); no output is delivered afterwards.
  ~transcoder();
  transcoder(const transcoder&) = delete;
  transcoder& operator=(const transcoder&) = delete;

  /// Queues one source video access unit. While the decoder is more than max_queued_bytes
  /// behind, frames are dropped up to the next keyframe (the picture freezes on every rendition
  /// rather than the copy path waiting).
  void push(const media_frame& frame);

  std::uint64_t dropped_frames() const { return dropped_.load(std::memory_order_relaxed); }
  /// GStreamer's error message once the pipeline failed; empty while it runs.
  std::string error() const;

  struct impl;  // GStreamer side (callbacks reach it through a C pointer)

 private:
  std::vector<rendition_plan> ladder_;
  std::unique_ptr<impl> impl_;
  std::size_t max_queued_bytes_;
  std::atomic<std::uint64_t> dropped_{0};
  bool skipping_ = false;  // dropping up to the next keyframe
};

}  // namespace aethex::media
