// What a decoder configuration says about its stream: dimensions, profile, level, sample rate,
// channels, and the RFC 6381 codec string players need. Read with GStreamer's codec parsers
// (libgstcodecparsers, pbutils) rather than our own bit readers.
#pragma once

#include <optional>
#include <span>
#include <string>

namespace aethex::media {

struct video_info {
  int width = 0;
  int height = 0;
  std::string profile;  // e.g. "high"
  std::string level;    // e.g. "3.1"
  std::string codec;    // e.g. "avc1.64001f"
};

struct audio_info {
  unsigned sample_rate = 0;
  unsigned channels = 0;
  std::string profile;  // e.g. "lc"
  std::string codec;    // e.g. "mp4a.40.2"
};

/// From an AVCDecoderConfigurationRecord; nullopt when it holds no parsable SPS.
std::optional<video_info> describe_avcc(std::span<const std::byte> avcc);
/// From an AudioSpecificConfig; nullopt when the sample rate or channels are unknown.
std::optional<audio_info> describe_asc(std::span<const std::byte> asc);

}  // namespace aethex::media
