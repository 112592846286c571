#include "media/transcoder.hpp"

#include <stdexcept>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video-event.h>

#include "media/gst_util.hpp"

namespace aethex::media {
namespace {

// A source GOP longer than this still gets keyframes in its renditions; any shorter GOP (all
// sane ones) is followed exactly through the forced key units, with no keyframes of x264's own.
constexpr unsigned fallback_keyframe_interval = 600;
// Source keyframes remembered until their pictures are decoded: many more than a decoder holds.
constexpr std::size_t max_pending_keyframes = 64;

GstClockTime to_ns(std::int64_t ticks) {
  return gst_util_uint64_scale_round(static_cast<guint64>(std::max<std::int64_t>(ticks, 0)),
                                     GST_SECOND, ticks_per_second);
}

std::int64_t to_ticks(GstClockTime ns) {
  return static_cast<std::int64_t>(gst_util_uint64_scale_round(ns, ticks_per_second, GST_SECOND));
}

// One appsrc feeding one decoder, a tee, and per rendition: queue (its own thread), scale,
// x264, and an appsink whose callback hands access units to the session.
std::string describe_pipeline(const std::vector<rendition_plan>& ladder,
                              const transcoder::options& opts) {
  std::string text =
    "appsrc name=src is-live=true format=time stream-type=stream"
    " ! avdec_h264 name=dec max-threads=1 ! tee name=split";
  for (std::size_t i = 0; i < ladder.size(); ++i) {
    const auto& r = ladder[i];
    auto n = std::to_string(i);
    text += " split. ! queue max-size-time=1000000000 max-size-bytes=0 max-size-buffers=0" +
            (r.fps > 0 ? " ! videorate drop-only=true max-rate=" + std::to_string(r.fps) : "") +
            " ! videoscale ! video/x-raw,width=" + std::to_string(r.width) +
            ",height=" + std::to_string(r.height) + ",pixel-aspect-ratio=1/1" +
            " ! x264enc tune=zerolatency speed-preset=" + opts.speed_preset +
            " bitrate=" + std::to_string(r.video_kbps) +
            " key-int-max=" + std::to_string(fallback_keyframe_interval) +
            " threads=" + (r.height >= 720 ? "2" : "1") + " option-string=scenecut=0" +
            " ! video/x-h264,stream-format=avc,alignment=au" + " ! appsink name=sink" + n +
            " sync=false async=false emit-signals=false";
  }
  return text;
}

}  // namespace

struct transcoder::impl {
  struct rendition_context {
    impl* owner = nullptr;
    std::size_t index = 0;
    byte_vector avcc;  // the encoder's current configuration, sent again only when it changes
  };

  output_fn output;
  std::vector<std::unique_ptr<rendition_context>> contexts;
  std::mutex keyframes_mutex;
  std::deque<GstClockTime> keyframes;  // source keyframe PTS not yet seen decoded
  gst::first_error error{"transcode failed"};
  gst::object_ptr<GstElement> src;
  gst::pipeline_ptr pipeline;  // last: stopped (threads joined) before the members above go

