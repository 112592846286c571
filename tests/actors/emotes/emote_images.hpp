// Small valid PNG and GIF files built in memory, for the emote tests (the probe reads only the
// container, so the pixel data need not decode).
#pragma once

#include <cstdint>
#include <string>

namespace aethex::test {

inline void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>((v >> shift) & 0xFF);
}

inline void png_chunk(std::string& out, const char* type, const std::string& data) {
  put32(out, static_cast<std::uint32_t>(data.size()));
  out += type;
  out += data;
  put32(out, 0);  // CRC: not checked by the probe
}

/// A PNG of `width` x `height` whose image data is `filler` bytes long (to reach a file size).
inline std::string png(std::uint32_t width, std::uint32_t height, std::size_t filler = 16,
                       char seed = 'x') {
  std::string out{"\x89PNG\r\n\x1a\n", 8};
  std::string header;
  put32(header, width);
  put32(header, height);
  header += std::string{"\x08\x06\x00\x00\x00", 5};
  png_chunk(out, "IHDR", header);
  png_chunk(out, "IDAT", std::string(filler, seed));
  png_chunk(out, "IEND", "");
  return out;
}

/// A GIF of `side` x `side` with `frames` images (each with a graphic control extension).
inline std::string gif(std::uint16_t side, unsigned frames, char seed = 'x') {
  std::string out{"GIF89a"};
  auto le16 = [&](std::uint16_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>(v >> 8);
  };
  le16(side);
  le16(side);
  out += std::string{"\x80\x00\x00", 3};  // a global color table of 2 colors
  out += std::string{"\x00\x00\x00", 3};  // black
  out += seed;  // the second color: the seed makes the bytes (and the id) differ
  out += "\xff\xff";
  for (unsigned i = 0; i < frames; ++i) {
    out += std::string{"\x21\xF9\x04\x00\x0A\x00\x00\x00", 8};  // 100 ms per frame
    out += '\x2C';
    le16(0);
    le16(0);
    le16(side);
    le16(side);
    out += '\x00';                                  // no local color table
    out += std::string{"\x02\x02\x44\x01\x00", 5};  // LZW code size 2, one sub-block, end
  }
  out += '\x3B';
  return out;
}

}  // namespace aethex::test
