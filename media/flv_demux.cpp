#include "media/flv_demux.hpp"

#include <algorithm>
#include <string_view>

namespace aethex::media {
namespace {

constexpr std::size_t file_header_size = 13;  // header (9) + PreviousTagSize0 (4)
constexpr std::size_t tag_header_size = 11;
constexpr std::size_t tag_trailer_size = 4;  // PreviousTagSize
constexpr std::uint8_t audio_tag = 8, video_tag = 9, script_tag = 18;
constexpr std::uint8_t codec_avc = 7;
constexpr std::uint8_t sound_aac = 10;

std::uint32_t be(std::span<const std::byte> d, std::size_t at, std::size_t n) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < n; ++i)
    value = value << 8 | std::to_integer<std::uint32_t>(d[at + i]);
  return value;
}

const char* video_codec_name(unsigned id) {
  switch (id) {
    case 2: return "video codec Sorenson H.263 (FLV codec 2)";
    case 4: return "video codec VP6 (FLV codec 4)";
    case 12: return "video codec HEVC (FLV codec 12)";
    default: return "video codec other than H.264 (FLV codec id not 7)";
  }
}

const char* audio_codec_name(unsigned id) {
  switch (id) {
    case 2: return "audio codec MP3 (FLV sound format 2)";
    case 11: return "audio codec Speex (FLV sound format 11)";
    case 13: return "audio codec Opus";
    default: return "audio codec other than AAC (FLV sound format not 10)";
  }
}

bool contains(std::span<const std::byte> body, std::string_view key) {
  auto text = std::string_view{reinterpret_cast<const char*>(body.data()), body.size()};
  return text.find(key) != std::string_view::npos;
}

}  // namespace

void flv_demuxer::fail(const char* why) {
  phase_ = phase::failed;
  failure_ = why;
  pending_.clear();
}

std::vector<demux_event> flv_demuxer::feed(std::span<const std::byte> bytes) {
  std::vector<demux_event> out;
  if (phase_ == phase::failed)
    return out;
  // The RTMP session writes whole tags, so usually nothing is pending and the tags are parsed
  // straight from the input; only a partial tag at the end is copied and kept.
  if (pending_.empty()) {
    auto used = parse(bytes, out);
    if (phase_ != phase::failed)
      pending_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end());
    return out;
  }
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  auto used = parse(pending_, out);
  if (phase_ != phase::failed)
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  return out;
}

std::size_t flv_demuxer::parse(std::span<const std::byte> data, std::vector<demux_event>& out) {
  std::size_t used = 0;
  while (phase_ != phase::failed) {
    auto rest = data.subspan(used);
    if (phase_ == phase::header) {
      if (rest.size() < file_header_size)
        break;
      if (be(rest, 0, 3) != 0x464C56) {  // "FLV"
        fail("not an FLV stream");
        break;
      }
      // DataOffset may exceed 9 in theory; what it skips must have arrived.
      auto skip = std::size_t{be(rest, 5, 4)} + tag_trailer_size;
      if (rest.size() < skip)
        break;
      used += skip;
      phase_ = phase::tags;
      continue;
    }
    if (rest.size() < tag_header_size)
      break;
    auto type = std::to_integer<std::uint8_t>(rest[0]) & 0x1f;  // upper bits: filter/reserved
    std::size_t size = be(rest, 1, 3);
    if (size > max_tag_size) {
      fail("FLV tag larger than 16 MiB");
      break;
    }
    if (rest.size() < tag_header_size + size + tag_trailer_size)
      break;
    auto timestamp = be(rest, 4, 3) | std::to_integer<std::uint32_t>(rest[7]) << 24;
    parse_tag(type, timestamp, rest.subspan(tag_header_size, size), out);
    used += tag_header_size + size + tag_trailer_size;
  }
  return used;
}

