#include "media/audio_metadata.hpp"

#include <cstdint>
#include <vector>

namespace aethex::media {
namespace {

std::uint8_t at(std::span<const std::byte> b, std::size_t i) {
  return std::to_integer<std::uint8_t>(b[i]);
}

std::size_t syncsafe(std::span<const std::byte> b, std::size_t i) {
  return (std::size_t{at(b, i)} << 21) | (std::size_t{at(b, i + 1)} << 14) |
         (std::size_t{at(b, i + 2)} << 7) | at(b, i + 3);
}

std::size_t be32(std::span<const std::byte> b, std::size_t i) {
  return (std::size_t{at(b, i)} << 24) | (std::size_t{at(b, i + 1)} << 16) |
         (std::size_t{at(b, i + 2)} << 8) | at(b, i + 3);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// UTF-16 up to the first NUL (ID3v2.4 separates several values with NULs: the first counts).
std::string utf16(std::span<const std::byte> b, bool big_endian) {
  if (b.size() >= 2) {
    auto b0 = at(b, 0), b1 = at(b, 1);
    if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
      big_endian = b0 == 0xFE;
      b = b.subspan(2);
    }
  }
  std::string out;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    std::uint32_t u = big_endian ? (at(b, i) << 8 | at(b, i + 1)) : (at(b, i + 1) << 8 | at(b, i));
    if (u == 0)
      break;
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < b.size()) {
      std::uint32_t lo = big_endian ? (at(b, i + 2) << 8 | at(b, i + 3))
                                    : (at(b, i + 3) << 8 | at(b, i + 2));
      if (lo >= 0xDC00 && lo < 0xE000) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      } else {
        u = 0xFFFD;
      }
    } else if (u >= 0xD800 && u < 0xE000) {
      u = 0xFFFD;
    }
    append_utf8(out, u);
  }
  return out;
}

std::string text_frame(std::span<const std::byte> body) {
  if (body.empty())
    return {};
  auto encoding = at(body, 0);
  auto text = body.subspan(1);
  std::string out;
  switch (encoding) {
    case 0:  // ISO-8859-1
      for (auto c : text) {
        auto v = std::to_integer<std::uint8_t>(c);
        if (v == 0)
          break;
        append_utf8(out, v);
      }
      break;
    case 1: out = utf16(text, false); break;
    case 2: out = utf16(text, true); break;
    case 3:
      for (auto c : text) {
        if (std::to_integer<std::uint8_t>(c) == 0)
          break;
        out += static_cast<char>(c);
      }
      break;
    default: return {};
  }
  return clean_tag(out);
}

// Whole-tag unsynchronisation (ID3v2.3 header flag): every FF 00 was FF.
std::vector<std::byte> resync(std::span<const std::byte> b) {
  std::vector<std::byte> out;
  out.reserve(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) {
    out.push_back(b[i]);
    if (at(b, i) == 0xFF && i + 1 < b.size() && at(b, i + 1) == 0)
      ++i;
  }
  return out;
}

}  // namespace

std::string clean_tag(std::string_view s, std::size_t max) {
  std::string out;
  for (unsigned char c : s)
    if (c >= 0x20 && c != 0x7F)
      out += static_cast<char>(c);
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  auto first = out.find_first_not_of(' ');
  out.erase(0, first == std::string::npos ? out.size() : first);
  if (out.size() <= max)
    return out;
  auto cut = max;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
    --cut;  // out[cut] continues a sequence: cut before the sequence's lead byte
  out.resize(cut);
  return out;
}

stream_tags split_artist_title(std::string_view text) {
  auto cleaned = clean_tag(text);
  stream_tags tags;
  if (auto dash = cleaned.find(" - "); dash != std::string::npos && dash > 0) {
    tags.artist = clean_tag(std::string_view{cleaned}.substr(0, dash));
    tags.title = clean_tag(std::string_view{cleaned}.substr(dash + 3));
  }
  if (tags.title.empty()) {
    tags.artist.clear();
    tags.title = cleaned;
  }
  return tags;
}

std::optional<stream_tags> parse_id3(std::span<const std::byte> tag) {
  if (tag.size() < 10 || at(tag, 0) != 'I' || at(tag, 1) != 'D' || at(tag, 2) != '3')
    return std::nullopt;
  const auto version = at(tag, 3);
  const auto flags = at(tag, 5);
  if (version != 3 && version != 4)
    return std::nullopt;
  auto size = syncsafe(tag, 6);
  auto body = tag.subspan(10, std::min(size, tag.size() - 10));
  std::vector<std::byte> resynced;
  if ((flags & 0x80) && version == 3) {
    resynced = resync(body);
    body = resynced;
  }
  std::size_t pos = 0;
  if (flags & 0x40) {  // extended header: skipped
    if (body.size() < 4)
      return std::nullopt;
    pos = version == 4 ? syncsafe(body, 0) : be32(body, 0) + 4;
  }
  stream_tags out;
  while (pos + 10 <= body.size()) {
    if (at(body, pos) == 0)
      break;  // padding
    std::string id(reinterpret_cast<const char*>(body.data() + pos), 4);
    std::size_t frame_size = version == 4 ? syncsafe(body, pos + 4) : be32(body, pos + 4);
    auto frame_flags = at(body, pos + 9);
    pos += 10;
    if (frame_size > body.size() - pos)
      break;
    auto frame = body.subspan(pos, frame_size);
    pos += frame_size;
    // Compressed or encrypted frames are skipped (v2.3: 0x80/0x40; v2.4: 0x08/0x04).
    if (version == 3 ? (frame_flags & 0xC0) : (frame_flags & 0x0C))
      continue;
    if (version == 4 && (frame_flags & 0x01)) {  // a data length indicator precedes the data
      if (frame.size() < 4)
        continue;
      frame = frame.subspan(4);
    }
    std::vector<std::byte> frame_resynced;
    if (version == 4 && (frame_flags & 0x02)) {
      frame_resynced = resync(frame);
      frame = frame_resynced;
    }
    if (id == "TIT2")
      out.title = text_frame(frame);
    else if (id == "TPE1")
      out.artist = text_frame(frame);
    else if (id == "TALB")
      out.album = text_frame(frame);
  }
  if (out.title.empty())
    return std::nullopt;
  return out;
}

}  // namespace aethex::media
