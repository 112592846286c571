// Shared by the MPEG-TS demuxer tests: real ffmpeg clips (cached per run), ffprobe's view of
// them, event summaries and comparisons, and helpers that rewrite TS packets (timestamps, PES).
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>

#include "media/ts_demux.hpp"

#include <doctest/doctest.h>

namespace fs = std::filesystem;
using namespace aethex::media;

namespace ts_fixture {

constexpr std::size_t packet = 188;
constexpr std::uint16_t video_pid = 0x100, audio_pid = 0x101;  // ffmpeg's defaults

inline byte_vector read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> raw{std::istreambuf_iterator<char>(in), {}};
  byte_vector out(raw.size());
  std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

inline std::string run(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p))
      out.append(buf, n);
    pclose(p);
  }
  return out;
}

// Encodes 3 s of test pattern and/or tone with ffmpeg (once per name) and returns the file.
inline const fs::path& clip(const std::string& name, const std::string& codecs) {
  static std::map<std::string, fs::path> made;
  if (auto it = made.find(name); it != made.end())
    return it->second;
  const fs::path dir = AETHEX_MEDIA_TEST_DIR;
  fs::create_directories(dir);
  const auto path = dir / (name + ".ts");
  const std::string cmd =
    "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi "
    "-i sine=frequency=440:sample_rate=48000 -t 3 -pix_fmt yuv420p " +
    codecs + " -f mpegts " + path.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  return made[name] = path;
}

inline const std::string h264_aac = "-c:v libx264 -preset ultrafast -bf 2 -g 30 -c:a aac";

struct demuxed {
  std::vector<demux_event> events;
  std::vector<track_layout> layouts;
  std::vector<byte_vector> video_configs, audio_configs;
  std::vector<media_frame> video, audio;
  std::vector<std::string> unsupported;
  ts_demux_stats stats;
};

inline demuxed summarize(std::vector<demux_event> events, const ts_demux_stats& stats) {
  demuxed d;
  d.stats = stats;
  for (const auto& e : events) {
    if (auto* l = std::get_if<track_layout>(&e))
      d.layouts.push_back(*l);
    else if (auto* v = std::get_if<video_config>(&e))
      d.video_configs.push_back(v->avcc);
    else if (auto* a = std::get_if<audio_config>(&e))
      d.audio_configs.push_back(a->asc);
    else if (auto* f = std::get_if<media_frame>(&e))
      (f->kind == track_kind::video ? d.video : d.audio).push_back(*f);
    else if (auto* u = std::get_if<unsupported_codec>(&e))
      d.unsupported.push_back(u->what);
  }
  d.events = std::move(events);
  return d;
}

// Feeds `data` in chunks of 1..max_chunk bytes (0: all at once), then flushes.
inline demuxed demux(std::span<const std::byte> data, std::size_t max_chunk = 0,
                     ts_demux_limits lim = {}, unsigned seed = 1) {
  ts_demuxer d{lim};
  std::vector<demux_event> events;
  auto take = [&](std::vector<demux_event> more) {
    for (auto& e : more)
      events.push_back(std::move(e));
  };
  std::mt19937 rng{seed};
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t n = max_chunk == 0
                            ? data.size()
                            : std::min<std::size_t>(data.size() - at, 1 + rng() % max_chunk);
    take(d.feed(data.subspan(at, n)));
    at += n;
  }
  take(d.flush());
  return summarize(std::move(events), d.stats());
}

inline demuxed demux_file(const fs::path& path) { return demux(read_file(path)); }

inline bool same_frame(const media_frame& a, const media_frame& b) {
  return a.kind == b.kind && a.dts == b.dts && a.cts == b.cts && a.keyframe == b.keyframe &&
         a.data == b.data;
}

inline bool same_event(const demux_event& a, const demux_event& b) {
  if (a.index() != b.index())
    return false;
  return std::visit(
    [&](const auto& x) {
      using T = std::decay_t<decltype(x)>;
      const auto& y = std::get<T>(b);
      if constexpr (std::is_same_v<T, track_layout>)
        return x.video == y.video && x.audio == y.audio;
      else if constexpr (std::is_same_v<T, video_config>)
        return x.avcc == y.avcc;
      else if constexpr (std::is_same_v<T, audio_config>)
        return x.asc == y.asc;
      else if constexpr (std::is_same_v<T, media_frame>)
        return same_frame(x, y);
      else
        return x.what == y.what;
    },
    a);
}

inline void check_same_events(const demuxed& a, const demuxed& b) {
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    INFO("event " << i);
    CHECK(same_event(a.events[i], b.events[i]));
  }
}

// Every frame's data is a well-formed run of (4-byte length, NAL unit) for video.
inline bool avcc_well_formed(const byte_vector& data) {
  std::size_t at = 0;
  while (at + 4 <= data.size()) {
    std::size_t len = 0;
    for (int i = 0; i < 4; ++i)
      len = (len << 8) | std::to_integer<std::size_t>(data[at + static_cast<std::size_t>(i)]);
    if (len == 0 || at + 4 + len > data.size())
      return false;
    at += 4 + len;
  }
  return at == data.size() && !data.empty();
}

inline bool dts_monotonic(const std::vector<media_frame>& frames) {
  for (std::size_t i = 1; i < frames.size(); ++i)
    if (frames[i].dts < frames[i - 1].dts)
      return false;
  return true;
}

inline std::uint16_t pid_of(std::span<const std::byte> p) {
  return static_cast<std::uint16_t>(((std::to_integer<unsigned>(p[1]) & 0x1F) << 8) |
                                    std::to_integer<unsigned>(p[2]));
}
inline bool unit_start(std::span<const std::byte> p) {
  return (std::to_integer<unsigned>(p[1]) & 0x40) != 0;
}

