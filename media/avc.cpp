#include "media/avc.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

namespace aethex::media::avc {

namespace {

std::uint8_t u8(std::byte b) { return std::to_integer<std::uint8_t>(b); }

void put_be32(byte_vector& out, std::size_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::byte>((v >> shift) & 0xFF));
}
void put_be16(byte_vector& out, std::size_t v) {
  out.push_back(static_cast<std::byte>((v >> 8) & 0xFF));
  out.push_back(static_cast<std::byte>(v & 0xFF));
}

// Reads the RBSP of a NAL unit: the encoder inserted 0x03 after every 00 00 so that payload
// could never imitate a start code (emulation prevention); those bytes are not part of the syntax.
class rbsp_reader {
 public:
  explicit rbsp_reader(std::span<const std::byte> nal) {
    rbsp_.reserve(std::min<std::size_t>(nal.size(), 64));
    int zeros = 0;
    // 64 bytes reach far past the bit depths in any SPS: no need to unescape the rest.
    for (std::size_t i = 0; i < nal.size() && rbsp_.size() < 64; ++i) {
      const std::uint8_t b = u8(nal[i]);
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      rbsp_.push_back(b);
    }
  }

  bool ok() const noexcept { return ok_; }

  std::uint32_t bit() {
    if (pos_ >= rbsp_.size() * 8) {
      ok_ = false;
      return 0;
    }
    const std::uint32_t b = (rbsp_[pos_ / 8] >> (7 - pos_ % 8)) & 1U;
    ++pos_;
    return b;
  }
  std::uint32_t bits(int n) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i)
      v = (v << 1) | bit();
    return v;
  }
  // ue(v): leading zeros, a one, then as many bits; values beyond 32 bits are malformed here.
  std::uint32_t ue() {
    int zeros = 0;
    while (bit() == 0) {
      if (!ok_ || ++zeros > 31) {
        ok_ = false;
        return 0;
      }
    }
    return ((1U << zeros) - 1) + bits(zeros);
  }

 private:
  std::vector<std::uint8_t> rbsp_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// Profiles whose SPS carries chroma_format_idc and bit depths (H.264 7.3.2.1.1).
bool sps_has_chroma_info(std::uint32_t profile_idc) {
  static constexpr std::uint32_t profiles[] = {100, 110, 122, 244, 44,  83, 86,
                                               118, 128, 138, 139, 134, 135};
  return std::find(std::begin(profiles), std::end(profiles), profile_idc) != std::end(profiles);
}

// The profiles for which ISO/IEC 14496-15 adds the chroma/bit-depth trailer to avcC.
bool avcc_has_trailer(std::uint8_t profile_idc) {
  return profile_idc == 100 || profile_idc == 110 || profile_idc == 122 || profile_idc == 244;
}

}  // namespace

std::vector<std::span<const std::byte>> split_annexb(std::span<const std::byte> stream) {
  std::vector<std::span<const std::byte>> units;
  const std::size_t n = stream.size();
  // Start of the NAL unit being scanned, or n while none has begun.
  std::size_t begin = n;
  auto close = [&](std::size_t end) {
    // A 4-byte start code is a zero_byte plus the 3-byte one, and trailing_zero_8bits may pad
    // a NAL unit: a NAL unit itself never ends in 0x00 (its RBSP ends with a stop bit).
    while (end > begin && u8(stream[end - 1]) == 0)
      --end;
    if (end > begin)
      units.push_back(stream.subspan(begin, end - begin));
  };
  std::size_t i = 0;
  while (i + 2 < n) {
    if (u8(stream[i + 2]) > 1) {
      i += 3;  // no start code can begin at i, i+1 or i+2's zero run: skip ahead
      continue;
    }
    if (u8(stream[i]) == 0 && u8(stream[i + 1]) == 0 && u8(stream[i + 2]) == 1) {
      if (begin != n)
        close(i);
      begin = i + 3;
      i += 3;
      continue;
    }
    ++i;
  }
  if (begin != n)
    close(n);
  return units;
}

std::uint8_t nal_type(std::span<const std::byte> nal_unit) noexcept {
  return nal_unit.empty() ? 0 : static_cast<std::uint8_t>(u8(nal_unit[0]) & 0x1F);
}

