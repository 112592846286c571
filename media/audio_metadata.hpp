// What a stream says is playing, from its own metadata: RTMP's onMetaData/onTextData (decoded by
// net/rtmp/session) and ID3 timed metadata carried in MPEG-TS (media/ts_demux). Sans-I/O
// parsers; the media session hands the result to music/<channel> (docs/music.md).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace aethex::media {

/// Title, artist and album as the stream tells them (UTF-8, each at most `tag_max_bytes`).
struct stream_tags {
  std::string title;
  std::string artist;
  std::string album;
  bool operator==(const stream_tags&) const = default;
};

/// Longer values are cut (on a UTF-8 boundary): the music entity allows 200 characters.
inline constexpr std::size_t tag_max_bytes = 800;

/// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence; drops control characters.
std::string clean_tag(std::string_view s, std::size_t max = tag_max_bytes);

/// "Artist - Title" (onTextData, ICY-style lines): the artist before the first " - ", else all
/// of it is the title.
stream_tags split_artist_title(std::string_view text);

/// An ID3v2.3/2.4 tag (the payload of a PES packet of stream type 0x15 in MPEG-TS): TIT2, TPE1
/// and TALB in any of the four text encodings. nullopt when it is not a tag or has no title.
std::optional<stream_tags> parse_id3(std::span<const std::byte> tag);

}  // namespace aethex::media
