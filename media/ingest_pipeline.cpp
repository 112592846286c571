#include "media/ingest_pipeline.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

namespace aethex::media {
namespace {

// Everything after the demuxer. Track chains and hlssink2 pads are created here, before the
// pipeline starts: requesting hlssink2 pads while data flows deadlocks its splitmuxsink. Each
// branch has its own parser because mpegtsmux wants byte-stream H.264 and mp4mux wants avc.
// The HLS parser repeats SPS/PPS before every keyframe: RTMP sends them once, and a player
// that starts at a later segment (hls.js, Safari) cannot decode without them.
constexpr const char* branches = R"(
  queue name=vq ! h264parse name=vparse ! tee name=vt
  queue name=aq ! aacparse name=aparse ! tee name=at
  hlssink2 name=hls
  vt. ! queue ! h264parse config-interval=-1 ! hls.video
  at. ! queue ! aacparse ! hls.audio
  mp4mux name=fmux streamable=true ! appsink name=fsink sync=false async=false
  vt. ! queue ! h264parse ! fmux.video_0
  at. ! queue ! aacparse ! fmux.audio_0
  vt. ! queue name=tq leaky=downstream max-size-buffers=30 ! h264parse ! avdec_h264 max-threads=1
      ! videoconvert ! videoscale ! capsfilter name=tcaps ! jpegenc quality=80
      ! appsink name=tsink sync=false async=false max-buffers=2 drop=true
)";

// Frames let into the thumbnail decoder after a keyframe, so decoders with reorder delay still
// output one picture.
constexpr int thumbnail_window_frames = 6;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

}  // namespace

struct ingest_pipeline::impl {
  GstElement* pipeline = nullptr;
  GstElement* appsrc = nullptr;
  GstElement* video_queue = nullptr;
  GstElement* audio_queue = nullptr;
  pipeline_callbacks callbacks;
  pipeline_options options;
  bool stopped = false;

  // Health counters, written on streaming threads, read by the session.
  std::atomic<std::uint64_t> video_frames{0}, keyframes{0}, audio_frames{0}, dropped{0}, late{0};
  std::atomic<std::int64_t> keyframe_interval_ms{0};
  std::int64_t last_pts = -1, last_key_pts = -1, first_pts = -1, first_wall = 0, min_drift = 0;
  std::int64_t last_late_drift = 0;
  mutable std::mutex caps_mutex;
  std::string video_codec, audio_codec;
  int width = 0, height = 0;

  // Thumbnail gating (streaming thread of the thumbnail queue's sink pad only).
  std::int64_t last_thumb_ns = 0;
  int thumb_window = 0;
  bool thumb_taken = false;

  ~impl() {
    if (!pipeline)
      return;
    gst_element_set_state(pipeline, GST_STATE_NULL);
    GstBus* bus = gst_element_get_bus(pipeline);
    gst_bus_set_sync_handler(bus, nullptr, nullptr, nullptr);
    gst_object_unref(bus);
    gst_object_unref(pipeline);
  }

  // Links a demuxer's new pad to the matching prepared track chain.
  static void on_pad_added(GstElement*, GstPad* pad, gpointer user) {
    auto* self = static_cast<impl*>(user);
    GstCaps* caps = gst_pad_get_current_caps(pad);
    if (!caps)
      caps = gst_pad_query_caps(pad, nullptr);
    std::string media = gst_structure_get_name(gst_caps_get_structure(caps, 0));
    gst_caps_unref(caps);
    GstElement* queue = nullptr;
    if (media == "video/x-h264")
      queue = self->video_queue;
    else if (media == "audio/mpeg")
      queue = self->audio_queue;
    if (!queue)
      return;  // unsupported track (e.g. subtitles): left unlinked on purpose
    GstPad* queue_sink = gst_element_get_static_pad(queue, "sink");
    bool linked = !gst_pad_is_linked(queue_sink) &&
                  gst_pad_link(pad, queue_sink) == GST_PAD_LINK_OK;
    gst_object_unref(queue_sink);
    if (!linked && self->callbacks.on_error)
      self->callbacks.on_error("could not link the " + media + " track");
  }

  static GstBusSyncReply on_bus_message(GstBus*, GstMessage* msg, gpointer user) {
    auto* self = static_cast<impl*>(user);
    switch (GST_MESSAGE_TYPE(msg)) {
      case GST_MESSAGE_ERROR: {
        GError* err = nullptr;
        gchar* debug = nullptr;
        gst_message_parse_error(msg, &err, &debug);
        std::string text = err ? err->message : "unknown pipeline error";
        g_clear_error(&err);
        g_free(debug);
        if (self->callbacks.on_error)
          self->callbacks.on_error(std::move(text));
        break;
      }
      case GST_MESSAGE_EOS:
        if (self->callbacks.on_eos)
          self->callbacks.on_eos();
        break;
      default: break;
    }
    gst_message_unref(msg);
    return GST_BUS_DROP;
  }

