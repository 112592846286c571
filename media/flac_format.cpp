#include "media/flac_format.hpp"

#include <algorithm>
#include <array>

namespace aethex::media {
namespace {

constexpr std::size_t block_header_bytes = 4;
constexpr std::size_t streaminfo_bytes = 34;
constexpr unsigned streaminfo_type = 0;

unsigned byte_at(std::span<const std::byte> d, std::size_t at) {
  return std::to_integer<unsigned>(d[at]);
}

}  // namespace

std::optional<flac_stream_info> read_streaminfo(std::span<const std::byte> blocks) {
  if (blocks.size() < block_header_bytes + streaminfo_bytes ||
      (byte_at(blocks, 0) & 0x7f) != streaminfo_type)
    return std::nullopt;
  auto length = byte_at(blocks, 1) << 16 | byte_at(blocks, 2) << 8 | byte_at(blocks, 3);
  if (length < streaminfo_bytes)
    return std::nullopt;
  auto s = blocks.subspan(block_header_bytes, streaminfo_bytes);
  flac_stream_info info;
  info.min_block = byte_at(s, 0) << 8 | byte_at(s, 1);
  info.max_block = byte_at(s, 2) << 8 | byte_at(s, 3);
  // Bytes 10–13: sample rate (20 bits), channels − 1 (3 bits), bits per sample − 1 (5 bits).
  info.sample_rate = byte_at(s, 10) << 12 | byte_at(s, 11) << 4 | byte_at(s, 12) >> 4;
  info.channels = (byte_at(s, 12) >> 1 & 0x7) + 1;
  info.bits_per_sample = ((byte_at(s, 12) & 1) << 4 | byte_at(s, 13) >> 4) + 1;
  if (info.sample_rate == 0)
    return std::nullopt;
  return info;
}

std::optional<byte_vector> dfla_blocks(std::span<const std::byte> headers) {
  constexpr std::array marker{std::byte{'f'}, std::byte{'L'}, std::byte{'a'}, std::byte{'C'}};
  auto found = std::search(headers.begin(), headers.end(), marker.begin(), marker.end());
  if (found == headers.end())
    return std::nullopt;
  auto rest = headers.subspan(static_cast<std::size_t>(found - headers.begin()) + marker.size());
  if (rest.size() < block_header_bytes + streaminfo_bytes)
    return std::nullopt;
  byte_vector blocks(rest.begin(), rest.begin() + block_header_bytes + streaminfo_bytes);
  blocks[0] = std::byte{0x80 | streaminfo_type};  // last-metadata-block flag: STREAMINFO alone
  blocks[1] = std::byte{0};
  blocks[2] = std::byte{0};
  blocks[3] = std::byte{streaminfo_bytes};
  if (!read_streaminfo(blocks))
    return std::nullopt;
  return blocks;
}

std::optional<std::uint32_t> flac_frame_samples(std::span<const std::byte> frame) {
  // Sync code 0b11111111111110 and a reserved 0 bit, then the blocking strategy bit.
  if (frame.size() < 5 || byte_at(frame, 0) != 0xff || (byte_at(frame, 1) & 0xfe) != 0xf8)
    return std::nullopt;
  auto code = byte_at(frame, 2) >> 4;
  if (code == 1)
    return 192;
  if (code >= 2 && code <= 5)
    return 576u << (code - 2);
  if (code >= 8)
    return 256u << (code - 8);
  if (code != 6 && code != 7)
    return std::nullopt;  // 0 is reserved
  // The block size follows the frame (or sample) number, coded like UTF-8 in 1 to 7 bytes.
  auto lead = byte_at(frame, 4);
  std::size_t ones = 0;
  while (ones < 8 && (lead << ones & 0x80))
    ++ones;
  if (ones == 1 || ones == 8)  // 10xxxxxx continues a number, 11111111 starts none
    return std::nullopt;
  std::size_t at = 4 + std::max<std::size_t>(ones, 1);
  if (code == 6)
    return at < frame.size() ? std::optional<std::uint32_t>{byte_at(frame, at) + 1u} : std::nullopt;
  if (at + 1 >= frame.size())
    return std::nullopt;
  return (byte_at(frame, at) << 8 | byte_at(frame, at + 1)) + 1u;
}

}  // namespace aethex::media
