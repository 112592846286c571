// What a copy-publisher needs of FLV and RTMP, for the capacity benchmark's C++ load tool: the
// clip's tags, AMF0 commands, chunked messages out, and the few messages a server sends back
// (chunk size, command answers). Written by hand because it is a benchmark client: ffmpeg costs a
// process per publisher, which is what made the harness, not the servers, the limit.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace capacity {

// --- the FLV clip ----------------------------------------------------------------------------

struct flv_tag {
  std::uint8_t type;         // 8 audio, 9 video, 18 script
  std::uint32_t ms;          // timestamp
  std::string_view payload;  // into flv_clip::bytes
  bool config;               // a sequence header or metadata: sent on the first pass only
};

struct flv_clip {
  std::string bytes;
  std::vector<flv_tag> tags;
  std::uint32_t loop_ms = 0;  // added to the timestamps on each pass

  explicit flv_clip(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
    if (bytes.size() < 13 || bytes.compare(0, 3, "FLV") != 0)
      throw std::runtime_error(path + ": not an FLV file");
    auto u8 = [&](std::size_t i) {
      return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]));
    };
    auto be = [&](std::size_t i, int n) {
      std::uint32_t v = 0;
      for (int k = 0; k < n; ++k)
        v = v << 8 | u8(i + k);
      return v;
    };
    std::uint32_t last_video = 0, video_step = 33;
    for (std::size_t at = be(5, 4) + 4; at + 11 <= bytes.size();) {
      auto size = be(at + 1, 3);
      if (at + 11 + size > bytes.size())
        break;
      std::uint8_t type = u8(at) & 0x1f;
      std::uint32_t ms = be(at + 4, 3) | u8(at + 7) << 24;
      std::string_view payload{bytes.data() + at + 11, size};
      bool config = type == 18 ||
                    (type == 9 && size > 1 && (payload[0] & 0x0f) == 7 && payload[1] == 0) ||
                    (type == 8 && size > 1 && (static_cast<unsigned char>(payload[0]) >> 4) == 10 &&
                     payload[1] == 0);
      if (type == 9 && !config) {
        if (ms > last_video && last_video)
          video_step = ms - last_video;
        last_video = ms;
      }
      if (type == 8 || type == 9 || type == 18)
        tags.push_back({type, ms, payload, config});
      at += 11 + size + 4;
    }
    if (tags.empty())
      throw std::runtime_error(path + ": no FLV tags");
    loop_ms = last_video + video_step;
  }
};

// --- AMF0 ------------------------------------------------------------------------------------

struct amf_writer {
  std::string out;
  void number(double v) {
    out += '\x00';
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    for (int i = 7; i >= 0; --i)
      out += static_cast<char>(bits >> (8 * i));
  }
  void key(std::string_view s) {
    out += static_cast<char>(s.size() >> 8);
    out += static_cast<char>(s.size());
    out += s;
  }
  void string(std::string_view s) {
    out += '\x02';
    key(s);
  }
  void null() { out += '\x05'; }
  void object(const std::map<std::string, std::string>& fields) {
    out += '\x03';
    for (auto& [k, v] : fields) {
      key(k);
      string(v);
    }
    out += std::string_view{"\x00\x00\x09", 3};
  }
};

/// The values of a command message that a publisher looks at: strings, numbers and the string
/// fields of objects (e.g. onStatus's "code"); anything else is skipped.
struct amf_values {
  std::vector<std::string> strings;
  std::vector<double> numbers;
  std::map<std::string, std::string> fields;

  explicit amf_values(std::string_view d) {
    std::size_t at = 0;
    while (at < d.size() && value(d, at, nullptr)) {
    }
  }

 private:
  static std::uint32_t be(std::string_view d, std::size_t at, int n) {
    std::uint32_t v = 0;
    for (int k = 0; k < n; ++k)
      v = v << 8 | static_cast<unsigned char>(d[at + k]);
    return v;
  }
  bool value(std::string_view d, std::size_t& at, const std::string* name) {
    if (at >= d.size())
      return false;
    auto marker = static_cast<unsigned char>(d[at++]);
    switch (marker) {
      case 0x00:  // number
        if (at + 8 > d.size())
          return false;
        {
          std::uint64_t bits = std::uint64_t{be(d, at, 4)} << 32 | be(d, at + 4, 4);
          double v;
          std::memcpy(&v, &bits, 8);
          numbers.push_back(v);
        }
        at += 8;
        return true;
      case 0x01:  // boolean
        return ++at <= d.size();
      case 0x02:    // string
      case 0x0c: {  // long string
        int n = marker == 2 ? 2 : 4;
        if (at + n > d.size())
          return false;
        auto len = be(d, at, n);
        at += n;
        if (at + len > d.size())
          return false;
        std::string s{d.substr(at, len)};
        at += len;
        if (name)
          fields[*name] = s;
        else
          strings.push_back(std::move(s));
        return true;
      }
      case 0x05:
      case 0x06:  // null, undefined
        return true;
      case 0x08:  // ECMA array: a count, then as an object
        at += 4;
        [[fallthrough]];
      case 0x03:  // object: (key, value)* then an empty key and 0x09
        while (at + 2 <= d.size()) {
          auto len = be(d, at, 2);
          at += 2;
          if (len == 0 && at < d.size() && d[at] == 0x09)
            return ++at, true;
          if (at + len > d.size())
            return false;
          std::string key{d.substr(at, len)};
          at += len;
          if (!value(d, at, &key))
            return false;
        }
        return false;
      default: return false;  // nothing a publisher needs
    }
  }
};

