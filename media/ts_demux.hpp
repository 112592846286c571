// MPEG-TS (ISO/IEC 13818-1) to elementary streams, without I/O: the SRT ingest feeds whatever
// bytes arrived, feed() returns the events they completed. H.264 and AAC (ADTS) are carried; other
// audio/video codecs are reported once and ignored.
//
// The trap of TS is that a PES packet ends only when the next one on its PID starts (unless its
// header gives a length), so a video frame leaves one frame late; flush() at end of input emits
// what is still pending.
#pragma once

#include "media/audio_metadata.hpp"
#include "media/elementary.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <utility>
#include <vector>

namespace aethex::media {

struct ts_demux_limits {
  std::size_t max_pes_size = 8 * 1024 * 1024;  // a larger PES is dropped (a client controls it)
};

struct ts_demux_stats {
  std::uint64_t packets = 0;             // 188-byte packets taken in sync
  std::uint64_t discarded_bytes = 0;     // skipped while looking for the 0x47 sync byte
  std::uint64_t continuity_errors = 0;   // lost TS packets on a media PID (their PES is dropped)
  std::uint64_t dropped_pes = 0;         // oversized, damaged, truncated or malformed PES packets
  std::uint64_t dropped_frames = 0;      // video before its SPS/PPS or without PTS, unusable AAC
  std::uint64_t es_discarded_bytes = 0;  // ADTS bytes skipped while looking for a frame header
};

class ts_demuxer {
 public:
  explicit ts_demuxer(ts_demux_limits limits = {}) : limits_(limits) {}

  /// Takes the next bytes of the stream (any size, any boundary); returns what they completed.
  std::vector<demux_event> feed(std::span<const std::byte> bytes);
  /// End of input: finishes the PES packets still open and returns their frames.
  std::vector<demux_event> flush();

  /// ID3 tags (stream type 0x15) completed since the last call, oldest first (at most 16 kept).
  std::vector<stream_tags> take_tags() { return std::exchange(tags_, {}); }

  const ts_demux_stats& stats() const noexcept { return stats_; }
  std::uint64_t discarded_bytes() const noexcept { return stats_.discarded_bytes; }

 private:
  static constexpr std::uint16_t no_pid = 0x2000;  // PIDs are 13 bits

  // The 33-bit 90 kHz clock of one track, unwrapped into a 64-bit timeline that never goes back.
  struct timeline {
    bool started = false;
    std::uint64_t last_raw = 0;
    std::int64_t last = 0;
    std::int64_t step = 1;  // the last forward step, to bridge a backward jump
    std::int64_t map(std::uint64_t raw);
  };

  // A PSI table (PAT, PMT) being collected; sections may span TS packets.
  struct section_buffer {
    byte_vector data;
    bool active = false;
  };

  // One carried elementary stream and the PES packet it is collecting.
  struct pes_track {
    std::uint16_t pid = no_pid;
    byte_vector pes;
    bool active = false;       // collecting: a payload_unit_start was seen
    bool damaged = false;      // a TS packet of this PES was lost
    std::size_t expected = 0;  // 6 + PES_packet_length, 0 when unbounded
    int continuity = -1;       // last continuity_counter, -1 before the first packet
    timeline clock;
  };

  struct pes_header {
    std::optional<std::uint64_t> pts, dts;  // raw 33-bit values
    std::size_t payload_offset = 0;
  };

  std::size_t consume(std::span<const std::byte> bytes, bool at_end);
  void take_packet(std::span<const std::byte> packet);
  void on_psi(section_buffer& buf, std::span<const std::byte> payload, bool unit_start,
              bool is_pat);
  void on_pat(std::span<const std::byte> section);
  void on_pmt(std::span<const std::byte> section);
  void on_pes_payload(pes_track& t, std::span<const std::byte> payload, bool unit_start,
                      int continuity, bool discontinuity);
  void finish_pes(pes_track& t);
  void reset_pes(pes_track& t);
  static std::optional<pes_header> parse_pes_header(std::span<const std::byte> pes);
  void on_video(std::span<const std::byte> payload, const pes_header& h);
  void on_audio(std::span<const std::byte> payload, const pes_header& h);

  ts_demux_limits limits_;
  ts_demux_stats stats_;
  std::vector<demux_event> out_;

  byte_vector pending_;  // input not yet consumed: a partial packet or bytes awaiting resync
  bool in_sync_ = false;

  section_buffer pat_, pmt_;
  std::uint16_t pmt_pid_ = no_pid;
  std::uint16_t program_ = 0;
  std::optional<track_layout> layout_;
  std::set<std::pair<std::uint16_t, std::uint8_t>> reported_;  // unsupported (PID, stream type)

  pes_track video_, audio_;
  pes_track id3_;                  // timed metadata: what plays now
  std::vector<stream_tags> tags_;  // parsed, not yet taken

  // Video: the latest parameter sets, and the avcC record last emitted (empty: none yet).
  byte_vector sps_, pps_, avcc_;

  // Audio: an ADTS frame split across PES packets keeps the timing of the PES it started in.
  byte_vector adts_carry_;
  std::optional<std::int64_t> carry_base_;
  std::int64_t carry_index_ = 0;
  std::optional<std::int64_t> last_audio_dts_, next_audio_dts_;
  byte_vector asc_;
};

}  // namespace aethex::media
