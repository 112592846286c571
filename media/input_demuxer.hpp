// The container reader of a media session's ingest protocol: FLV from RTMP, MPEG-TS from SRT.
#pragma once

#include <span>
#include <variant>
#include <vector>

#include "media/audio_metadata.hpp"
#include "media/flv_demux.hpp"
#include "media/media_session.hpp"
#include "media/ts_demux.hpp"

namespace aethex::media {

class input_demuxer {
 public:
  explicit input_demuxer(input_format format) {
    if (format == input_format::mpegts)
      demuxer_.emplace<ts_demuxer>();
  }
  std::vector<demux_event> feed(std::span<const std::byte> bytes) {
    return std::visit([&](auto& d) { return d.feed(bytes); }, demuxer_);
  }
  std::vector<demux_event> flush() {
    if (auto* ts = std::get_if<ts_demuxer>(&demuxer_))
      return ts->flush();
    return {};
  }
  std::vector<stream_tags> take_tags() {
    auto* ts = std::get_if<ts_demuxer>(&demuxer_);
    return ts ? ts->take_tags() : std::vector<stream_tags>{};
  }
  const char* failed() const {
    auto* flv = std::get_if<flv_demuxer>(&demuxer_);
    return flv ? flv->failed() : nullptr;
  }

 private:
  std::variant<flv_demuxer, ts_demuxer> demuxer_;
};

}  // namespace aethex::media