  void on_video_caps(GstCaps* caps) {
    auto* s = gst_caps_get_structure(caps, 0);
    std::string text = "h264";
    for (const char* field : {"profile", "level"})
      if (const char* v = gst_structure_get_string(s, field))
        text += std::string{" "} + v;
    int w = 0, h = 0, num = 0, den = 0;
    gst_structure_get_int(s, "width", &w);
    gst_structure_get_int(s, "height", &h);
    if (w && h)
      text += " " + std::to_string(w) + "x" + std::to_string(h);
    if (gst_structure_get_fraction(s, "framerate", &num, &den) && num)
      text += " " + std::to_string(num) + "/" + std::to_string(den) + " fps";
    std::lock_guard lock{caps_mutex};
    video_codec = text;
    width = w;
    height = h;
  }

  void on_audio_caps(GstCaps* caps) {
    auto* s = gst_caps_get_structure(caps, 0);
    std::string text = "aac";
    if (const char* profile = gst_structure_get_string(s, "profile"))
      text += std::string{" "} + profile;
    int rate = 0, channels = 0;
    if (gst_structure_get_int(s, "rate", &rate))
      text += " " + std::to_string(rate) + " Hz";
    if (gst_structure_get_int(s, "channels", &channels))
      text += " " + std::to_string(channels) + " ch";
    std::lock_guard lock{caps_mutex};
    audio_codec = text;
  }

  // Counts frames, keyframes, timestamp gaps (dropped upstream) and frames that arrive well
  // behind the pace their timestamps set (late).
  void on_video_buffer(GstBuffer* buffer) {
    video_frames.fetch_add(1, std::memory_order_relaxed);
    auto pts = static_cast<std::int64_t>(GST_BUFFER_PTS(buffer));
    if (!GST_BUFFER_PTS_IS_VALID(buffer))
      return;
    auto now = steady_ns();
    if (!GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) {
      keyframes.fetch_add(1, std::memory_order_relaxed);
      if (last_key_pts >= 0 && pts > last_key_pts)
        keyframe_interval_ms.store((pts - last_key_pts) / 1'000'000, std::memory_order_relaxed);
      last_key_pts = pts;
    }
    if (first_pts < 0) {
      first_pts = pts;
      first_wall = now;
    }
    auto frame = GST_BUFFER_DURATION_IS_VALID(buffer)
                   ? static_cast<std::int64_t>(GST_BUFFER_DURATION(buffer))
                   : std::int64_t{33'333'333};
    if (last_pts >= 0 && frame > 0 && pts - last_pts > frame * 3 / 2)
      dropped.fetch_add(static_cast<std::uint64_t>((pts - last_pts) / frame - 1),
                        std::memory_order_relaxed);
    if (pts > last_pts)
      last_pts = pts;
    // Drift: how far arrival lags the timestamps; its minimum is the pipeline's base delay.
    auto drift = (now - first_wall) - (pts - first_pts);
    min_drift = std::min(min_drift, drift);
    if (drift - min_drift > 500'000'000 && drift - last_late_drift > frame / 2) {
      late.fetch_add(1, std::memory_order_relaxed);
      last_late_drift = drift;
    }
  }

  void on_audio_buffer(GstBuffer*) { audio_frames.fetch_add(1, std::memory_order_relaxed); }

