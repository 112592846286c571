#include "media/thumbnailer.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include <gst/gst.h>

#include "media/gst_util.hpp"
#include "media/keyframe_decoder.hpp"
#include "media/thumbnail_strip.hpp"
#include "runtime/replace_file.hpp"

#if defined(__linux__)
#include <cerrno>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace aethex::media {
namespace {

constexpr const char* required_elements[] = {"avdec_h264", "videoconvert", "videoscale",
                                             "capsfilter", "jpegenc",      "appsink"};

constexpr int worker_nice = 10;

// Linux keeps a nice value per thread (setpriority(2) with a thread id; see its NOTES), so this
// lowers the worker, and the decode it runs, without touching the rest of the process. Never
// raises the priority: a process started with a higher nice value keeps it.
void lower_this_thread_priority() {
#if defined(__linux__)
  auto tid = static_cast<id_t>(gettid());
  errno = 0;
  int current = getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && current < worker_nice)
    setpriority(PRIO_PROCESS, tid, worker_nice);
  pthread_setname_np(pthread_self(), "aethex-thumbs");  // visible in top -H
#endif
}

bool make_thumbnail(const thumbnail_job& job, unsigned width) {
  if (!job.avcc || !job.keyframe || !well_formed_keyframe(*job.avcc, *job.keyframe))
    return false;
  keyframe_decoder decoder{keyframe_decoder::output::jpeg, width};
  auto jpeg = decoder.decode(*job.avcc, *job.keyframe);
  return jpeg && runtime::replace_file(job.path, *jpeg);
}

}  // namespace

thumbnailer::thumbnailer(unsigned width, std::size_t max_pending)
    : width_{width}, max_pending_{max_pending} {
  if (width_ == 0)
    throw std::invalid_argument("thumbnail width must be positive");
  if (const char* missing = gst::missing_element(required_elements))
    throw std::runtime_error(std::string{"GStreamer element '"} + missing + "' is not installed");
  worker_ = std::jthread{[this](std::stop_token stop) { run(std::move(stop)); }};
}

thumbnailer::~thumbnailer() {
  worker_.request_stop();  // wakes the worker's wait through its stop_token
  if (worker_.joinable())
    worker_.join();
}

bool thumbnailer::submit(thumbnail_job job) {
  {
    std::lock_guard lock{mutex_};
    if (queue_.size() >= max_pending_ ||
        std::ranges::any_of(queue_, [&](const auto& waiting) { return waiting.path == job.path; }))
      return false;
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

bool thumbnailer::submit_strip(std::filesystem::path vod_dir) {
  {
    std::lock_guard lock{mutex_};
    if (strips_.size() >= max_pending_)
      return false;
    strips_.push_back(std::move(vod_dir));
  }
  ready_.notify_one();
  return true;
}

std::uint64_t thumbnailer::written() const { return written_.load(std::memory_order_relaxed); }

std::uint64_t thumbnailer::failed() const { return failed_.load(std::memory_order_relaxed); }

void thumbnailer::run(std::stop_token stop) {
  lower_this_thread_priority();
  for (;;) {
    thumbnail_job job;
    std::filesystem::path strip;
    {
      std::unique_lock lock{mutex_};
      if (!ready_.wait(lock, stop, [this] { return !queue_.empty() || !strips_.empty(); }) ||
          stop.stop_requested())
        return;  // pending jobs are dropped with the queue
      if (queue_.empty()) {
        strip = std::move(strips_.front());
        strips_.pop_front();
      } else {
        job = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (!strip.empty()) {
      std::string error;
      try {
        make_thumbnail_strip(strip, error);
      } catch (...) {
        // Like a keyframe job's: the VOD plays without previews; the worker goes on.
      }
      continue;
    }
    bool ok = false;
    try {
      ok = make_thumbnail(job, width_);
    } catch (...) {
      // A job's failure (GStreamer, allocation) is counted; it must not end the worker.
    }
    (ok ? written_ : failed_).fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace aethex::media
