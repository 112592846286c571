#include "media/keyframe_decoder.hpp"

#include <stdexcept>
#include <string>

#include "media/gst_util.hpp"
#include "media/pushed_chain.hpp"

namespace aethex::media {
namespace {

using gst::caps_ptr;
using gst::sample_ptr;

// The chains (media/pushed_chain.hpp says why they are pushed, not fed by an appsrc).
constexpr const char* jpeg_chain =
  "avdec_h264 name=first max-threads=1 ! videoconvert ! videoscale ! capsfilter name=caps"
  " ! jpegenc quality=80 ! appsink name=sink sync=false async=false wait-on-eos=false";
constexpr const char* rgb_chain =
  "avdec_h264 name=first max-threads=1 ! videoconvert ! videoscale ! capsfilter name=caps"
  " ! appsink name=sink sync=false async=false wait-on-eos=false";
constexpr const char* encode_chain =
  "jpegenc name=first ! appsink name=sink sync=false async=false wait-on-eos=false";

std::size_t read_be(std::span<const std::byte> bytes, std::size_t at, std::size_t n) {
  std::size_t value = 0;
  for (std::size_t i = 0; i < n; ++i)
    value = value << 8 | std::to_integer<std::size_t>(bytes[at + i]);
  return value;
}

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
  chain_ = std::make_unique<pushed_chain>(kind == output::jpeg ? jpeg_chain : rgb_chain,
                                          scaled.get());
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
  caps_ptr caps{avc_caps(avcc)};
  return bytes_of(sample_ptr{chain_->run(caps.get(), frame)});
}

std::optional<byte_vector> encode_jpeg(std::span<const std::byte> rgb, unsigned width,
                                       unsigned height, int quality) {
  if (rgb.size() != std::size_t{width} * height * 3)
    return std::nullopt;
  pushed_chain chain{encode_chain, nullptr};
  auto encoder = chain.element("first");
  g_object_set(encoder.get(), "quality", quality, nullptr);
  caps_ptr caps{gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "RGB", "width",
                                    G_TYPE_INT, static_cast<int>(width), "height", G_TYPE_INT,
                                    static_cast<int>(height), "framerate", GST_TYPE_FRACTION, 0, 1,
                                    nullptr)};
  return bytes_of(sample_ptr{chain.run(caps.get(), rgb)});
}

}  // namespace aethex::media
