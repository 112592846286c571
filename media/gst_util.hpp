// RAII for the GStreamer objects the media actors hold: every reference is released exactly once,
// and a pipeline is set to NULL before its last reference goes (GStreamer requires it).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include <gst/gst.h>

namespace aethex::media::gst {

template <auto release>
struct releaser {
  template <class T>
  void operator()(T* p) const noexcept {
    release(p);
  }
};

template <class T>
using object_ptr = std::unique_ptr<T, releaser<gst_object_unref>>;
using caps_ptr = std::unique_ptr<GstCaps, releaser<gst_caps_unref>>;
using buffer_ptr = std::unique_ptr<GstBuffer, releaser<gst_buffer_unref>>;
using sample_ptr = std::unique_ptr<GstSample, releaser<gst_sample_unref>>;
using error_ptr = std::unique_ptr<GError, releaser<g_error_free>>;

struct pipeline_release {
  void operator()(GstElement* pipeline) const noexcept {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
  }
};
using pipeline_ptr = std::unique_ptr<GstElement, pipeline_release>;

/// A buffer mapped for reading while this lives.
class mapped_buffer {
 public:
  explicit mapped_buffer(GstBuffer* buffer) : buffer_{buffer} {
    mapped_ = buffer_ && gst_buffer_map(buffer_, &map_, GST_MAP_READ);
  }
  ~mapped_buffer() {
    if (mapped_)
      gst_buffer_unmap(buffer_, &map_);
  }
  mapped_buffer(const mapped_buffer&) = delete;
  mapped_buffer& operator=(const mapped_buffer&) = delete;

  std::span<const std::byte> bytes() const {
    if (!mapped_)
      return {};
    return {reinterpret_cast<const std::byte*>(map_.data), map_.size};
  }

 private:
  GstBuffer* buffer_;
  GstMapInfo map_{};
  bool mapped_ = false;
};

/// Builds a pipeline from a gst_parse_launch description; throws std::runtime_error with
/// GStreamer's message (or `what`) when it cannot.
pipeline_ptr launch(const char* description, const char* what);

/// Empty when every named element factory is installed, else the first one missing.
const char* missing_element(std::span<const char* const> names);

/// The first error a pipeline posts, for pipelines whose bus no main loop runs: watch() reads
/// the bus with a sync handler, as messages are posted (never queued), and keeps the first
/// error's text for whichever thread asks.
class first_error {
 public:
  /// `fallback`: the text when GStreamer's error carries no message.
  explicit first_error(const char* fallback) : fallback_(fallback) {}
  /// Installs the handler on `pipeline`'s bus; this object must outlive the pipeline.
  void watch(GstElement* pipeline);
  /// Empty while no error was posted.
  std::string text() const;

 private:
  static GstBusSyncReply on_message(GstBus*, GstMessage* message, gpointer data);
  const char* fallback_;
  mutable std::mutex mutex_;
  std::string text_;
};

}  // namespace aethex::media::gst
