#include "media/pushed_chain.hpp"

#include <stdexcept>

#include <gst/app/gstappsink.h>

namespace aethex::media {

// The chain is synchronous, so a result is in the sink by the time EOS has been pushed; the
// timeout only bounds an element that misbehaves.
constexpr GstClockTime pull_timeout = 2 * GST_SECOND;

pushed_chain::pushed_chain(const char* description, GstCaps* output_caps) {
  pipeline_ = gst::launch(description, "could not build the chain");
  auto first = element("first");
  sink_ = element("sink");
  if (!first || !sink_)
    throw std::runtime_error("the chain's elements are missing");
  if (output_caps) {
    auto filter = element("caps");
    if (!filter)
      throw std::runtime_error("the chain has no caps filter");
    g_object_set(filter.get(), "caps", output_caps, nullptr);
  }
  // A pad of our own, outside the bin (a parentless pad may link into it), feeds the chain.
  src_.reset(GST_PAD(gst_object_ref_sink(gst_pad_new("src", GST_PAD_SRC))));
  gst::object_ptr<GstPad> first_sink{gst_element_get_static_pad(first.get(), "sink")};
  if (!src_ || !first_sink || gst_pad_link(src_.get(), first_sink.get()) != GST_PAD_LINK_OK)
    throw std::runtime_error("could not link to the chain");
  gst_pad_set_active(src_.get(), TRUE);
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error("the chain refused to start");
}

pushed_chain::~pushed_chain() {
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  gst_pad_set_active(src_.get(), FALSE);
}

gst::object_ptr<GstElement> pushed_chain::element(const char* name) const {
  return gst::object_ptr<GstElement>{gst_bin_get_by_name(GST_BIN(pipeline_.get()), name)};
}

bool pushed_chain::begin(GstCaps* input_caps) {
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  GstPad* pad = src_.get();
  return gst_pad_push_event(pad, gst_event_new_stream_start("pushed")) &&
         gst_pad_push_event(pad, gst_event_new_caps(input_caps)) &&
         gst_pad_push_event(pad, gst_event_new_segment(&segment));
}

bool pushed_chain::push(std::span<const std::byte> data, GstClockTime pts, GstClockTime dts,
                        GstClockTime duration) {
  GstBuffer* buffer = gst_buffer_new_memdup(data.data(), data.size());
  GST_BUFFER_PTS(buffer) = pts;
  GST_BUFFER_DTS(buffer) = dts;
  GST_BUFFER_DURATION(buffer) = duration;
  return gst_pad_push(src_.get(), buffer) == GST_FLOW_OK;
}

void pushed_chain::end() { gst_pad_push_event(src_.get(), gst_event_new_eos()); }

GstSample* pushed_chain::pull(GstClockTime timeout) {
  return gst_app_sink_try_pull_sample(GST_APP_SINK(sink_.get()), timeout);
}

GstSample* pushed_chain::run(GstCaps* input_caps, std::span<const std::byte> data) {
  if (!begin(input_caps) || !push(data, 0, 0))
    return nullptr;
  end();
  return pull(pull_timeout);
}

GstCaps* avc_caps(std::span<const std::byte> avcc) {
  gst::buffer_ptr config{gst_buffer_new_memdup(avcc.data(), avcc.size())};
  return gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc", "alignment",
                             G_TYPE_STRING, "au", "codec_data", GST_TYPE_BUFFER, config.get(),
                             nullptr);
}

}  // namespace aethex::media
