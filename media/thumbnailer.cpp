#include "media/thumbnailer.hpp"

#include <algorithm>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "media/gst_util.hpp"

#if defined(__linux__)
#include <cerrno>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace aethex::media {
namespace {

// The per-job chain, built with gst_parse_launch. There is no appsrc on purpose: appsrc pushes
// from a streaming thread of GStreamer's default task pool, a GLib thread pool shared with every
// ingest pipeline. The decode would then run at normal priority whatever the worker's nice value,
// and lowering that pooled thread instead could not be undone (raising a nice value back needs
// CAP_SYS_NICE) and would leak into the next live stream's pipeline. So the worker pushes into
// the decoder's sink pad itself: with max-threads=1 and no queues the whole decode runs
// synchronously on the worker thread. async=false: the sink reaches PLAYING without prerolling,
// so a push never waits for a state change; wait-on-eos=false: appsink would otherwise hold EOS
// until its sample is pulled, and the thread that pulls it is the one pushing EOS.
constexpr const char* decode_chain =
  "avdec_h264 name=dec max-threads=1 ! videoconvert ! videoscale ! capsfilter name=caps"
  " ! jpegenc quality=80 ! appsink name=sink sync=false async=false wait-on-eos=false";

constexpr const char* required_elements[] = {"avdec_h264", "videoconvert", "videoscale",
                                             "capsfilter", "jpegenc",      "appsink"};

// The decode is synchronous, so the picture is in the sink by the time EOS has been pushed;
// the timeout only bounds a decoder that misbehaves.
constexpr GstClockTime pull_timeout = 2 * GST_SECOND;

constexpr int worker_nice = 10;

using gst::buffer_ptr;
using gst::caps_ptr;
using gst::mapped_buffer;
using gst::pipeline_ptr;
using gst::sample_ptr;
template <class T>
using gst_ptr = gst::object_ptr<T>;

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

std::size_t read_be(std::span<const std::byte> bytes, std::size_t at, std::size_t n) {
  std::size_t value = 0;
  for (std::size_t i = 0; i < n; ++i)
    value = value << 8 | std::to_integer<std::size_t>(bytes[at + i]);
  return value;
}

// A cheap framing check before the decoder sees the data: a record that is no
// AVCDecoderConfigurationRecord, or an access unit whose NAL lengths overrun it or that carries
// no slice, fails the job whatever the decoder would make of it.
bool well_formed(std::span<const std::byte> avcc, std::span<const std::byte> frame) {
  if (avcc.size() < 7 || avcc[0] != std::byte{1})
    return false;
  std::size_t length_size = (std::to_integer<std::size_t>(avcc[4]) & 3) + 1;
  bool slice = false;
  for (std::size_t at = 0; at < frame.size();) {
    if (frame.size() - at < length_size)
      return false;
    std::size_t length = read_be(frame, at, length_size);
    at += length_size;
    if (length == 0 || length > frame.size() - at)
      return false;
    auto type = std::to_integer<unsigned>(frame[at]) & 0x1f;
    slice = slice || (type >= 1 && type <= 5);
    at += length;
  }
  return slice;
}

// One keyframe through the chain, then everything is released (members in reverse order; the
// pipeline last, after it has been set to NULL).
class decode_session {
 public:
  explicit decode_session(unsigned width) {
    pipeline_ = gst::launch(decode_chain, "could not build the thumbnail decoder");
    GstBin* bin = GST_BIN(pipeline_.get());

    caps_ptr scaled{gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, static_cast<int>(width),
                                        "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr)};
    gst_ptr<GstElement> filter{gst_bin_get_by_name(bin, "caps")};
    gst_ptr<GstElement> decoder{gst_bin_get_by_name(bin, "dec")};
    sink_.reset(gst_bin_get_by_name(bin, "sink"));
    if (!filter || !decoder || !sink_)
      throw std::runtime_error("thumbnail decoder elements are missing");
    g_object_set(filter.get(), "caps", scaled.get(), nullptr);

    // A pad of our own, outside the bin (a parentless pad may link into it), feeds the decoder.
    src_.reset(GST_PAD(gst_object_ref_sink(gst_pad_new("src", GST_PAD_SRC))));
    gst_ptr<GstPad> decoder_sink{gst_element_get_static_pad(decoder.get(), "sink")};
    if (!src_ || !decoder_sink || gst_pad_link(src_.get(), decoder_sink.get()) != GST_PAD_LINK_OK)
      throw std::runtime_error("could not link to the thumbnail decoder");
    gst_pad_set_active(src_.get(), TRUE);
    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
      throw std::runtime_error("thumbnail decoder refused to start");
  }

  ~decode_session() {
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    gst_pad_set_active(src_.get(), FALSE);
  }

  decode_session(const decode_session&) = delete;
  decode_session& operator=(const decode_session&) = delete;

  /// The JPEG sample, or null when the decoder produced no picture.
  sample_ptr decode(std::span<const std::byte> avcc, std::span<const std::byte> frame) {
    buffer_ptr config{gst_buffer_new_memdup(avcc.data(), avcc.size())};
    caps_ptr caps{gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc",
                                      "alignment", G_TYPE_STRING, "au", "codec_data",
                                      GST_TYPE_BUFFER, config.get(), nullptr)};
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    GstPad* src = src_.get();
    if (!gst_pad_push_event(src, gst_event_new_stream_start("thumbnail")) ||
        !gst_pad_push_event(src, gst_event_new_caps(caps.get())) ||
        !gst_pad_push_event(src, gst_event_new_segment(&segment)))
      return {};

    GstBuffer* picture = gst_buffer_new_memdup(frame.data(), frame.size());
    GST_BUFFER_PTS(picture) = 0;
    GST_BUFFER_DTS(picture) = 0;
    // gst_pad_push takes the buffer and runs the whole chain on this thread. A decoder with
    // reorder delay keeps the picture until EOS drains it: that is why EOS follows at once.
    if (gst_pad_push(src, picture) != GST_FLOW_OK)
      return {};
    gst_pad_push_event(src, gst_event_new_eos());
    return sample_ptr{gst_app_sink_try_pull_sample(GST_APP_SINK(sink_.get()), pull_timeout)};
  }

