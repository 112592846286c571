#include "media/keyframe_decoder.hpp"

#include <stdexcept>
#include <string>

#include <gst/app/gstappsink.h>

#include "media/gst_util.hpp"

namespace aethex::media {
namespace {

using gst::buffer_ptr;
using gst::caps_ptr;
using gst::sample_ptr;
template <class T>
using gst_ptr = gst::object_ptr<T>;

// The chains, built with gst_parse_launch. There is no appsrc on purpose: appsrc pushes from a
// streaming thread of GStreamer's default task pool, a GLib thread pool shared with every
// ingest pipeline. The decode would then run at normal priority whatever the worker's nice value,
// and lowering that pooled thread instead could not be undone (raising a nice value back needs
// CAP_SYS_NICE) and would leak into the next live stream's pipeline. So the caller pushes into
// the first element's sink pad itself: with max-threads=1 and no queues the whole chain runs
// synchronously on its thread. async=false: the sink reaches PLAYING without prerolling, so a
// push never waits for a state change; wait-on-eos=false: appsink would otherwise hold EOS
// until its sample is pulled, and the thread that pulls it is the one pushing EOS.
constexpr const char* jpeg_chain =
  "avdec_h264 name=first max-threads=1 ! videoconvert ! videoscale ! capsfilter name=caps"
  " ! jpegenc quality=80 ! appsink name=sink sync=false async=false wait-on-eos=false";
constexpr const char* rgb_chain =
  "avdec_h264 name=first max-threads=1 ! videoconvert ! videoscale ! capsfilter name=caps"
  " ! appsink name=sink sync=false async=false wait-on-eos=false";
constexpr const char* encode_chain =
  "jpegenc name=first ! appsink name=sink sync=false async=false wait-on-eos=false";

// The chain is synchronous, so the picture is in the sink by the time EOS has been pushed; the
// timeout only bounds an element that misbehaves.
constexpr GstClockTime pull_timeout = 2 * GST_SECOND;

std::size_t read_be(std::span<const std::byte> bytes, std::size_t at, std::size_t n) {
  std::size_t value = 0;
  for (std::size_t i = 0; i < n; ++i)
    value = value << 8 | std::to_integer<std::size_t>(bytes[at + i]);
  return value;
}

}  // namespace

// A chain whose first element is fed from a pad of ours, and whose appsink gives the result.
struct detail::pushed_chain {
  gst::pipeline_ptr pipeline;  // first: released last
  gst_ptr<GstElement> sink;
  gst_ptr<GstPad> src;

  explicit pushed_chain(const char* description, const caps_ptr& output_caps) {
    pipeline = gst::launch(description, "could not build the picture chain");
    GstBin* bin = GST_BIN(pipeline.get());
    gst_ptr<GstElement> first{gst_bin_get_by_name(bin, "first")};
    sink.reset(gst_bin_get_by_name(bin, "sink"));
    if (!first || !sink)
      throw std::runtime_error("picture chain elements are missing");
    if (output_caps) {
      gst_ptr<GstElement> filter{gst_bin_get_by_name(bin, "caps")};
      if (!filter)
        throw std::runtime_error("picture chain has no caps filter");
      g_object_set(filter.get(), "caps", output_caps.get(), nullptr);
    }
    // A pad of our own, outside the bin (a parentless pad may link into it), feeds the chain.
    src.reset(GST_PAD(gst_object_ref_sink(gst_pad_new("src", GST_PAD_SRC))));
    gst_ptr<GstPad> first_sink{gst_element_get_static_pad(first.get(), "sink")};
    if (!src || !first_sink || gst_pad_link(src.get(), first_sink.get()) != GST_PAD_LINK_OK)
      throw std::runtime_error("could not link to the picture chain");
    gst_pad_set_active(src.get(), TRUE);
    if (gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
      throw std::runtime_error("the picture chain refused to start");
  }
  ~pushed_chain() {
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    gst_pad_set_active(src.get(), FALSE);
  }
  pushed_chain(const pushed_chain&) = delete;
  pushed_chain& operator=(const pushed_chain&) = delete;

  // gst_pad_push takes the buffer and runs the whole chain on this thread. EOS follows at once:
  // a decoder with reorder delay keeps the picture until EOS drains it.
  sample_ptr run(const caps_ptr& input_caps, std::span<const std::byte> data) {
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    GstPad* pad = src.get();
    if (!gst_pad_push_event(pad, gst_event_new_stream_start("picture")) ||
        !gst_pad_push_event(pad, gst_event_new_caps(input_caps.get())) ||
        !gst_pad_push_event(pad, gst_event_new_segment(&segment)))
      return {};
    GstBuffer* buffer = gst_buffer_new_memdup(data.data(), data.size());
    GST_BUFFER_PTS(buffer) = 0;
    GST_BUFFER_DTS(buffer) = 0;
    if (gst_pad_push(pad, buffer) != GST_FLOW_OK)
      return {};
    gst_pad_push_event(pad, gst_event_new_eos());
    return sample_ptr{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), pull_timeout)};
  }
};

namespace {
using detail::pushed_chain;
}  // namespace

bool well_formed_keyframe(std::span<const std::byte> avcc, std::span<const std::byte> frame) {
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

keyframe_decoder::keyframe_decoder(output kind, unsigned width, unsigned height) {
  caps_ptr scaled{gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, static_cast<int>(width),
                                      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr)};
  if (height != 0)
    gst_caps_set_simple(scaled.get(), "height", G_TYPE_INT, static_cast<int>(height), nullptr);
  if (kind == output::rgb)
    gst_caps_set_simple(scaled.get(), "format", G_TYPE_STRING, "RGB", nullptr);
  chain_ = std::make_unique<pushed_chain>(kind == output::jpeg ? jpeg_chain : rgb_chain, scaled);
}

keyframe_decoder::~keyframe_decoder() = default;

namespace {

std::optional<byte_vector> bytes_of(const sample_ptr& sample) {
  if (!sample)
    return std::nullopt;
  gst::mapped_buffer buffer{gst_sample_get_buffer(sample.get())};
  auto bytes = buffer.bytes();
  if (bytes.empty())
    return std::nullopt;
  return byte_vector(bytes.begin(), bytes.end());
}

}  // namespace

std::optional<byte_vector> keyframe_decoder::decode(std::span<const std::byte> avcc,
                                                    std::span<const std::byte> frame) {
  buffer_ptr config{gst_buffer_new_memdup(avcc.data(), avcc.size())};
  caps_ptr caps{gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc",
                                    "alignment", G_TYPE_STRING, "au", "codec_data", GST_TYPE_BUFFER,
                                    config.get(), nullptr)};
  return bytes_of(chain_->run(caps, frame));
}

std::optional<byte_vector> encode_jpeg(std::span<const std::byte> rgb, unsigned width,
                                       unsigned height, int quality) {
  if (rgb.size() != std::size_t{width} * height * 3)
    return std::nullopt;
  pushed_chain chain{encode_chain, caps_ptr{}};
  gst_ptr<GstElement> encoder{gst_bin_get_by_name(GST_BIN(chain.pipeline.get()), "first")};
  g_object_set(encoder.get(), "quality", quality, nullptr);
  caps_ptr caps{gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "RGB", "width",
                                    G_TYPE_INT, static_cast<int>(width), "height", G_TYPE_INT,
                                    static_cast<int>(height), "framerate", GST_TYPE_FRACTION, 0, 1,
                                    nullptr)};
  return bytes_of(chain.run(caps, rgb));
}

}  // namespace aethex::media
