// Fragmented MP4 (ISO BMFF) reading: enough of the box tree to split a muxer's byte stream into
// an init segment (ftyp + moov) and media fragments (moof + mdat), and to learn per fragment its
// track, decode time, duration and whether it starts with a sync sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace aethex::media::fmp4 {

using bytes = std::vector<std::byte>;

struct track_info {
  std::uint32_t id = 0;
  std::uint32_t timescale = 0;
  bool video = false;
  std::string codec;                   // RFC 6381 form, e.g. "avc1.64001f" or "mp4a.40.2"
  std::uint32_t default_duration = 0;  // from trex
  std::uint32_t default_flags = 0;     // from trex
  bytes decoder_config;                // video: the AVCDecoderConfigurationRecord (avcC)
};

struct init_info {
  std::map<std::uint32_t, track_info> tracks;
  /// `video/mp4; codecs="avc1.…,mp4a.40.2"` for MediaSource.addSourceBuffer.
  std::string mime() const;
  const track_info* video_track() const;
};

struct fragment_info {
  std::uint32_t track_id = 0;
  std::uint64_t decode_time = 0;  // tfdt, in the track's timescale
  std::uint64_t duration = 0;     // sum of sample durations, same timescale
  std::uint32_t samples = 0;
  bool starts_with_sync = false;
};

/// Top-level box header at the start of `data`: {type, total size}; nullopt when incomplete.
struct box_header {
  std::string type;
  std::uint64_t size = 0;
  std::size_t header_size = 0;
};
std::optional<box_header> read_box_header(std::span<const std::byte> data);

/// Parses moov; nullopt when malformed.
std::optional<init_info> parse_init(std::span<const std::byte> ftyp_moov);
/// Parses one moof (the box itself) given the init's track defaults; nullopt when malformed.
std::optional<fragment_info> parse_fragment(std::span<const std::byte> moof, const init_info& init);

/// One sample of a track fragment: what the writer takes and the reader gives.
struct sample {
  std::span<const std::byte> data;
  std::uint32_t duration = 0;  // in the track's timescale
  std::int32_t cts = 0;        // composition offset, same timescale
  bool sync = false;
};

struct fragment_samples {
  std::uint32_t track_id = 0;
  std::uint64_t decode_time = 0;
  std::vector<sample> samples;  // views into the fragment
};

/// The samples of a moof+mdat fragment whose data offsets count from the moof (our writer's
/// and mp4mux's layout); `init` supplies the trex defaults when given. nullopt for another
/// layout or a malformed box.
std::optional<fragment_samples> read_samples(std::span<const std::byte> fragment,
                                             const init_info* init = nullptr);

/// The bytes of the first sample of such a fragment; nullopt when it has none.
std::optional<std::span<const std::byte>> first_sample(std::span<const std::byte> fragment);

/// Rewrites the decode time (tfdt) of a moof's track fragment in place: a clip moves its
/// fragments to start at 0. False when the box has no tfdt or version 0's 32 bits cannot hold it.
bool set_decode_time(std::span<std::byte> moof, std::uint64_t decode_time);

/// Renames an init segment's avc1 sample entries to avc3 in place: the track's access units may
/// then carry parameter sets in band that replace the entry's (ISO/IEC 14496-15 5.4.2). False
/// when the init segment is malformed or has no avc1 entry.
bool allow_inband_parameter_sets(std::span<std::byte> init);

/// Splits a muxer's output (arbitrary buffer boundaries) into init and fragment units.
class stream_splitter {
 public:
  struct unit {
    bool init = false;  // ftyp+moov; otherwise moof+mdat
    std::shared_ptr<const bytes> data;
    fragment_info fragment;  // valid when !init
  };
  /// Appends bytes; returns the units completed by them. Throws std::runtime_error on garbage.
  std::vector<unit> feed(std::span<const std::byte> data);
  const std::optional<init_info>& init() const { return init_; }

 private:
  bytes pending_;
  bytes ftyp_;
  bytes moof_;
  std::optional<init_info> init_;
};

}  // namespace aethex::media::fmp4
