// GStreamer pipeline of a live session:
//   appsrc ! (flvdemux|tsdemux) ! parsers ! tee → hlssink2 (1 s HLS)
//                                              → mp4mux (fragmented) ! appsink  (WS + LL-HLS)
//                                              → keyframe-gated decoder ! jpegenc ! appsink
// Plain RAII wrapper with no actor knowledge; bus events, fMP4 bytes and thumbnails are reported
// through callbacks that run on GStreamer's streaming threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "media/media_session.hpp"

namespace aethex::media {

struct pipeline_callbacks {
  std::function<void(std::string message)> on_error;
  std::function<void()> on_eos;
  /// Fragmented-MP4 output bytes in order (arbitrary boundaries).
  std::function<void(std::span<const std::byte>)> on_fmp4;
  /// One JPEG snapshot, at most every `thumbnail_interval_s`.
  std::function<void(std::span<const std::byte>)> on_thumbnail;
};

struct pipeline_options {
  unsigned fragment_ms = 100;  // fMP4 fragment length (video also cuts at keyframes)
  unsigned thumbnail_interval_s = 10;
  unsigned thumbnail_width = 320;
};

/// Counters sampled by the session every second (monotonic totals since start).
struct pipeline_stats {
  std::uint64_t video_frames = 0;
  std::uint64_t keyframes = 0;
  std::uint64_t audio_frames = 0;
  std::uint64_t dropped_frames = 0;  // gaps in video timestamps
  std::uint64_t late_frames = 0;     // frames arriving > 0.5 s later than their timestamp says
  std::int64_t keyframe_interval_ms = 0;
  std::string video_codec;  // e.g. "h264 high 3.1 1280x720 30/1"
  std::string audio_codec;  // e.g. "aac lc 48000 Hz 2 ch"
  int width = 0;
  int height = 0;
};

class ingest_pipeline {
 public:
  /// Builds and starts the pipeline; throws std::runtime_error with GStreamer's reason.
  ingest_pipeline(input_format format, const std::filesystem::path& hls_dir,
                  const std::string& segment_prefix, const hls_options& hls,
                  pipeline_callbacks callbacks, pipeline_options options = {});
  ~ingest_pipeline();
  ingest_pipeline(const ingest_pipeline&) = delete;
  ingest_pipeline& operator=(const ingest_pipeline&) = delete;

  /// Feeds input bytes. Returns false when the pipeline no longer accepts data.
  bool push(std::span<const std::byte> bytes);
  /// Bytes queued in appsrc and not yet consumed (backpressure signal).
  std::uint64_t queued_bytes() const;
  /// Signals end of input; on_eos fires once everything is written.
  void end_of_stream();
  /// Stops immediately (state NULL). Idempotent; also done by the destructor.
  void stop();
  pipeline_stats stats() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace aethex::media