  static GstFlowReturn on_sample(GstAppSink* sink, gpointer data);
  static GstPadProbeReturn on_decoded(GstPad* pad, GstPadProbeInfo* info, gpointer data);
};

GstFlowReturn transcoder::impl::on_sample(GstAppSink* sink, gpointer data) {
  auto* ctx = static_cast<rendition_context*>(data);
  gst::sample_ptr sample{gst_app_sink_pull_sample(sink)};
  if (!sample)
    return GST_FLOW_EOS;
  std::vector<demux_event> events;
  if (GstCaps* caps = gst_sample_get_caps(sample.get())) {
    const GValue* value = gst_structure_get_value(gst_caps_get_structure(caps, 0), "codec_data");
    if (value && GST_VALUE_HOLDS_BUFFER(value)) {
      gst::mapped_buffer config{gst_value_get_buffer(value)};
      auto bytes = config.bytes();
      if (!bytes.empty() &&
          !std::equal(bytes.begin(), bytes.end(), ctx->avcc.begin(), ctx->avcc.end())) {
        ctx->avcc.assign(bytes.begin(), bytes.end());
        events.emplace_back(video_config{ctx->avcc});
      }
    }
  }
  GstBuffer* buffer = gst_sample_get_buffer(sample.get());
  if (buffer && GST_BUFFER_PTS_IS_VALID(buffer) && !ctx->avcc.empty()) {
    gst::mapped_buffer mapped{buffer};
    media_frame frame;
    frame.kind = track_kind::video;
    // x264enc moves its output 1000 hours later so that no DTS is negative; its segment says
    // so, and running time (which our input's segment made equal to the source's PTS) undoes it.
    const GstSegment* segment = gst_sample_get_segment(sample.get());
    auto running = [segment](GstClockTime t) {
      return segment ? gst_segment_to_running_time(segment, GST_FORMAT_TIME, t) : t;
    };
    auto pts = to_ticks(running(GST_BUFFER_PTS(buffer)));
    frame.dts = GST_BUFFER_DTS_IS_VALID(buffer) ? to_ticks(running(GST_BUFFER_DTS(buffer))) : pts;
    frame.cts = static_cast<std::int32_t>(pts - frame.dts);
    frame.keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
    frame.data.assign(mapped.bytes().begin(), mapped.bytes().end());
    events.emplace_back(std::move(frame));
  }
  if (!events.empty())
    ctx->owner->output(ctx->index, std::move(events));
  return GST_FLOW_OK;
}

// Runs on the decoder's thread for each picture it pushes to the tee: a picture that was a
// keyframe in the source makes every encoder start a GOP with it. The event is serialized and
// pushed before the picture, so it reaches each encoder just ahead of it however far the queues
// are behind (running time NONE: "the next frame").
GstPadProbeReturn transcoder::impl::on_decoded(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* self = static_cast<impl*>(data);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (!buffer || !GST_BUFFER_PTS_IS_VALID(buffer))
    return GST_PAD_PROBE_OK;
  auto pts = GST_BUFFER_PTS(buffer);
  bool force = false;
  {
    std::lock_guard lock{self->keyframes_mutex};
    while (!self->keyframes.empty() && self->keyframes.front() < pts)
      self->keyframes.pop_front();  // its picture was never decoded (dropped or corrupt)
    if (!self->keyframes.empty() && self->keyframes.front() == pts) {
      self->keyframes.pop_front();
      force = true;
    }
  }
  if (force)
    gst_pad_push_event(
      pad, gst_video_event_new_downstream_force_key_unit(GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE,
                                                         GST_CLOCK_TIME_NONE, TRUE, 0));
  return GST_PAD_PROBE_OK;
}

transcoder::transcoder(const byte_vector& avcc, std::vector<rendition_plan> ladder,
                       output_fn output, options opts)
    : ladder_(std::move(ladder)), impl_(std::make_unique<impl>()),
      max_queued_bytes_(opts.max_queued_bytes) {
  if (ladder_.empty())
    throw std::invalid_argument("a transcoder needs at least one rendition");
  static constexpr const char* needed[] = {"appsrc",     "avdec_h264", "tee",    "queue",
                                           "videoscale", "x264enc",    "appsink"};
  if (const char* missing = gst::missing_element(needed))
    throw std::runtime_error(std::string{"GStreamer element '"} + missing + "' is not installed");
  impl_->output = std::move(output);
  impl_->pipeline = gst::launch(describe_pipeline(ladder_, opts).c_str(),
                                "could not build the transcoder");
  GstBin* bin = GST_BIN(impl_->pipeline.get());

  impl_->error.watch(impl_->pipeline.get());

  impl_->src.reset(gst_bin_get_by_name(bin, "src"));
  gst::buffer_ptr config{gst_buffer_new_memdup(avcc.data(), avcc.size())};
  gst::caps_ptr caps{gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc",
                                         "alignment", G_TYPE_STRING, "au", "codec_data",
                                         GST_TYPE_BUFFER, config.get(), nullptr)};
  // The queue bound is ours (push() drops up to a keyframe); appsrc's own must never block.
  g_object_set(impl_->src.get(), "caps", caps.get(), "max-bytes",
               static_cast<guint64>(opts.max_queued_bytes * 2), nullptr);

  gst::object_ptr<GstElement> decoder{gst_bin_get_by_name(bin, "dec")};
  gst::object_ptr<GstPad> decoded{gst_element_get_static_pad(decoder.get(), "src")};
  gst_pad_add_probe(decoded.get(), GST_PAD_PROBE_TYPE_BUFFER, &impl::on_decoded, impl_.get(),
                    nullptr);

  for (std::size_t i = 0; i < ladder_.size(); ++i) {
    auto ctx = std::make_unique<impl::rendition_context>();
    ctx->owner = impl_.get();
    ctx->index = i;
    gst::object_ptr<GstElement> sink{
      gst_bin_get_by_name(bin, ("sink" + std::to_string(i)).c_str())};
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &impl::on_sample;
    gst_app_sink_set_callbacks(GST_APP_SINK(sink.get()), &callbacks, ctx.get(), nullptr);
    impl_->contexts.push_back(std::move(ctx));
  }
  if (gst_element_set_state(impl_->pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error("the transcoder refused to start: " + error());
}

transcoder::~transcoder() { impl_->pipeline.reset(); }

void transcoder::push(const media_frame& frame) {
  if (frame.kind != track_kind::video)
    return;
  auto* src = GST_APP_SRC(impl_->src.get());
  if (skipping_ && !frame.keyframe) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  skipping_ = gst_app_src_get_current_level_bytes(src) > max_queued_bytes_;
  if (skipping_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  GstBuffer* buffer = gst_buffer_new_memdup(frame.data.data(), frame.data.size());
  GST_BUFFER_DTS(buffer) = to_ns(frame.dts);
  GST_BUFFER_PTS(buffer) = to_ns(frame.dts + frame.cts);
  if (!frame.keyframe)
    GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  if (frame.keyframe) {
    std::lock_guard lock{impl_->keyframes_mutex};
    if (impl_->keyframes.size() >= max_pending_keyframes)
      impl_->keyframes.pop_front();
    impl_->keyframes.push_back(GST_BUFFER_PTS(buffer));
  }
  gst_app_src_push_buffer(src, buffer);
}

std::string transcoder::error() const { return impl_->error.text(); }

}  // namespace aethex::media
