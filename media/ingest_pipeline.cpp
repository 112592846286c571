#include "media/ingest_pipeline.hpp"

#include <stdexcept>

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

namespace aethex::media {

struct ingest_pipeline::impl {
  GstElement* pipeline = nullptr;
  GstElement* appsrc = nullptr;
  GstElement* hlssink = nullptr;
  pipeline_callbacks callbacks;
  bool stopped = false;

  ~impl() {
    if (!pipeline)
      return;
    gst_element_set_state(pipeline, GST_STATE_NULL);
    GstBus* bus = gst_element_get_bus(pipeline);
    gst_bus_set_sync_handler(bus, nullptr, nullptr, nullptr);
    gst_object_unref(bus);
    gst_object_unref(pipeline);
  }

  // Track chains (queue ! parser ! hlssink2 pad) are built before the pipeline starts:
  // requesting hlssink2 pads while data flows deadlocks its splitmuxsink.
  GstElement* video_queue = nullptr;
  GstElement* audio_queue = nullptr;

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
    bool linked = !gst_pad_is_linked(queue_sink) && gst_pad_link(pad, queue_sink) == GST_PAD_LINK_OK;
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
      default:
        break;
    }
    gst_message_unref(msg);
    return GST_BUS_DROP;
  }
};

namespace {

GstElement* make_element(const char* factory, const char* name) {
  GstElement* element = gst_element_factory_make(factory, name);
  if (!element)
    throw std::runtime_error(std::string{"GStreamer element '"} + factory + "' is not installed");
  return element;
}

// queue ! parser ! hlssink.<pad_name>; returns the queue (the chain's entry).
GstElement* add_track_chain(GstElement* pipeline, GstElement* hlssink, const char* parser_name,
                            const char* pad_name) {
  GstElement* queue = make_element("queue", nullptr);
  gst_bin_add(GST_BIN(pipeline), queue);
  GstElement* parser = make_element(parser_name, nullptr);
  gst_bin_add(GST_BIN(pipeline), parser);
  GstPad* sink_pad = gst_element_request_pad_simple(hlssink, pad_name);
  GstPad* parser_src = gst_element_get_static_pad(parser, "src");
  bool linked = gst_element_link(queue, parser) && sink_pad &&
                gst_pad_link(parser_src, sink_pad) == GST_PAD_LINK_OK;
  gst_object_unref(parser_src);
  if (sink_pad)
    gst_object_unref(sink_pad);
  if (!linked)
    throw std::runtime_error(std::string{"could not prepare the "} + pad_name + " track");
  return queue;
}

}  // namespace

ingest_pipeline::ingest_pipeline(input_format format, const std::filesystem::path& hls_dir,
                                 const std::string& segment_prefix, const hls_options& hls,
                                 pipeline_callbacks callbacks)
    : impl_(std::make_unique<impl>()) {
  impl_->callbacks = std::move(callbacks);
  impl_->pipeline = gst_pipeline_new(nullptr);
  impl_->appsrc = make_element("appsrc", "src");
  gst_bin_add(GST_BIN(impl_->pipeline), impl_->appsrc);
  GstElement* demux = make_element(format == input_format::flv ? "flvdemux" : "tsdemux", "demux");
  gst_bin_add(GST_BIN(impl_->pipeline), demux);
  impl_->hlssink = make_element("hlssink2", "hls");
  gst_bin_add(GST_BIN(impl_->pipeline), impl_->hlssink);
  impl_->video_queue = add_track_chain(impl_->pipeline, impl_->hlssink, "h264parse", "video");
  impl_->audio_queue = add_track_chain(impl_->pipeline, impl_->hlssink, "aacparse", "audio");

  GstCaps* caps = format == input_format::flv
                      ? gst_caps_new_empty_simple("video/x-flv")
                      : gst_caps_new_simple("video/mpegts", "systemstream", G_TYPE_BOOLEAN, TRUE,
                                            nullptr);
  g_object_set(impl_->appsrc, "caps", caps, "is-live", TRUE, "stream-type", 0 /* stream */,
               "max-bytes", static_cast<guint64>(64) << 20, nullptr);
  gst_caps_unref(caps);

  auto segment_pattern = (hls_dir / (segment_prefix + "-%05d.ts")).string();
  auto playlist = (hls_dir / "index.m3u8").string();
  g_object_set(impl_->hlssink, "location", segment_pattern.c_str(), "playlist-location",
               playlist.c_str(), "target-duration", hls.target_duration_s, "playlist-length",
               hls.playlist_length, "max-files", hls.max_files, "send-keyframe-requests", FALSE,
               nullptr);

  if (!gst_element_link(impl_->appsrc, demux))
    throw std::runtime_error("could not link appsrc to demuxer");
  g_signal_connect(demux, "pad-added", G_CALLBACK(impl::on_pad_added), impl_.get());

  GstBus* bus = gst_element_get_bus(impl_->pipeline);
  gst_bus_set_sync_handler(bus, impl::on_bus_message, impl_.get(), nullptr);
  gst_object_unref(bus);

  if (gst_element_set_state(impl_->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
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

}  // namespace aethex::media