// Offset of the PES payload area in a 188-byte packet (after any adaptation field).
inline std::size_t payload_offset(std::span<const std::byte> p) {
  const unsigned afc = (std::to_integer<unsigned>(p[3]) >> 4) & 3;
  return afc & 2 ? 5 + std::to_integer<std::size_t>(p[4]) : 4;
}

inline std::uint64_t get_ts(const std::byte* p) {
  auto b = [&](int i) { return std::to_integer<std::uint64_t>(p[i]); };
  return ((b(0) & 0x0E) << 29) | (b(1) << 22) | ((b(2) & 0xFE) << 14) | (b(3) << 7) | (b(4) >> 1);
}
inline void put_ts(std::byte* p, std::uint64_t v) {
  const auto prefix = std::to_integer<unsigned>(p[0]) & 0xF0;  // '0010' PTS, '0011'/'0001' PTS+DTS
  p[0] = static_cast<std::byte>(prefix | ((v >> 29) & 0x0E) | 1);
  p[1] = static_cast<std::byte>(v >> 22);
  p[2] = static_cast<std::byte>(((v >> 14) & 0xFE) | 1);
  p[3] = static_cast<std::byte>(v >> 7);
  p[4] = static_cast<std::byte>(((v << 1) & 0xFE) | 1);
}

// Adds `offset` (mod 2^33) to every PTS and DTS of the media PIDs, as a publisher whose clock
// started near the wrap would have written them.
inline byte_vector shift_timestamps(byte_vector ts, std::uint64_t offset) {
  const std::uint64_t mask = (std::uint64_t{1} << 33) - 1;
  for (std::size_t at = 0; at + packet <= ts.size(); at += packet) {
    std::span<std::byte> p{ts.data() + at, packet};
    if (!unit_start(p) || (pid_of(p) != video_pid && pid_of(p) != audio_pid))
      continue;
    std::byte* pes = p.data() + payload_offset(p);
    REQUIRE(std::to_integer<int>(pes[2]) == 1);
    const unsigned flags = std::to_integer<unsigned>(pes[7]) >> 6;
    if (flags & 2)
      put_ts(pes + 9, (get_ts(pes + 9) + offset) & mask);
    if (flags == 3)
      put_ts(pes + 14, (get_ts(pes + 14) + offset) & mask);
  }
  return ts;
}

// A minimal TS writer for crafted streams: `pes` on `pid`, the last packet padded with an
// adaptation field as muxers do.
inline void packetize(byte_vector& out, std::uint16_t pid, std::span<const std::byte> pes,
                      unsigned& cc) {
  for (std::size_t at = 0; at < pes.size();) {
    const std::size_t n = std::min<std::size_t>(184, pes.size() - at);
    out.push_back(std::byte{0x47});
    out.push_back(static_cast<std::byte>((at == 0 ? 0x40 : 0) | (pid >> 8)));
    out.push_back(static_cast<std::byte>(pid & 0xFF));
    out.push_back(static_cast<std::byte>((n == 184 ? 0x10 : 0x30) | cc));
    if (n < 184) {
      const std::size_t af = 184 - n - 1;  // adaptation_field_length
      out.push_back(static_cast<std::byte>(af));
      if (af > 0) {
        out.push_back(std::byte{0});  // no flags
        out.insert(out.end(), af - 1, std::byte{0xFF});
      }
    }
    cc = (cc + 1) & 0x0F;
    out.insert(out.end(), pes.begin() + static_cast<std::ptrdiff_t>(at),
               pes.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
}

inline byte_vector audio_pes(std::span<const std::byte> payload, std::optional<std::int64_t> pts) {
  const std::size_t header = pts ? 5 : 0;
  const std::size_t length = 3 + header + payload.size();
  byte_vector pes(9);
  pes[2] = std::byte{1};
  pes[3] = std::byte{0xC0};  // audio stream 0
  pes[4] = static_cast<std::byte>(length >> 8);
  pes[5] = static_cast<std::byte>(length & 0xFF);
  pes[6] = std::byte{0x80};
  pes[7] = static_cast<std::byte>(pts ? 0x80 : 0x00);  // PTS_DTS_flags
  pes[8] = static_cast<std::byte>(header);
  if (pts) {
    pes.resize(pes.size() + 5);
    pes[9] = std::byte{0x20};
    put_ts(pes.data() + 9, static_cast<std::uint64_t>(*pts));
  }
  pes.insert(pes.end(), payload.begin(), payload.end());
  return pes;
}

struct probed_packet {
  std::int64_t pts = 0, dts = 0;
  std::size_t size = 0;
  bool key = false;
};

// ffprobe's packets of one stream ("v" or "a"): the independent view of the same file.
inline std::vector<probed_packet> probe(const fs::path& path, const char* stream) {
  std::istringstream lines{run(std::string{"ffprobe -v error -select_streams "} + stream +
                               " -show_entries packet=pts,dts,size,flags -of csv=p=0 " +
                               path.string())};
  std::vector<probed_packet> out;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty())
      continue;
    std::istringstream fields{line};
    std::string pts, dts, size, flags;
    std::getline(fields, pts, ',');
    std::getline(fields, dts, ',');
    std::getline(fields, size, ',');
    std::getline(fields, flags, ',');
    out.push_back({std::stoll(pts), dts == "N/A" ? std::stoll(pts) : std::stoll(dts),
                   std::stoul(size), flags.find('K') != std::string::npos});
  }
  return out;
}

}  // namespace ts_fixture
