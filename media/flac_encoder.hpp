// The FLAC rendition's audio: the source's AAC decoded (avdec_aac), converted to 16-bit PCM
// without dither or noise shaping (audioconvert: the samples are the decoder's, rounded, and
// nothing random is added, so the FLAC decodes to exactly what a plain decode of the AAC gives)
// and encoded losslessly by flacenc; flacparse frames the output and carries STREAMINFO. Runs
// on GStreamer's streaming thread; the caller hands input from the session's thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "media/elementary.hpp"

namespace aethex::media {

class flac_encoder {
 public:
  /// Gets the output in order on the streaming thread: an audio_config (codec flac, the dfLa
  /// metadata blocks) before the first frame and whenever STREAMINFO changes, then
  /// media_frames (one FLAC frame each, 90 kHz timestamps of the source's timeline).
  using output_fn = std::function<void(std::vector<demux_event> events)>;

  /// FLAC frames of 1152 samples (24 ms at 48 kHz): flacenc's default of 4608 would hold each
  /// fragment back ~100 ms more, for about 1 % better compression.
  static constexpr unsigned block_size = 1152;

  /// Starts the pipeline for AAC with AudioSpecificConfig `asc`. Throws std::runtime_error when
  /// GStreamer cannot build or start it (an element is missing, the ASC is unreadable).
  flac_encoder(const byte_vector& asc, output_fn output);
  /// Stops the pipeline (joins its threads); no output is delivered afterwards.
  ~flac_encoder();
  flac_encoder(const flac_encoder&) = delete;
  flac_encoder& operator=(const flac_encoder&) = delete;

  /// Queues one raw AAC frame. While the encoder is more than max_queued_bytes behind, frames
  /// are dropped (a gap in the rendition's audio rather than the copy path waiting).
  void push(const media_frame& frame);

  std::uint64_t dropped_frames() const { return dropped_.load(std::memory_order_relaxed); }
  /// GStreamer's error message once the pipeline failed; empty while it runs.
  std::string error() const;

  static constexpr std::size_t max_queued_bytes = 256u << 10;  // seconds of AAC at 320 kbit/s

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace aethex::media