void flv_demuxer::parse_tag(std::uint8_t type, std::uint32_t timestamp_ms,
                            std::span<const std::byte> body, std::vector<demux_event>& out) {
  if (type == script_tag)
    return parse_script(body, out);
  if (type != audio_tag && type != video_tag)
    return;  // reserved tag types carry nothing we play
  if (!announced_) {
    // No onMetaData came first: assume what the FLV header promises (RTMP always says both);
    // the remuxer stops waiting for a track that never sends anything.
    announced_ = true;
    out.emplace_back(track_layout{true, true});
  }
  std::int64_t ms = timestamp_ms;
  if (last_ms_ >= 0 && ms + wrap_ms_ < last_ms_ - (std::int64_t{1} << 31))
    wrap_ms_ += std::int64_t{1} << 32;
  ms += wrap_ms_;
  last_ms_ = ms;
  auto dts = ms * (ticks_per_second / 1000);
  if (type == video_tag)
    parse_video(dts, body, out);
  else
    parse_audio(dts, body, out);
}

void flv_demuxer::parse_video(std::int64_t dts, std::span<const std::byte> body,
                              std::vector<demux_event>& out) {
  if (body.empty())
    return;
  auto first = std::to_integer<unsigned>(body[0]);
  auto frame_type = first >> 4 & 0x07;
  auto codec = first & 0x0f;
  // Enhanced RTMP sets the top bit and a FourCC follows (HEVC, AV1, VP9).
  if ((first & 0x80) || codec != codec_avc) {
    if (!video_refused_)
      out.emplace_back(unsupported_codec{
        (first & 0x80) ? "video codec of enhanced RTMP (HEVC/AV1/VP9)" : video_codec_name(codec)});
    video_refused_ = true;
    return;
  }
  if (frame_type == 5 || body.size() < 5)
    return;  // video info/command frame, or too short to hold the AVC header
  auto packet_type = std::to_integer<unsigned>(body[1]);
  auto payload = body.subspan(5);
  if (packet_type == 0) {
    if (payload.size() < 7)
      return;  // an AVCDecoderConfigurationRecord is at least 7 bytes
    have_video_config_ = true;
    out.emplace_back(video_config{byte_vector(payload.begin(), payload.end())});
    return;
  }
  if (packet_type != 1 || !have_video_config_ || payload.empty())
    return;  // end of sequence, or NAL units nobody can decode without the configuration
  // The composition offset is a signed 24-bit count of milliseconds.
  auto raw = static_cast<std::int32_t>(be(body, 2, 3) << 8) >> 8;
  media_frame frame;
  frame.kind = track_kind::video;
  frame.dts = dts;
  frame.cts = raw * static_cast<std::int32_t>(ticks_per_second / 1000);
  frame.keyframe = frame_type == 1;
  frame.data.assign(payload.begin(), payload.end());
  out.emplace_back(std::move(frame));
}

void flv_demuxer::parse_audio(std::int64_t dts, std::span<const std::byte> body,
                              std::vector<demux_event>& out) {
  if (body.empty())
    return;
  auto format = std::to_integer<unsigned>(body[0]) >> 4;
  if (format != sound_aac) {
    if (!audio_refused_)
      out.emplace_back(unsupported_codec{audio_codec_name(format)});
    audio_refused_ = true;
    return;
  }
  if (body.size() < 3)
    return;
  auto payload = body.subspan(2);
  if (std::to_integer<unsigned>(body[1]) == 0) {
    if (payload.size() >= 2)
      out.emplace_back(audio_config{byte_vector(payload.begin(), payload.end())});
    return;
  }
  media_frame frame;
  frame.kind = track_kind::audio;
  frame.dts = dts;
  frame.keyframe = true;
  frame.data.assign(payload.begin(), payload.end());
  out.emplace_back(std::move(frame));
}

// onMetaData names the codecs of the tracks that exist (ffmpeg and OBS write videocodecid /
// audiocodecid only for tracks they send). AMF0 keys are length-prefixed strings, so finding the
// two keys in the body is enough to learn the layout without an AMF0 decoder in the media layer.
void flv_demuxer::parse_script(std::span<const std::byte> body, std::vector<demux_event>& out) {
  if (announced_ || !contains(body, "onMetaData"))
    return;
  track_layout layout{contains(body, "videocodecid"), contains(body, "audiocodecid")};
  if (!layout.video && !layout.audio)
    return;  // metadata without codec fields says nothing about the layout
  announced_ = true;
  out.emplace_back(layout);
}

}  // namespace aethex::media