// --- RTMP chunks -----------------------------------------------------------------------------

constexpr std::uint32_t out_chunk_size = 4096;  // what ffmpeg announces

/// Appends one message as chunks: a type-0 header, then type-3 continuations.
inline void append_message(std::string& out, std::uint8_t csid, std::uint8_t type,
                           std::uint32_t stream, std::uint32_t ms, std::string_view payload) {
  bool extended = ms >= 0xffffff;
  auto put = [&](std::uint32_t v, int n) {
    for (int i = n - 1; i >= 0; --i)
      out += static_cast<char>(v >> (8 * i));
  };
  out += static_cast<char>(csid);  // fmt 0, csid < 64
  put(extended ? 0xffffff : ms, 3);
  put(static_cast<std::uint32_t>(payload.size()), 3);
  out += static_cast<char>(type);
  for (int i = 0; i < 4; ++i)  // the message stream id is little-endian
    out += static_cast<char>(stream >> (8 * i));
  for (std::size_t at = 0;;) {
    if (extended)
      put(ms, 4);
    auto n = std::min<std::size_t>(out_chunk_size, payload.size() - at);
    out.append(payload.substr(at, n));
    at += n;
    if (at >= payload.size())
      return;
    out += static_cast<char>(0xc0 | csid);
  }
}

struct rtmp_message {
  std::uint8_t type;
  std::string payload;
};

/// Reassembles the server's messages from its chunk stream; follows its Set Chunk Size.
class chunk_reader {
 public:
  /// Appends bytes; returns the messages completed by them, or nothing on a malformed stream.
  std::optional<std::vector<rtmp_message>> feed(std::string_view bytes) {
    buf_.append(bytes);
    std::vector<rtmp_message> done;
    std::size_t at = 0;
    while (true) {
      auto used = one_chunk(at, done);
      if (used < 0)
        return std::nullopt;
      if (used == 0)
        break;
      at += static_cast<std::size_t>(used);
    }
    buf_.erase(0, at);
    return done;
  }

 private:
  struct chunk_stream {
    std::uint32_t ms = 0, length = 0;
    std::uint8_t type = 0;
    bool extended = false;
    std::string partial;
  };

  // Bytes of one whole chunk at `at` (0: not all here yet, -1: malformed).
  long one_chunk(std::size_t at, std::vector<rtmp_message>& done) {
    auto avail = buf_.size() - at;
    auto u8 = [&](std::size_t i) {
      return static_cast<std::uint32_t>(static_cast<unsigned char>(buf_[at + i]));
    };
    if (avail < 1)
      return 0;
    auto fmt = u8(0) >> 6;
    std::uint32_t csid = u8(0) & 0x3f;
    std::size_t head = 1;
    if (csid < 2) {
      head += csid + 1;
      if (avail < head)
        return 0;
      csid = csid == 0 ? 64 + u8(1) : 64 + u8(1) + 256 * u8(2);
    }
    static constexpr std::size_t header_size[] = {11, 7, 3, 0};
    if (avail < head + header_size[fmt])
      return 0;
    auto be = [&](std::size_t i, int n) {
      std::uint32_t v = 0;
      for (int k = 0; k < n; ++k)
        v = v << 8 | u8(i + k);
      return v;
    };
    auto& cs = streams_[csid];
    if (fmt <= 2) {
      auto ts = be(head, 3);
      cs.extended = ts == 0xffffff;
      if (fmt <= 1) {
        cs.length = be(head + 3, 3);
        cs.type = static_cast<std::uint8_t>(u8(head + 6));
        if (cs.length > (1u << 24))
          return -1;
      }
    }
    head += header_size[fmt] + (cs.extended ? 4 : 0);
    auto want = std::min<std::size_t>(chunk_size_, cs.length - cs.partial.size());
    if (avail < head + want)
      return 0;
    cs.partial.append(buf_, at + head, want);
    if (cs.partial.size() == cs.length) {
      if (cs.type == 1 && cs.length >= 4) {
        auto p = [&](int i) {
          return static_cast<std::uint32_t>(static_cast<unsigned char>(cs.partial[i]));
        };
        chunk_size_ = std::max<std::uint32_t>(1, (p(0) << 24 | p(1) << 16 | p(2) << 8 | p(3)) &
                                                   0x7fffffff);
      }
      done.push_back({cs.type, std::move(cs.partial)});
      cs.partial.clear();
    }
    return static_cast<long>(head + want);
  }

  std::string buf_;
  std::uint32_t chunk_size_ = 128;
  std::map<std::uint32_t, chunk_stream> streams_;
};

}  // namespace capacity
