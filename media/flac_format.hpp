// FLAC in ISO BMFF (the "Encapsulation of FLAC in ISO Base Media File Format" spec, xiph.org):
// the metadata blocks a dfLa box carries, read from what flacenc/flacparse put in front of the
// stream, and the few fields of STREAMINFO and of a frame header the muxer needs. Frames pass
// through untouched; nothing here decodes audio.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "media/elementary.hpp"

namespace aethex::media {

struct flac_stream_info {
  unsigned min_block = 0;  // samples per frame (flacenc's fixed block size: min == max)
  unsigned max_block = 0;
  unsigned sample_rate = 0;
  unsigned channels = 0;
  unsigned bits_per_sample = 0;
};

/// STREAMINFO from the metadata blocks of a dfLa box (STREAMINFO must come first, as the spec
/// requires); nullopt when it is missing, short or says a rate or channel count of 0.
std::optional<flac_stream_info> read_streaminfo(std::span<const std::byte> blocks);

/// The dfLa metadata blocks for a stream whose header bytes are `headers`: what follows the
/// "fLaC" marker in a native FLAC stream or in GStreamer's streamheader (Ogg mapping,
/// "\x7fFLAC…fLaC"). Only STREAMINFO is kept, flagged as the last block: a player needs no
/// other (VORBIS_COMMENT, PADDING), and the spec allows leaving them out. nullopt when the bytes
/// hold no complete STREAMINFO.
std::optional<byte_vector> dfla_blocks(std::span<const std::byte> headers);

/// Samples in the FLAC frame that starts `frame` (its header's block size field); nullopt when
/// the bytes do not start with a frame header.
std::optional<std::uint32_t> flac_frame_samples(std::span<const std::byte> frame);

}  // namespace aethex::media