  // One probe per parsed track: buffers feed the health figures, caps events the codec info.
  template <void (impl::*on_buffer)(GstBuffer*), void (impl::*on_caps)(GstCaps*)>
  static GstPadProbeReturn track_probe(GstPad*, GstPadProbeInfo* info, gpointer user) {
    auto* self = static_cast<impl*>(user);
    if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
      (self->*on_buffer)(GST_PAD_PROBE_INFO_BUFFER(info));
    } else if (auto* ev = GST_PAD_PROBE_INFO_EVENT(info);
               ev && GST_EVENT_TYPE(ev) == GST_EVENT_CAPS) {
      GstCaps* caps = nullptr;
      gst_event_parse_caps(ev, &caps);
      (self->*on_caps)(caps);
    }
    return GST_PAD_PROBE_OK;
  }

  // Lets one keyframe (plus a few frames after it) into the decoder per interval: decoding
  // a handful of frames every ten seconds instead of all of them.
  static GstPadProbeReturn thumbnail_gate(GstPad*, GstPadProbeInfo* info, gpointer user) {
    auto* self = static_cast<impl*>(user);
    GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (self->thumb_window > 0) {
      --self->thumb_window;
      return GST_PAD_PROBE_OK;
    }
    auto now = steady_ns();
    auto interval = static_cast<std::int64_t>(self->options.thumbnail_interval_s) * 1'000'000'000;
    bool due = self->last_thumb_ns == 0 || now - self->last_thumb_ns >= interval;
    if (!due || GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT))
      return GST_PAD_PROBE_DROP;
    self->last_thumb_ns = now;
    self->thumb_window = thumbnail_window_frames - 1;
    self->thumb_taken = false;
    return GST_PAD_PROBE_OK;
  }

  static GstFlowReturn on_fmp4_sample(GstAppSink* sink, gpointer user) {
    auto* self = static_cast<impl*>(user);
    GstSample* sample = gst_app_sink_pull_sample(sink);
    if (!sample)
      return GST_FLOW_EOS;
    GstMapInfo map;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (buffer && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      if (self->callbacks.on_fmp4)
        self->callbacks.on_fmp4({reinterpret_cast<const std::byte*>(map.data), map.size});
      gst_buffer_unmap(buffer, &map);
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
  }

  static GstFlowReturn on_jpeg_sample(GstAppSink* sink, gpointer user) {
    auto* self = static_cast<impl*>(user);
    GstSample* sample = gst_app_sink_pull_sample(sink);
    if (!sample)
      return GST_FLOW_EOS;
    GstMapInfo map;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    // One picture per window: the decoder may emit several frames of it.
    if (!self->thumb_taken && buffer && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      self->thumb_taken = true;
      if (self->callbacks.on_thumbnail)
        self->callbacks.on_thumbnail({reinterpret_cast<const std::byte*>(map.data), map.size});
      gst_buffer_unmap(buffer, &map);
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
  }
};

namespace {

GstElement* make_element(const char* factory, const char* name) {
  GstElement* element = gst_element_factory_make(factory, name);
  if (!element)
    throw std::runtime_error(std::string{"GStreamer element '"} + factory + "' is not installed");
  return element;
}

GstElement* by_name(GstElement* pipeline, const char* name) {
  GstElement* element = gst_bin_get_by_name(GST_BIN(pipeline), name);
  if (!element)
    throw std::runtime_error(std::string{"pipeline element '"} + name + "' is missing");
  gst_object_unref(element);  // the bin keeps it alive
  return element;
}

void add_probe(GstElement* element, const char* pad_name, GstPadProbeType type,
               GstPadProbeCallback callback, void* user) {
  GstPad* pad = gst_element_get_static_pad(element, pad_name);
  gst_pad_add_probe(pad, type, callback, user, nullptr);
  gst_object_unref(pad);
}

}  // namespace

ingest_pipeline::ingest_pipeline(input_format format, const std::filesystem::path& hls_dir,
                                 const std::string& segment_prefix, const hls_options& hls,
                                 pipeline_callbacks callbacks, pipeline_options options)
    : impl_(std::make_unique<impl>()) {
  impl_->callbacks = std::move(callbacks);
  impl_->options = options;
  GError* error = nullptr;
  impl_->pipeline = gst_parse_launch(branches, &error);
  // gst_parse_launch may return a pipeline and still report a (linking) error.
  if (error || !impl_->pipeline) {
    std::string reason = error ? error->message : "could not build the pipeline";
    g_clear_error(&error);
    throw std::runtime_error(reason);
  }
  auto* pipeline = impl_->pipeline;
  impl_->appsrc = make_element("appsrc", "src");
  gst_bin_add(GST_BIN(pipeline), impl_->appsrc);
  GstElement* demux = make_element(format == input_format::flv ? "flvdemux" : "tsdemux", "demux");
  gst_bin_add(GST_BIN(pipeline), demux);
  impl_->video_queue = by_name(pipeline, "vq");
  impl_->audio_queue = by_name(pipeline, "aq");

  GstCaps* caps = format == input_format::flv ? gst_caps_new_empty_simple("video/x-flv")
                                              : gst_caps_new_simple("video/mpegts", "systemstream",
                                                                    G_TYPE_BOOLEAN, TRUE, nullptr);
  g_object_set(impl_->appsrc, "caps", caps, "is-live", TRUE, "stream-type", 0 /* stream */,
               "max-bytes", static_cast<guint64>(64) << 20, nullptr);
  gst_caps_unref(caps);

  auto segment_pattern = (hls_dir / (segment_prefix + "-%05d.ts")).string();
  auto playlist = (hls_dir / "index.m3u8").string();
  g_object_set(by_name(pipeline, "hls"), "location", segment_pattern.c_str(), "playlist-location",
               playlist.c_str(), "target-duration", hls.target_duration_s, "playlist-length",
               hls.playlist_length, "max-files", hls.max_files, "send-keyframe-requests", FALSE,
               nullptr);
  g_object_set(by_name(pipeline, "fmux"), "fragment-duration", options.fragment_ms, nullptr);
  GstCaps* thumb_caps = gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT,
                                            static_cast<int>(options.thumbnail_width),
                                            "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr);
  g_object_set(by_name(pipeline, "tcaps"), "caps", thumb_caps, nullptr);
  gst_caps_unref(thumb_caps);

  GstAppSinkCallbacks fmp4_callbacks{};
  fmp4_callbacks.new_sample = impl::on_fmp4_sample;
  gst_app_sink_set_callbacks(GST_APP_SINK(by_name(pipeline, "fsink")), &fmp4_callbacks, impl_.get(),
                             nullptr);
  GstAppSinkCallbacks jpeg_callbacks{};
  jpeg_callbacks.new_sample = impl::on_jpeg_sample;
  gst_app_sink_set_callbacks(GST_APP_SINK(by_name(pipeline, "tsink")), &jpeg_callbacks, impl_.get(),
                             nullptr);

  auto data_and_events = static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM);
  add_probe(by_name(pipeline, "vparse"), "src", data_and_events,
            impl::track_probe<&impl::on_video_buffer, &impl::on_video_caps>, impl_.get());
  add_probe(by_name(pipeline, "aparse"), "src", data_and_events,
            impl::track_probe<&impl::on_audio_buffer, &impl::on_audio_caps>, impl_.get());
  add_probe(by_name(pipeline, "tq"), "sink", GST_PAD_PROBE_TYPE_BUFFER, impl::thumbnail_gate,
            impl_.get());

  if (!gst_element_link(impl_->appsrc, demux))
    throw std::runtime_error("could not link appsrc to demuxer");
  g_signal_connect(demux, "pad-added", G_CALLBACK(impl::on_pad_added), impl_.get());

  GstBus* bus = gst_element_get_bus(pipeline);
  gst_bus_set_sync_handler(bus, impl::on_bus_message, impl_.get(), nullptr);
  gst_object_unref(bus);

  if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error("pipeline refused to start");
}

