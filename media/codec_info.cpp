#include "media/codec_info.hpp"

#include <cstdio>

// The H.264 parser library has been stable in practice since 1.0; the macro only acknowledges
// its "unstable API" label (we use the SPS fields, unchanged for a decade).
#define GST_USE_UNSTABLE_API
#include <gst/codecparsers/gsth264parser.h>
#include <gst/pbutils/codec-utils.h>

namespace aethex::media {
namespace {

const guint8* raw(std::span<const std::byte> d) {
  return reinterpret_cast<const guint8*>(d.data());
}

}  // namespace

std::optional<video_info> describe_avcc(std::span<const std::byte> avcc) {
  // version, profile, compatibility, level, length size, SPS count, then a 16-bit-length SPS.
  if (avcc.size() < 8 || std::to_integer<unsigned>(avcc[0]) != 1 ||
      (std::to_integer<unsigned>(avcc[5]) & 0x1f) == 0)
    return std::nullopt;
  video_info info;
  char codec[16];
  std::snprintf(codec, sizeof codec, "avc1.%02x%02x%02x", std::to_integer<unsigned>(avcc[1]),
                std::to_integer<unsigned>(avcc[2]), std::to_integer<unsigned>(avcc[3]));
  info.codec = codec;
  // The three bytes after an SPS's NAL header are the same profile/compatibility/level.
  if (const char* p = gst_codec_utils_h264_get_profile(raw(avcc) + 1, 3))
    info.profile = p;
  if (const char* l = gst_codec_utils_h264_get_level(raw(avcc) + 1, 3))
    info.level = l;
  GstH264NalParser* parser = gst_h264_nal_parser_new();
  GstH264NalUnit nalu{};
  GstH264SPS sps{};
  bool parsed = gst_h264_parser_identify_nalu_avc(parser, raw(avcc), 6,
                                                  static_cast<gsize>(avcc.size()), 2,
                                                  &nalu) == GST_H264_PARSER_OK &&
                gst_h264_parser_parse_sps(parser, &nalu, &sps) == GST_H264_PARSER_OK;
  if (parsed) {
    info.width = sps.frame_cropping_flag ? sps.crop_rect_width : sps.width;
    info.height = sps.frame_cropping_flag ? sps.crop_rect_height : sps.height;
    gst_h264_sps_clear(&sps);
  }
  gst_h264_nal_parser_free(parser);
  if (!parsed)
    return std::nullopt;
  return info;
}

std::optional<audio_info> describe_asc(std::span<const std::byte> asc) {
  if (asc.size() < 2)
    return std::nullopt;
  auto len = static_cast<guint>(asc.size());
  audio_info info;
  info.sample_rate = gst_codec_utils_aac_get_sample_rate(raw(asc), len);
  info.channels = gst_codec_utils_aac_get_channels(raw(asc), len);
  if (info.sample_rate == 0 || info.channels == 0)
    return std::nullopt;
  if (const char* p = gst_codec_utils_aac_get_profile(raw(asc), len))
    info.profile = p;
  info.codec = "mp4a.40." + std::to_string(std::to_integer<unsigned>(asc[0]) >> 3);
  return info;
}

}  // namespace aethex::media
