// Fragmented MP4 (ISO/IEC 14496-12) writing for the copy path: an init segment (ftyp + moov with
// mvex, one trak per track, no samples) and media fragments (moof + mdat, one traf per fragment).
// Written by hand because no Debian library muxes fMP4 from pushed access units without a
// pipeline or a blocking I/O callback per stream; the box layout follows what MSE, hls.js and
// Safari accept (tfhd default-base-is-moof, tfdt version 1, trun version 1 with signed
// composition offsets for B-frames).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/elementary.hpp"
#include "media/fmp4.hpp"

namespace aethex::media::fmp4 {

struct track_setup {
  std::uint32_t id = 0;
  track_kind kind = track_kind::video;
  std::uint32_t timescale = 0;           // 90 kHz for video, the sample rate for audio
  std::span<const std::byte> config;     // avcC record, AudioSpecificConfig or dfLa blocks
  int width = 0, height = 0;             // video
  unsigned channels = 0;                 // audio
  unsigned sample_rate = 0;              // audio
  audio_codec codec = audio_codec::aac;  // audio: mp4a + esds, or fLaC + dfLa
};

byte_vector write_init(std::span<const track_setup> tracks);

/// One moof + mdat holding `samples` of one track, the first decoded at `decode_time`.
byte_vector write_fragment(std::uint32_t sequence, std::uint32_t track_id,
                           std::uint64_t decode_time, std::span<const sample> samples);

}  // namespace aethex::media::fmp4
