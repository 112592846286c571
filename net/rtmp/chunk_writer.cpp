#include "net/rtmp/chunk_writer.hpp"

#include <algorithm>

namespace aethex::net::rtmp {

namespace {

void basic_header(std::vector<std::uint8_t>& out, unsigned fmt, std::uint32_t cs) {
  const auto f = static_cast<std::uint8_t>(fmt << 6);
  if (cs >= 2 && cs <= 63) {
    out.push_back(static_cast<std::uint8_t>(f | cs));
  } else if (cs >= 64 && cs <= 319) {
    out.push_back(f);
    out.push_back(static_cast<std::uint8_t>(cs - 64));
  } else {  // 320..65599; callers never use more
    out.push_back(static_cast<std::uint8_t>(f | 1));
    out.push_back(static_cast<std::uint8_t>((cs - 64) & 0xFF));
    out.push_back(static_cast<std::uint8_t>((cs - 64) >> 8));
  }
}

void be(std::vector<std::uint8_t>& out, std::uint32_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

void chunk_writer::write(std::uint32_t cs, std::uint8_t type, std::uint32_t stream_id,
                         std::uint32_t timestamp, std::span<const std::uint8_t> payload,
                         std::vector<std::uint8_t>& out) const {
  const bool extended = timestamp >= 0xFFFFFF;
  basic_header(out, 0, cs);
  be(out, extended ? 0xFFFFFF : timestamp, 3);
  be(out, static_cast<std::uint32_t>(payload.size()), 3);
  out.push_back(type);
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(stream_id >> (8 * i)));
  if (extended)
    be(out, timestamp, 4);

  std::size_t pos = 0;
  do {
    if (pos > 0) {
      basic_header(out, 3, cs);
      if (extended)
        be(out, timestamp, 4);  // type-3 chunks repeat the extended timestamp
    }
    const std::size_t n = std::min<std::size_t>(chunk_size_, payload.size() - pos);
    out.insert(out.end(), payload.begin() + static_cast<std::ptrdiff_t>(pos),
               payload.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  } while (pos < payload.size());
}

}  // namespace aethex::net::rtmp
