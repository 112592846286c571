// FLV (the byte stream the RTMP session writes) to elementary streams, sans-I/O.
//
// FLV is a 9-byte header, PreviousTagSize0, then tags: type (8 audio, 9 video, 18 script),
// 24-bit size, 24-bit timestamp plus an 8-bit extension holding the upper bits, 24-bit stream
// id, the body, and a 32-bit PreviousTagSize. H.264 bodies carry an AVCPacketType (0: decoder
// configuration, 1: NAL units, 2: end of sequence) and a signed 24-bit composition offset in
// milliseconds; AAC bodies carry an AACPacketType (0: AudioSpecificConfig, 1: a raw frame).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/elementary.hpp"

namespace aethex::media {

class flv_demuxer {
 public:
  /// A tag larger than this is not media a publisher sends (a 4K keyframe is a few MB).
  static constexpr std::size_t max_tag_size = 16u << 20;

  /// Consumes bytes (arbitrary boundaries). After a malformed header or an oversized tag the
  /// demuxer stops and failed() says why; it never throws for bad input.
  std::vector<demux_event> feed(std::span<const std::byte> bytes);
  const char* failed() const { return failure_; }

 private:
  enum class phase { header, tags, failed };

  /// Parses whole tags from `data`; returns the bytes used.
  std::size_t parse(std::span<const std::byte> data, std::vector<demux_event>& out);
  void parse_tag(std::uint8_t type, std::uint32_t timestamp_ms, std::span<const std::byte> body,
                 std::vector<demux_event>& out);
  void parse_video(std::int64_t dts, std::span<const std::byte> body,
                   std::vector<demux_event>& out);
  void parse_audio(std::int64_t dts, std::span<const std::byte> body,
                   std::vector<demux_event>& out);
  void parse_script(std::span<const std::byte> body, std::vector<demux_event>& out);
  void fail(const char* why);

  phase phase_ = phase::header;
  byte_vector pending_;  // the start of a tag whose rest has not arrived
  const char* failure_ = nullptr;
  bool announced_ = false;
  bool video_refused_ = false;
  bool audio_refused_ = false;
  bool have_video_config_ = false;
  // The RTMP timestamp is 32 bits of milliseconds: a 49-day stream wraps it.
  std::int64_t last_ms_ = -1;
  std::int64_t wrap_ms_ = 0;
};

}  // namespace aethex::media
