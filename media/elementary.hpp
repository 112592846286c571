// Elementary streams between the copy path's demuxers (FLV from RTMP, MPEG-TS from SRT) and its
// fMP4 muxer: codec configurations and access units with 90 kHz timestamps. Demuxers are sans-I/O:
// feed() takes bytes with arbitrary boundaries and returns what they completed, in stream order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace aethex::media {

using byte_vector = std::vector<std::byte>;

/// Timestamps of the copy path: 90 kHz ticks (MPEG-TS's clock; FLV's milliseconds × 90).
constexpr std::int64_t ticks_per_second = 90'000;

/// Which tracks the container announced (FLV header flags, the PMT's streams). A track that is
/// announced may still never send data: the remuxer does not wait for it forever.
struct track_layout {
  bool video = false;
  bool audio = false;
};

/// H.264 decoder configuration: an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1).
struct video_config {
  byte_vector avcc;
};

enum class audio_codec : std::uint8_t { aac, flac };

/// AAC decoder configuration: an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). The FLAC
/// rendition's encoder (media/flac_encoder.hpp) sends `flac` with the FLAC metadata blocks of a
/// dfLa box (STREAMINFO first) instead; demuxers only ever send AAC.
struct audio_config {
  byte_vector asc;
  audio_codec codec = audio_codec::aac;
};

enum class track_kind : std::uint8_t { video, audio };

/// One access unit. Video data is AVCC (4-byte big-endian NAL unit lengths, no parameter sets
/// needed in band); audio data is one raw AAC frame (no ADTS header), or one FLAC frame.
struct media_frame {
  track_kind kind = track_kind::video;
  std::int64_t dts = 0;   // 90 kHz, monotonic per track (demuxers unwrap 33-bit MPEG-TS clocks)
  std::int32_t cts = 0;   // pts - dts, 90 kHz
  bool keyframe = false;  // video: an IDR access unit; audio: always true
  byte_vector data;
};

/// A track whose codec the copy path cannot carry (e.g. HEVC, MP3): the session says which.
struct unsupported_codec {
  std::string what;  // e.g. "video codec HEVC (MPEG-TS stream type 0x24)"
};

using demux_event =
  std::variant<track_layout, video_config, audio_config, media_frame, unsupported_codec>;

}  // namespace aethex::media
