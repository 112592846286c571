#include "actors/emotes/image_probe.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace aethex::actors::emote_images {
namespace {

using bytes_view = std::span<const std::uint8_t>;

constexpr std::array<std::uint8_t, 8> png_signature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

std::uint32_t big_endian32(bytes_view b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 |
         std::uint32_t{b[at + 2]} << 8 | std::uint32_t{b[at + 3]};
}
std::uint32_t little_endian16(bytes_view b, std::size_t at) {
  return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8;
}

bool chunk_is(bytes_view b, std::size_t at, const char (&type)[5]) {
  return std::equal(type, type + 4, b.begin() + static_cast<std::ptrdiff_t>(at));
}

probe_error broken(std::string message) { return probe_error{false, std::move(message)}; }

// PNG: the signature, then chunks (length, type, data, CRC). IHDR must come first and IEND
// last; a chunk running past the end means a truncated upload. CRCs are not checked: browsers
// do, and a bad one only spoils the emote's own picture.
std::variant<image_info, probe_error> probe_png(bytes_view b) {
  std::size_t at = png_signature.size();
  image_info info{image_format::png};
  bool seen_header = false;
  while (true) {
    if (b.size() - at < 12)
      return broken("the PNG is truncated (a chunk is cut off)");
    auto length = big_endian32(b, at);
    if (length > b.size() - at - 12)
      return broken("the PNG is truncated (a chunk runs past the end)");
    auto data = at + 8;
    if (!seen_header) {
      if (!chunk_is(b, at + 4, "IHDR") || length != 13)
        return broken("the PNG does not start with its header chunk");
      info.width = big_endian32(b, data);
      info.height = big_endian32(b, data + 4);
      seen_header = true;
    } else if (chunk_is(b, at + 4, "acTL") && length >= 8) {
      info.frames = std::max<std::uint32_t>(1, big_endian32(b, data));  // animated PNG
    } else if (chunk_is(b, at + 4, "IEND")) {
      if (data + length + 4 != b.size())
        return broken("the PNG has bytes after its end chunk");
      return info;
    }
    at = data + length + 4;
  }
}

// Skips GIF data sub-blocks (a size byte, that many bytes, … a zero size); the offset after
// them, or nullopt when the file ends first.
std::optional<std::size_t> skip_sub_blocks(bytes_view b, std::size_t at) {
  while (at < b.size()) {
    auto size = b[at];
    if (size == 0)
      return at + 1;
    at += 1 + std::size_t{size};
  }
  return std::nullopt;
}

std::size_t color_table_bytes(std::uint8_t packed) {
  return (packed & 0x80) ? 3u * (2u << (packed & 0x07)) : 0u;
}

// GIF: header, logical screen, optional global color table, then blocks: extensions (0x21),
// images (0x2C: descriptor, optional local color table, LZW data) and the trailer (0x3B).
std::variant<image_info, probe_error> probe_gif(bytes_view b) {
  constexpr std::size_t screen_end = 13;
  if (b.size() < screen_end + 1)
    return broken("the GIF is truncated (no logical screen)");
  image_info info{image_format::gif, little_endian16(b, 6), little_endian16(b, 8), 0};
  std::size_t at = screen_end + color_table_bytes(b[10]);
  while (at < b.size()) {
    auto block = b[at];
    if (block == 0x3B) {
      if (info.frames == 0)
        return broken("the GIF has no image");
      return info;
    }
    std::optional<std::size_t> next;
    if (block == 0x21 && at + 2 <= b.size()) {
      next = skip_sub_blocks(b, at + 2);
    } else if (block == 0x2C && at + 11 <= b.size()) {
      ++info.frames;
      auto lzw = at + 10 + color_table_bytes(b[at + 9]);
      if (lzw < b.size())
        next = skip_sub_blocks(b, lzw + 1);  // after the LZW minimum code size byte
    } else if (block != 0x21 && block != 0x2C) {
      return broken("the GIF holds an unknown block");
    }
    if (!next)
      return broken("the GIF is truncated");
    at = *next;
  }
  return broken("the GIF is truncated (no trailer)");
}

bool starts_with(bytes_view b, std::string_view prefix) {
  return b.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), b.begin(),
                    [](char c, std::uint8_t byte) { return static_cast<std::uint8_t>(c) == byte; });
}

}  // namespace

std::variant<image_info, probe_error> probe(bytes_view bytes) {
  if (bytes.size() >= png_signature.size() &&
      std::equal(png_signature.begin(), png_signature.end(), bytes.begin()))
    return probe_png(bytes);
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a"))
    return probe_gif(bytes);
  return probe_error{true, "an emote must be a PNG or GIF image"};
}

const char* format_name(image_format format) { return format == image_format::png ? "png" : "gif"; }

const char* content_type(image_format format) {
  return format == image_format::png ? "image/png" : "image/gif";
}

}  // namespace aethex::actors::emote_images
