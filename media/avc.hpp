// H.264 helpers for the copy path: MPEG-TS carries Annex B (start codes, parameter sets in band),
// fMP4 wants AVCC (length-prefixed NAL units) plus an avcC record in the init segment.
#pragma once

#include "media/elementary.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace aethex::media::avc {

/// nal_unit_type values (H.264 table 7-1) that the remuxer cares about.
namespace nal {
constexpr std::uint8_t slice = 1;
constexpr std::uint8_t idr = 5;
constexpr std::uint8_t sei = 6;
constexpr std::uint8_t sps = 7;
constexpr std::uint8_t pps = 8;
constexpr std::uint8_t aud = 9;
constexpr std::uint8_t filler = 12;
}  // namespace nal

/// The NAL units of an Annex B byte stream (3- or 4-byte start codes), without start codes or
/// trailing zero bytes; bytes before the first start code are ignored. Views into `stream`.
std::vector<std::span<const std::byte>> split_annexb(std::span<const std::byte> stream);

/// nal_unit_type of a NAL unit (low 5 bits of its first byte); 0 (unspecified) if empty.
std::uint8_t nal_type(std::span<const std::byte> nal_unit) noexcept;

/// What make_avcc found in the SPS besides the three bytes it copies.
struct sps_format {
  std::uint8_t chroma_format_idc = 1;  // 4:2:0 unless a High profile says otherwise
  std::uint8_t bit_depth_luma = 8;
  std::uint8_t bit_depth_chroma = 8;
};

/// Parses the start of an SPS (up to the bit depths); nullopt if it is too short or malformed.
std::optional<sps_format> parse_sps_format(std::span<const std::byte> sps);

/// AVCDecoderConfigurationRecord for one SPS and one PPS (NAL units without start codes):
/// version 1, profile/compatibility/level from SPS bytes 1..3, 4-byte NAL lengths, and for the
/// High profiles 100/110/122/244 the chroma/bit-depth trailer when the SPS parses. Empty if the
/// SPS is shorter than 4 bytes, either set is empty or too long for 16-bit lengths.
byte_vector make_avcc(std::span<const std::byte> sps, std::span<const std::byte> pps);

/// The SPS and PPS NAL units of an avcC record, each behind a 4-byte length: what an access
/// unit carries in band when its parameter sets differ from the sample entry's (an avc3 track).
/// nullopt when the record is malformed or its NAL lengths are not 4 bytes.
std::optional<byte_vector> inband_parameter_sets(std::span<const std::byte> avcc);

struct avcc_access_unit {
  byte_vector data;  // 4-byte big-endian length + NAL unit, for each NAL unit kept
  bool idr = false;  // holds an IDR slice (type 5): a keyframe
};

/// One access unit as AVCC, without AUD, SPS, PPS and filler NAL units (the avcC record carries
/// the parameter sets; the others mean nothing in MP4).
avcc_access_unit to_avcc(std::span<const std::span<const std::byte>> nal_units);
/// The same from an Annex B access unit.
avcc_access_unit annexb_to_avcc(std::span<const std::byte> access_unit);

}  // namespace aethex::media::avc
