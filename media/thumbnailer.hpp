// Channel thumbnails from the copy path: one shared, low-priority worker decodes ONE keyframe
// per job (avdec_h264 ! videoconvert ! videoscale ! jpegenc) and writes the JPEG atomically, so
// no stream keeps a decoder of its own. Jobs are small (the access unit and its decoder
// configuration, both shared and immutable); a full queue or a path already queued turns new
// jobs away rather than letting thumbnails pile up behind a slow decode.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "media/elementary.hpp"

namespace aethex::media {

struct thumbnail_job {
  std::filesystem::path path;                   // JPEG goes to path + ".tmp", then renamed
  std::shared_ptr<const byte_vector> avcc;      // AVCDecoderConfigurationRecord
  std::shared_ptr<const byte_vector> keyframe;  // one IDR access unit, AVCC framing
};

class thumbnailer {
 public:
  /// Starts the worker. `width` is the JPEG width (height follows the picture's aspect ratio);
  /// `max_pending` bounds the queue. Initialises GStreamer if the caller has not; throws
  /// std::runtime_error when a GStreamer element the decode needs is not installed.
  explicit thumbnailer(unsigned width = 320, std::size_t max_pending = 16);
  /// Stops and joins the worker; pending jobs are dropped, a decode under way is finished.
  ~thumbnailer();
  thumbnailer(const thumbnailer&) = delete;
  thumbnailer& operator=(const thumbnailer&) = delete;

  /// Queues a job (any thread). False, and nothing queued, when the queue is full or a job for
  /// the same path is already waiting: the new one is dropped (the next keyframe brings another).
  bool submit(thumbnail_job job);

  /// Queues the making of a finished VOD's thumbnail strip (media/thumbnail_strip.hpp) in
  /// `vod_dir`. Keyframe jobs go first: a strip can wait, a channel's thumbnail should not.
  /// False when `max_pending` strips already wait.
  bool submit_strip(std::filesystem::path vod_dir);

  std::uint64_t written() const;  // JPEGs written
  std::uint64_t failed() const;   // jobs that could not be decoded or written

 private:
  void run(std::stop_token stop);

  unsigned width_;
  std::size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable_any ready_;
  std::deque<thumbnail_job> queue_;           // guarded by mutex_
  std::deque<std::filesystem::path> strips_;  // guarded by mutex_
  std::atomic<std::uint64_t> written_{0}, failed_{0};
  std::jthread worker_;  // last: stopped and joined before the members it uses go away
};

}  // namespace aethex::media