ingest_pipeline::~ingest_pipeline() = default;

bool ingest_pipeline::push(std::span<const std::byte> bytes) {
  if (impl_->stopped || bytes.empty())
    return !impl_->stopped;
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, bytes.size(), nullptr);
  gst_buffer_fill(buffer, 0, bytes.data(), bytes.size());
  // gst_app_src_push_buffer takes ownership of the buffer.
  return gst_app_src_push_buffer(GST_APP_SRC(impl_->appsrc), buffer) == GST_FLOW_OK;
}

std::uint64_t ingest_pipeline::queued_bytes() const {
  return gst_app_src_get_current_level_bytes(GST_APP_SRC(impl_->appsrc));
}

void ingest_pipeline::end_of_stream() {
  if (!impl_->stopped)
    gst_app_src_end_of_stream(GST_APP_SRC(impl_->appsrc));
}

void ingest_pipeline::stop() {
  if (impl_->stopped)
    return;
  impl_->stopped = true;
  gst_element_set_state(impl_->pipeline, GST_STATE_NULL);
}

pipeline_stats ingest_pipeline::stats() const {
  pipeline_stats s;
  s.video_frames = impl_->video_frames.load(std::memory_order_relaxed);
  s.keyframes = impl_->keyframes.load(std::memory_order_relaxed);
  s.audio_frames = impl_->audio_frames.load(std::memory_order_relaxed);
  s.dropped_frames = impl_->dropped.load(std::memory_order_relaxed);
  s.late_frames = impl_->late.load(std::memory_order_relaxed);
  s.keyframe_interval_ms = impl_->keyframe_interval_ms.load(std::memory_order_relaxed);
  std::lock_guard lock{impl_->caps_mutex};
  s.video_codec = impl_->video_codec;
  s.audio_codec = impl_->audio_codec;
  s.width = impl_->width;
  s.height = impl_->height;
  return s;
}

}  // namespace aethex::media
