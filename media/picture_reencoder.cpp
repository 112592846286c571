#include "media/picture_reencoder.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "media/avc.hpp"
#include "media/pushed_chain.hpp"

namespace aethex::media {
namespace {

// Constant quality (qp 21) keeps the picture close to the source's without knowing its
// bitrate; ultrafast has no B-frames, so presentation order is decode order and one
// composition offset serves every picture. An edge is at most a GOP, so speed wins over bytes.
// No key-int-max: the edge is one GOP of the clip, starting with the encoder's only keyframe.
constexpr const char* encode_chain =
  "avdec_h264 name=first ! videoconvert ! x264enc speed-preset=ultrafast pass=quant "
  "quantizer=21 key-int-max=100000 ! capsfilter name=caps "
  "! appsink name=sink sync=false async=false wait-on-eos=false max-buffers=0";

GstClockTime to_ns(std::int64_t ticks, std::uint32_t timescale) {
  return gst_util_uint64_scale_round(static_cast<std::uint64_t>(std::max<std::int64_t>(0, ticks)),
                                     GST_SECOND, timescale);
}

// Decoded pictures outside the kept window never reach the encoder.
struct window {
  GstClockTime from = 0, to = 0;
};

GstPadProbeReturn keep_window(GstPad*, GstPadProbeInfo* info, gpointer data) {
  const auto* kept = static_cast<const window*>(data);
  auto pts = GST_BUFFER_PTS(GST_PAD_PROBE_INFO_BUFFER(info));
  if (!GST_CLOCK_TIME_IS_VALID(pts) || pts < kept->from || pts >= kept->to)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

}  // namespace

std::optional<std::vector<coded_picture>> reencode_pictures(
  std::span<const source_picture> gop, std::span<const std::byte> avcc, std::uint32_t timescale,
  std::int64_t from, std::int64_t to, std::string& error) {
  // How long each source picture is shown: until the next one in presentation order.
  std::map<std::int64_t, std::uint32_t> shown;
  for (const auto& p : gop)
    shown[p.pts()] = p.duration;
  for (auto it = shown.begin(); std::next(it) != shown.end(); ++it)
    it->second = static_cast<std::uint32_t>(std::next(it)->first - it->first);

  std::vector<coded_picture> coded;
  try {
    gst::caps_ptr output{gst_caps_from_string("video/x-h264,stream-format=avc,alignment=au")};
    pushed_chain chain{encode_chain, output.get()};
    window kept{to_ns(from, timescale), to_ns(to, timescale)};
    gst::object_ptr<GstPad> decoded{
      gst_element_get_static_pad(chain.element("first").get(), "src")};
    gst_pad_add_probe(decoded.get(), GST_PAD_PROBE_TYPE_BUFFER, keep_window, &kept, nullptr);
    gst::caps_ptr input{avc_caps(avcc)};
    if (!chain.begin(input.get())) {
      error = "the decoder refused the video's configuration";
      return std::nullopt;
    }
    for (const auto& p : gop)
      if (!chain.push(p.data, to_ns(p.pts(), timescale), to_ns(p.dts, timescale),
                      to_ns(p.duration, timescale))) {
        error = "the re-encode failed";
        return std::nullopt;
      }
    chain.end();
    // The chain ran on this thread, EOS included: every picture is in the sink already.
    std::optional<byte_vector> parameter_sets;
    for (gst::sample_ptr sample{chain.pull(0)}; sample; sample.reset(chain.pull(0))) {
      if (!parameter_sets) {
        auto* structure = gst_caps_get_structure(gst_sample_get_caps(sample.get()), 0);
        const GValue* value = gst_structure_get_value(structure, "codec_data");
        gst::mapped_buffer config{value ? gst_value_get_buffer(value) : nullptr};
        parameter_sets = avc::inband_parameter_sets(config.bytes());
        if (!parameter_sets) {
          error = "the encoder gave no usable parameter sets";
          return std::nullopt;
        }
      }
      auto* buffer = gst_sample_get_buffer(sample.get());
      gst::mapped_buffer mapped{buffer};
      auto bytes = mapped.bytes();
      coded_picture picture;
      picture.sync = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
      if (coded.empty())  // the keyframe the edge starts with decodes with the encoder's sets
        picture.data = *parameter_sets;
      picture.data.insert(picture.data.end(), bytes.begin(), bytes.end());
      coded.push_back(std::move(picture));
    }
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
  if (!coded.empty() && !coded.front().sync) {
    error = "the re-encode did not start with a keyframe";
    return std::nullopt;
  }
  // The encoder neither drops nor reorders pictures, but its output timestamps carry an offset
  // of its own (GstVideoEncoder's): each coded picture takes the time of the kept source
  // picture in the same place.
  std::vector<std::pair<std::int64_t, std::uint32_t>> kept;
  for (auto [pts, duration] : shown)
    if (pts >= from && pts < to)
      kept.emplace_back(pts, duration);
  if (kept.size() != coded.size()) {
    error = "the re-encode gave " + std::to_string(coded.size()) + " pictures for " +
            std::to_string(kept.size());
    return std::nullopt;
  }
  for (std::size_t i = 0; i < coded.size(); ++i) {
    coded[i].pts = kept[i].first;
    auto end = i + 1 < kept.size() ? kept[i + 1].first
                                   : std::min(to, kept[i].first + kept[i].second);
    coded[i].duration = static_cast<std::uint32_t>(std::max<std::int64_t>(1, end - coded[i].pts));
  }
  return coded;
}

}  // namespace aethex::media