std::optional<sps_format> parse_sps_format(std::span<const std::byte> sps) {
  if (sps.size() < 4 || nal_type(sps) != nal::sps)
    return std::nullopt;
  rbsp_reader r{sps.subspan(1)};
  const std::uint32_t profile_idc = r.bits(8);
  r.bits(16);  // constraint flags, level_idc
  if (r.ue() > 31)
    return std::nullopt;  // seq_parameter_set_id
  sps_format f;
  if (sps_has_chroma_info(profile_idc)) {
    const std::uint32_t chroma = r.ue();
    if (chroma > 3)
      return std::nullopt;
    if (chroma == 3)
      r.bit();  // separate_colour_plane_flag
    const std::uint32_t luma = r.ue(), chroma_depth = r.ue();
    if (luma > 6 || chroma_depth > 6)
      return std::nullopt;
    f.chroma_format_idc = static_cast<std::uint8_t>(chroma);
    f.bit_depth_luma = static_cast<std::uint8_t>(8 + luma);
    f.bit_depth_chroma = static_cast<std::uint8_t>(8 + chroma_depth);
  }
  if (!r.ok())
    return std::nullopt;
  return f;
}

byte_vector make_avcc(std::span<const std::byte> sps, std::span<const std::byte> pps) {
  constexpr std::size_t max_set = std::numeric_limits<std::uint16_t>::max();
  if (sps.size() < 4 || pps.empty() || sps.size() > max_set || pps.size() > max_set)
    return {};
  byte_vector out;
  out.reserve(11 + sps.size() + pps.size() + 4);
  out.push_back(std::byte{1});     // configurationVersion
  out.push_back(sps[1]);           // AVCProfileIndication
  out.push_back(sps[2]);           // profile_compatibility
  out.push_back(sps[3]);           // AVCLevelIndication
  out.push_back(std::byte{0xFF});  // 6 reserved bits, lengthSizeMinusOne = 3
  out.push_back(std::byte{0xE1});  // 3 reserved bits, numOfSequenceParameterSets = 1
  put_be16(out, sps.size());
  out.insert(out.end(), sps.begin(), sps.end());
  out.push_back(std::byte{1});  // numOfPictureParameterSets
  put_be16(out, pps.size());
  out.insert(out.end(), pps.begin(), pps.end());
  // Decoders accept the record without the trailer, so it is only written when the SPS parses.
  if (avcc_has_trailer(u8(sps[1]))) {
    if (auto f = parse_sps_format(sps)) {
      out.push_back(static_cast<std::byte>(0xFC | f->chroma_format_idc));
      out.push_back(static_cast<std::byte>(0xF8 | (f->bit_depth_luma - 8)));
      out.push_back(static_cast<std::byte>(0xF8 | (f->bit_depth_chroma - 8)));
      out.push_back(std::byte{0});  // numOfSequenceParameterSetExt
    }
  }
  return out;
}

std::optional<byte_vector> inband_parameter_sets(std::span<const std::byte> avcc) {
  // configurationVersion, profile, compatibility, level, lengthSizeMinusOne (low 2 bits), then
  // the SPS count (low 5 bits) with 16-bit-length sets, then the PPS count and its sets.
  if (avcc.size() < 7 || u8(avcc[0]) != 1 || (u8(avcc[4]) & 3) != 3)
    return std::nullopt;
  byte_vector out;
  std::size_t at = 5;
  for (std::uint8_t mask : {0x1f, 0xff}) {
    if (at >= avcc.size())
      return std::nullopt;
    unsigned count = u8(avcc[at++]) & mask;
    for (unsigned i = 0; i < count; ++i) {
      if (avcc.size() - at < 2)
        return std::nullopt;
      std::size_t length = std::size_t{u8(avcc[at])} << 8 | u8(avcc[at + 1]);
      at += 2;
      if (length == 0 || avcc.size() - at < length)
        return std::nullopt;
      put_be32(out, length);
      out.insert(out.end(), avcc.begin() + static_cast<std::ptrdiff_t>(at),
                 avcc.begin() + static_cast<std::ptrdiff_t>(at + length));
      at += length;
    }
  }
  if (out.empty())
    return std::nullopt;
  return out;
}

avcc_access_unit to_avcc(std::span<const std::span<const std::byte>> nal_units) {
  avcc_access_unit au;
  std::size_t size = 0;
  for (auto nal_unit : nal_units)
    size += 4 + nal_unit.size();
  au.data.reserve(size);
  for (auto nal_unit : nal_units) {
    const std::uint8_t type = nal_type(nal_unit);
    if (type == nal::aud || type == nal::sps || type == nal::pps || type == nal::filler)
      continue;
    if (nal_unit.size() > std::numeric_limits<std::uint32_t>::max())
      continue;
    au.idr = au.idr || type == nal::idr;
    put_be32(au.data, nal_unit.size());
    au.data.insert(au.data.end(), nal_unit.begin(), nal_unit.end());
  }
  return au;
}

avcc_access_unit annexb_to_avcc(std::span<const std::byte> access_unit) {
  const auto units = split_annexb(access_unit);
  return to_avcc(units);
}

}  // namespace aethex::media::avc
