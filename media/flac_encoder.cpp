#include "media/flac_encoder.hpp"

#include <optional>
#include <stdexcept>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "media/codec_info.hpp"
#include "media/flac_format.hpp"
#include "media/gst_util.hpp"

namespace aethex::media {
namespace {

GstClockTime to_ns(std::int64_t ticks) {
  return gst_util_uint64_scale_round(static_cast<guint64>(std::max<std::int64_t>(ticks, 0)),
                                     GST_SECOND, ticks_per_second);
}

std::int64_t to_ticks(GstClockTime ns) {
  return static_cast<std::int64_t>(gst_util_uint64_scale_round(ns, ticks_per_second, GST_SECOND));
}

}  // namespace

struct flac_encoder::impl {
  output_fn output;
  byte_vector blocks;            // the dfLa metadata blocks sent last (streaming thread only)
  GstCaps* last_caps = nullptr;  // compared by address only, never dereferenced
  gst::first_error error{"FLAC encode failed"};
  gst::object_ptr<GstElement> src;
  gst::pipeline_ptr pipeline;  // last: stopped (threads joined) before the members above go

  // STREAMINFO from the caps' streamheader (flacparse puts the stream's header packets there).
  std::optional<byte_vector> blocks_of(GstCaps* caps) {
    const GValue* headers = gst_structure_get_value(gst_caps_get_structure(caps, 0),
                                                    "streamheader");
    if (!headers || !GST_VALUE_HOLDS_ARRAY(headers))
      return std::nullopt;
    byte_vector all;
    for (guint i = 0; i < gst_value_array_get_size(headers); ++i) {
      const GValue* header = gst_value_array_get_value(headers, i);
      if (!GST_VALUE_HOLDS_BUFFER(header))
        continue;
      gst::mapped_buffer mapped{gst_value_get_buffer(header)};
      all.insert(all.end(), mapped.bytes().begin(), mapped.bytes().end());
    }
    return dfla_blocks(all);
  }

  static GstFlowReturn on_sample(GstAppSink* sink, gpointer data);
};

GstFlowReturn flac_encoder::impl::on_sample(GstAppSink* sink, gpointer data) {
  auto* self = static_cast<impl*>(data);
  gst::sample_ptr sample{gst_app_sink_pull_sample(sink)};
  if (!sample)
    return GST_FLOW_EOS;
  std::vector<demux_event> events;
  GstCaps* caps = gst_sample_get_caps(sample.get());
  if (caps && caps != self->last_caps) {
    self->last_caps = caps;
    if (auto blocks = self->blocks_of(caps); blocks && *blocks != self->blocks) {
      self->blocks = *blocks;
      events.emplace_back(audio_config{std::move(*blocks), audio_codec::flac});
    }
  }
  GstBuffer* buffer = gst_sample_get_buffer(sample.get());
  // Header packets (fLaC, STREAMINFO, VORBIS_COMMENT) come as buffers too: only frames pass,
  // and only after their STREAMINFO.
  if (buffer && GST_BUFFER_PTS_IS_VALID(buffer) && !self->blocks.empty() &&
      !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_HEADER)) {
    gst::mapped_buffer mapped{buffer};
    if (flac_frame_samples(mapped.bytes())) {
      media_frame frame;
      frame.kind = track_kind::audio;
      const GstSegment* segment = gst_sample_get_segment(sample.get());
      auto pts = GST_BUFFER_PTS(buffer);
      frame.dts = to_ticks(segment ? gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts)
                                   : pts);
      frame.keyframe = true;
      frame.data.assign(mapped.bytes().begin(), mapped.bytes().end());
      events.emplace_back(std::move(frame));
    }
  }
  if (!events.empty())
    self->output(std::move(events));
  return GST_FLOW_OK;
}

flac_encoder::flac_encoder(const byte_vector& asc, output_fn output)
    : impl_(std::make_unique<impl>()) {
  static constexpr const char* needed[] = {"appsrc",  "aacparse",  "avdec_aac", "audioconvert",
                                           "flacenc", "flacparse", "appsink"};
  if (const char* missing = gst::missing_element(needed))
    throw std::runtime_error(std::string{"GStreamer element '"} + missing + "' is not installed");
  auto info = describe_asc(asc);
  if (!info)
    throw std::runtime_error("the AAC configuration is unreadable");
  impl_->output = std::move(output);
  // dithering and noise shaping off: audioconvert then only rounds the decoder's float samples
  // to 16 bits, the same every time (its defaults add TPDF dither, which no decode reproduces).
  auto description =
    "appsrc name=src is-live=true format=time stream-type=stream"
    " ! aacparse ! avdec_aac ! audioconvert dithering=none noise-shaping=none"
    " ! audio/x-raw,format=S16LE,layout=interleaved ! flacenc blocksize=" +
    std::to_string(block_size) +
    " streamable-subset=true ! flacparse ! appsink name=sink sync=false async=false"
    " emit-signals=false";
  impl_->pipeline = gst::launch(description.c_str(), "could not build the FLAC encoder");
  GstBin* bin = GST_BIN(impl_->pipeline.get());
  impl_->error.watch(impl_->pipeline.get());

  impl_->src.reset(gst_bin_get_by_name(bin, "src"));
  gst::buffer_ptr config{gst_buffer_new_memdup(asc.data(), asc.size())};
  gst::caps_ptr caps{gst_caps_new_simple("audio/mpeg", "mpegversion", G_TYPE_INT, 4,
                                         "stream-format", G_TYPE_STRING, "raw", "framed",
                                         G_TYPE_BOOLEAN, TRUE, "rate", G_TYPE_INT,
                                         static_cast<int>(info->sample_rate), "channels",
                                         G_TYPE_INT, static_cast<int>(info->channels), "codec_data",
                                         GST_TYPE_BUFFER, config.get(), nullptr)};
  // The queue bound is ours (push() drops); appsrc's own must never block the session.
  g_object_set(impl_->src.get(), "caps", caps.get(), "max-bytes",
               static_cast<guint64>(max_queued_bytes * 2), nullptr);

  gst::object_ptr<GstElement> sink{gst_bin_get_by_name(bin, "sink")};
  GstAppSinkCallbacks callbacks{};
  callbacks.new_sample = &impl::on_sample;
  gst_app_sink_set_callbacks(GST_APP_SINK(sink.get()), &callbacks, impl_.get(), nullptr);
  if (gst_element_set_state(impl_->pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error("the FLAC encoder refused to start: " + error());
}

flac_encoder::~flac_encoder() { impl_->pipeline.reset(); }

void flac_encoder::push(const media_frame& frame) {
  if (frame.kind != track_kind::audio)
    return;
  auto* src = GST_APP_SRC(impl_->src.get());
  if (gst_app_src_get_current_level_bytes(src) > max_queued_bytes) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  GstBuffer* buffer = gst_buffer_new_memdup(frame.data.data(), frame.data.size());
  GST_BUFFER_DTS(buffer) = GST_BUFFER_PTS(buffer) = to_ns(frame.dts);
  gst_app_src_push_buffer(src, buffer);
}

std::string flac_encoder::error() const { return impl_->error.text(); }

}  // namespace aethex::media