 private:
  pipeline_ptr pipeline_;  // first: released last
  gst_ptr<GstElement> sink_;
  gst_ptr<GstPad> src_;
};

// Readers of the thumbnail never see a partial file: write beside it, then rename over it.
bool write_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  auto tmp = path;
  tmp += ".tmp";
  std::error_code ec;
  {
    std::ofstream out{tmp, std::ios::binary | std::ios::trunc};
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

bool make_thumbnail(const thumbnail_job& job, unsigned width) {
  if (!job.avcc || !job.keyframe || !well_formed(*job.avcc, *job.keyframe))
    return false;
  decode_session session{width};
  sample_ptr jpeg = session.decode(*job.avcc, *job.keyframe);
  if (!jpeg)
    return false;
  mapped_buffer buffer{gst_sample_get_buffer(jpeg.get())};
  return !buffer.bytes().empty() && write_atomically(job.path, buffer.bytes());
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

std::uint64_t thumbnailer::written() const { return written_.load(std::memory_order_relaxed); }

std::uint64_t thumbnailer::failed() const { return failed_.load(std::memory_order_relaxed); }

void thumbnailer::run(std::stop_token stop) {
  lower_this_thread_priority();
  for (;;) {
    thumbnail_job job;
    {
      std::unique_lock lock{mutex_};
      if (!ready_.wait(lock, stop, [this] { return !queue_.empty(); }) || stop.stop_requested())
        return;  // pending jobs are dropped with the queue
      job = std::move(queue_.front());
      queue_.pop_front();
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
