// GStreamer pipeline of a live session: appsrc ! (flvdemux|tsdemux) ! parsers ! hlssink2.
// Plain RAII wrapper with no actor knowledge; bus events are reported through callbacks that
// run on GStreamer's streaming threads.
#pragma once

#include <cstddef>
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
};

class ingest_pipeline {
 public:
  /// Builds and starts the pipeline; throws std::runtime_error with GStreamer's reason.
  ingest_pipeline(input_format format, const std::filesystem::path& hls_dir,
                  const std::string& segment_prefix, const hls_options& hls,
                  pipeline_callbacks callbacks);
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

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace aethex::media
