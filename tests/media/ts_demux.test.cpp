// MPEG-TS demuxer on real ffmpeg output (H.264 with B-frames + AAC, audio-only, video-only, HEVC,
// MP3, Opus), checked against ffprobe's view of the same files; then the same files cut, split
// in random chunks, damaged, shifted across the 33-bit clock wrap, and plain garbage.
#include <doctest/doctest.h>

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

namespace fs = std::filesystem;
using namespace aethex::media;

namespace {

constexpr std::size_t packet = 188;
constexpr std::uint16_t video_pid = 0x100, audio_pid = 0x101;  // ffmpeg's defaults

byte_vector read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> raw{std::istreambuf_iterator<char>(in), {}};
  byte_vector out(raw.size());
  std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

std::string run(const std::string& cmd) {
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
const fs::path& clip(const std::string& name, const std::string& codecs) {
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

const std::string h264_aac = "-c:v libx264 -preset ultrafast -bf 2 -g 30 -c:a aac";

struct demuxed {
  std::vector<demux_event> events;
  std::vector<track_layout> layouts;
  std::vector<byte_vector> video_configs, audio_configs;
  std::vector<media_frame> video, audio;
  std::vector<std::string> unsupported;
  ts_demux_stats stats;
};

demuxed summarize(std::vector<demux_event> events, const ts_demux_stats& stats) {
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
demuxed demux(std::span<const std::byte> data, std::size_t max_chunk = 0, ts_demux_limits lim = {},
              unsigned seed = 1) {
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

demuxed demux_file(const fs::path& path) { return demux(read_file(path)); }

bool same_frame(const media_frame& a, const media_frame& b) {
  return a.kind == b.kind && a.dts == b.dts && a.cts == b.cts && a.keyframe == b.keyframe &&
         a.data == b.data;
}

bool same_event(const demux_event& a, const demux_event& b) {
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

void check_same_events(const demuxed& a, const demuxed& b) {
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    INFO("event " << i);
    CHECK(same_event(a.events[i], b.events[i]));
  }
}

// Every frame's data is a well-formed run of (4-byte length, NAL unit) for video.
bool avcc_well_formed(const byte_vector& data) {
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

bool dts_monotonic(const std::vector<media_frame>& frames) {
  for (std::size_t i = 1; i < frames.size(); ++i)
    if (frames[i].dts < frames[i - 1].dts)
      return false;
  return true;
}

std::uint16_t pid_of(std::span<const std::byte> p) {
  return static_cast<std::uint16_t>(((std::to_integer<unsigned>(p[1]) & 0x1F) << 8) |
                                    std::to_integer<unsigned>(p[2]));
}
bool unit_start(std::span<const std::byte> p) {
  return (std::to_integer<unsigned>(p[1]) & 0x40) != 0;
}

// Offset of the PES payload area in a 188-byte packet (after any adaptation field).
std::size_t payload_offset(std::span<const std::byte> p) {
  const unsigned afc = (std::to_integer<unsigned>(p[3]) >> 4) & 3;
  return afc & 2 ? 5 + std::to_integer<std::size_t>(p[4]) : 4;
}

std::uint64_t get_ts(const std::byte* p) {
  auto b = [&](int i) { return std::to_integer<std::uint64_t>(p[i]); };
  return ((b(0) & 0x0E) << 29) | (b(1) << 22) | ((b(2) & 0xFE) << 14) | (b(3) << 7) | (b(4) >> 1);
}
void put_ts(std::byte* p, std::uint64_t v) {
  const auto prefix = std::to_integer<unsigned>(p[0]) & 0xF0;  // '0010' PTS, '0011'/'0001' PTS+DTS
  p[0] = static_cast<std::byte>(prefix | ((v >> 29) & 0x0E) | 1);
  p[1] = static_cast<std::byte>(v >> 22);
  p[2] = static_cast<std::byte>(((v >> 14) & 0xFE) | 1);
  p[3] = static_cast<std::byte>(v >> 7);
  p[4] = static_cast<std::byte>(((v << 1) & 0xFE) | 1);
}

// Adds `offset` (mod 2^33) to every PTS and DTS of the media PIDs, as a publisher whose clock
// started near the wrap would have written them.
byte_vector shift_timestamps(byte_vector ts, std::uint64_t offset) {
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
void packetize(byte_vector& out, std::uint16_t pid, std::span<const std::byte> pes, unsigned& cc) {
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

byte_vector audio_pes(std::span<const std::byte> payload, std::optional<std::int64_t> pts) {
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
std::vector<probed_packet> probe(const fs::path& path, const char* stream) {
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

}  // namespace

TEST_CASE("H.264 with B-frames and AAC from ffmpeg") {
  const auto& path = clip("av", h264_aac);
  const auto d = demux_file(path);

  REQUIRE(d.layouts.size() == 1);
  CHECK(d.layouts[0].video);
  CHECK(d.layouts[0].audio);
  CHECK(std::holds_alternative<track_layout>(d.events.front()));
  CHECK(d.unsupported.empty());
  CHECK(d.stats.discarded_bytes == 0);
  CHECK(d.stats.continuity_errors == 0);
  CHECK(d.stats.dropped_pes == 0);
  CHECK(d.stats.dropped_frames == 0);

  // Video: one config, before the first frame, with the SPS's profile (ultrafast: Main).
  REQUIRE(d.video_configs.size() == 1);
  const auto& avcc = d.video_configs[0];
  REQUIRE(avcc.size() > 11);
  CHECK(avcc[0] == std::byte{0x01});
  CHECK(std::to_integer<int>(avcc[1]) == 77);
  CHECK(std::to_integer<int>(avcc[9]) == 77);  // the SPS itself (after its NAL header byte)
  std::size_t first_config = 0, first_video = 0;
  for (std::size_t i = 0; i < d.events.size(); ++i) {
    if (std::holds_alternative<video_config>(d.events[i]) && !first_config)
      first_config = i;
    if (auto* f = std::get_if<media_frame>(&d.events[i]);
        f && f->kind == track_kind::video && !first_video)
      first_video = i;
  }
  CHECK(first_config < first_video);

  REQUIRE(d.video.size() == 90);
  int keyframes = 0, b_frames = 0;
  for (std::size_t i = 0; i < d.video.size(); ++i) {
    const auto& f = d.video[i];
    keyframes += f.keyframe;
    b_frames += f.cts > 0;
    CHECK(f.cts >= 0);
    CHECK(avcc_well_formed(f.data));
    if (i > 0)
      CHECK(f.dts - d.video[i - 1].dts == 3000);
  }
  CHECK(keyframes == 3);
  CHECK(d.video[0].keyframe);
  CHECK(d.video[30].keyframe);
  CHECK(d.video[60].keyframe);
  CHECK(b_frames > 0);

  // Audio: mono 48 kHz AAC-LC, about 3 s * 48000 / 1024 frames, 1920 ticks apart.
  REQUIRE(d.audio_configs.size() == 1);
  CHECK(d.audio_configs[0] == byte_vector{std::byte{0x11}, std::byte{0x88}});
  CHECK(d.audio.size() >= 140 - 2);
  CHECK(d.audio.size() <= 141 + 2);
  for (std::size_t i = 0; i < d.audio.size(); ++i) {
    CHECK(d.audio[i].keyframe);
    CHECK(d.audio[i].cts == 0);
    if (i > 0)
      CHECK(d.audio[i].dts - d.audio[i - 1].dts == 1920);
  }

  // ffprobe reads the same file the same way: timestamps, keyframes, AAC sizes (ADTS header 7).
  const auto pv = probe(path, "v");
  REQUIRE(pv.size() == d.video.size());
  for (std::size_t i = 0; i < pv.size(); ++i) {
    INFO("video frame " << i);
    CHECK(d.video[i].dts == pv[i].dts);
    CHECK(d.video[i].dts + d.video[i].cts == pv[i].pts);
    CHECK(d.video[i].keyframe == pv[i].key);
  }
  const auto pa = probe(path, "a");
  REQUIRE(pa.size() == d.audio.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    INFO("audio frame " << i);
    CHECK(d.audio[i].dts == pa[i].pts);
    CHECK(d.audio[i].data.size() + 7 == pa[i].size);
  }

  // ffmpeg's MP4 muxer builds the same avcC from the same stream.
  const auto mp4 = path.parent_path() / "av.mp4";
  REQUIRE(std::system(("ffmpeg -hide_banner -loglevel error -y -i " + path.string() +
                       " -c copy -f mp4 " + mp4.string())
                        .c_str()) == 0);
  const auto m = read_file(mp4);
  const char* name = "avcC";
  auto it = std::search(m.begin(), m.end(), reinterpret_cast<const std::byte*>(name),
                        reinterpret_cast<const std::byte*>(name) + 4);
  REQUIRE(it != m.end());
  const auto box_size = std::to_integer<std::size_t>(*(it - 1)) |
                        (std::to_integer<std::size_t>(*(it - 2)) << 8);
  CHECK(byte_vector(it + 4, it - 4 + static_cast<std::ptrdiff_t>(box_size)) == avcc);
}

TEST_CASE("the last video frame waits for the end of input, then flush() emits it") {
  const auto data = read_file(clip("av", h264_aac));
  ts_demuxer d;
  const auto fed = summarize(d.feed(data), d.stats());
  CHECK(fed.video.size() == 89);  // a PES without length ends only when the next one starts
  const auto flushed = summarize(d.flush(), d.stats());
  REQUIRE(flushed.video.size() == 1);
  CHECK(flushed.video[0].dts == fed.video.back().dts + 3000);
  CHECK(flushed.layouts.empty());
  CHECK(flushed.video_configs.empty());
}

TEST_CASE("chunk boundaries do not change the events") {
  const auto data = read_file(clip("av", h264_aac));
  const auto whole = demux(data);
  for (unsigned seed : {1U, 2U, 3U}) {
    INFO("seed " << seed);
    check_same_events(whole, demux(data, 3000, {}, seed));
  }
  check_same_events(whole, demux(data, 1));  // one byte at a time
}

TEST_CASE("audio-only and video-only streams") {
  const auto a = demux_file(clip("audio_only", "-vn -c:a aac"));
  REQUIRE(a.layouts.size() == 1);
  CHECK_FALSE(a.layouts[0].video);
  CHECK(a.layouts[0].audio);
  CHECK(a.video_configs.empty());
  CHECK(a.video.empty());
  CHECK(a.audio_configs.size() == 1);
  CHECK(a.audio.size() >= 138);
  CHECK(a.unsupported.empty());

  const auto v = demux_file(clip("video_only", "-an -c:v libx264 -preset ultrafast -bf 2 -g 30"));
  REQUIRE(v.layouts.size() == 1);
  CHECK(v.layouts[0].video);
  CHECK_FALSE(v.layouts[0].audio);
  CHECK(v.audio_configs.empty());
  CHECK(v.audio.empty());
  CHECK(v.video_configs.size() == 1);
  CHECK(v.video.size() == 90);
  CHECK(v.unsupported.empty());
}

TEST_CASE("codecs we cannot carry are reported once each and ignored") {
  // HEVC video with AAC: the audio still comes through.
  const auto h = demux_file(
    clip("hevc", "-c:v libx265 -x265-params log-level=error -preset ultrafast -c:a aac"));
  REQUIRE(h.layouts.size() == 1);
  CHECK_FALSE(h.layouts[0].video);
  CHECK(h.layouts[0].audio);
  REQUIRE(h.unsupported.size() == 1);  // the PMT repeats; the report does not
  CHECK(h.unsupported[0] == "video codec HEVC (MPEG-TS stream type 0x24)");
  CHECK(h.video.empty());
  CHECK(h.video_configs.empty());
  CHECK(h.audio.size() >= 138);

  // MP3 audio with H.264: the video still comes through.
  const auto m = demux_file(clip("mp3", "-c:v libx264 -preset ultrafast -c:a libmp3lame"));
  REQUIRE(m.layouts.size() == 1);
  CHECK(m.layouts[0].video);
  CHECK_FALSE(m.layouts[0].audio);
  REQUIRE(m.unsupported.size() == 1);
  CHECK(m.unsupported[0].find("MP3") != std::string::npos);
  CHECK(m.video.size() == 90);
  CHECK(m.audio.empty());

  // Opus is private data (stream type 0x06) with a registration descriptor.
  const auto o = demux_file(clip("opus", "-vn -c:a libopus"));
  REQUIRE(o.layouts.size() == 1);
  CHECK_FALSE(o.layouts[0].audio);
  REQUIRE(o.unsupported.size() == 1);
  CHECK(o.unsupported[0] == "audio codec Opus (MPEG-TS stream type 0x06)");
  CHECK(o.audio.empty());
}

TEST_CASE("ADTS frames split across PES packets, with CRCs and PES without PTS") {
  // The audio of a real file, re-muxed by hand: the PES boundaries fall anywhere (inside ADTS
  // headers too), every third frame gets a CRC, every fourth PES has no PTS. ffmpeg itself only
  // writes whole frames per PES, so this is the path real files never take.
  const auto file = read_file(clip("audio_only", "-vn -c:a aac"));
  const auto source = demux(file);
  REQUIRE(source.audio.size() > 100);
  byte_vector ts;
  std::uint16_t pid = 0;
  for (std::size_t at = 0; at + packet <= file.size() && pid == 0; at += packet) {
    std::span<const std::byte> p{file.data() + at, packet};
    if (pid_of(p) == 0 || pid_of(p) == 0x1000)  // PAT and PMT as ffmpeg wrote them
      ts.insert(ts.end(), p.begin(), p.end());
    else if (pid_of(p) != 0x11 && unit_start(p))  // 0x11: the SDT
      pid = pid_of(p);
  }
  REQUIRE(pid != 0);

  byte_vector adts;
  std::vector<std::size_t> starts;  // where each frame begins in `adts`
  for (std::size_t i = 0; i < source.audio.size(); ++i) {
    const bool crc = i % 3 == 0;
    const std::size_t size = (crc ? 9 : 7) + source.audio[i].data.size();
    starts.push_back(adts.size());
    // LC (profile 1), 48 kHz (index 3), mono; frame length in 13 bits; 0x7FF fullness; 1 block.
    for (std::size_t v :
         {std::size_t{0xFF}, std::size_t{crc ? 0xF0U : 0xF1U}, std::size_t{0x4C},
          0x40 | (size >> 11), (size >> 3) & 0xFF, ((size & 7) << 5) | 0x1F, std::size_t{0xFC}})
      adts.push_back(static_cast<std::byte>(v));
    if (crc)
      adts.insert(adts.end(), {std::byte{0x12}, std::byte{0x34}});
    adts.insert(adts.end(), source.audio[i].data.begin(), source.audio[i].data.end());
  }

  std::mt19937 rng{11};
  unsigned cc = 0;
  std::size_t next_frame = 0, pes_count = 0;
  for (std::size_t at = 0; at < adts.size(); ++pes_count) {
    const std::size_t n = std::min<std::size_t>(adts.size() - at, 50 + rng() % 1500);
    // The PTS is that of the first frame starting in this PES, if one does.
    std::optional<std::int64_t> pts;
    while (next_frame < starts.size() && starts[next_frame] < at)
      ++next_frame;
    if (next_frame < starts.size() && starts[next_frame] < at + n && pes_count % 4 != 3)
      pts = source.audio[next_frame].dts;
    packetize(ts, pid, audio_pes(std::span{adts}.subspan(at, n), pts), cc);
    at += n;
  }

  const auto d = demux(ts, 700);
  CHECK(d.stats.dropped_pes == 0);
  CHECK(d.stats.es_discarded_bytes == 0);
  REQUIRE(d.audio_configs.size() == 1);
  CHECK(d.audio_configs[0] == source.audio_configs[0]);
  REQUIRE(d.audio.size() == source.audio.size());
  for (std::size_t i = 0; i < d.audio.size(); ++i) {
    INFO("frame " << i);
    CHECK(same_frame(d.audio[i], source.audio[i]));
  }
}

TEST_CASE("timestamps that cross the 33-bit wrap stay monotonic") {
  const auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  REQUIRE(clean.video.size() == 90);
  // Put the first video DTS half a second before the wrap: the first value stays as given (a
  // large number), the rest continue past 2^33.
  const std::int64_t wrap = std::int64_t{1} << 33;
  const std::int64_t offset = wrap - 45'000 - clean.video[0].dts;
  const auto shifted = demux(shift_timestamps(data, static_cast<std::uint64_t>(offset)));
  REQUIRE(shifted.video.size() == clean.video.size());
  REQUIRE(shifted.audio.size() == clean.audio.size());
  CHECK(shifted.video[0].dts == wrap - 45'000);
  CHECK(shifted.video.back().dts > wrap);
  for (std::size_t i = 0; i < clean.video.size(); ++i) {
    CHECK(shifted.video[i].dts == clean.video[i].dts + offset);
    CHECK(shifted.video[i].cts == clean.video[i].cts);
    CHECK(shifted.video[i].data == clean.video[i].data);
  }
  for (std::size_t i = 0; i < clean.audio.size(); ++i)
    CHECK(shifted.audio[i].dts == clean.audio[i].dts + offset);
}

TEST_CASE("a lost packet drops the frame it belonged to, nothing else") {
  auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  // Remove a continuation packet of a video PES in the middle of the file.
  std::size_t victim = 0;
  for (std::size_t at = data.size() / packet / 2 * packet; at + packet <= data.size();
       at += packet) {
    std::span<const std::byte> p{data.data() + at, packet};
    if (pid_of(p) == video_pid && !unit_start(p)) {
      victim = at;
      break;
    }
  }
  REQUIRE(victim != 0);
  data.erase(data.begin() + static_cast<std::ptrdiff_t>(victim),
             data.begin() + static_cast<std::ptrdiff_t>(victim + packet));
  const auto d = demux(data);
  CHECK(d.stats.continuity_errors == 1);
  CHECK(d.stats.dropped_pes == 1);
  REQUIRE(d.video.size() == clean.video.size() - 1);
  std::size_t missing = 0;
  for (std::size_t i = 0, j = 0; i < clean.video.size(); ++i) {
    if (j < d.video.size() && same_frame(clean.video[i], d.video[j]))
      ++j;
    else
      ++missing;
  }
  CHECK(missing == 1);
  REQUIRE(d.audio.size() == clean.audio.size());
}

TEST_CASE("garbage between packets is skipped and counted") {
  const auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  // Random bytes without 0x47, so that no false sync can be taken inside them.
  std::mt19937 rng{42};
  auto junk = [&](std::size_t n) {
    byte_vector out(n);
    for (auto& b : out) {
      do
        b = static_cast<std::byte>(rng());
      while (b == std::byte{0x47});
    }
    return out;
  };
  byte_vector dirty = junk(5000);
  const std::size_t middle = data.size() / packet / 2 * packet;
  dirty.insert(dirty.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(middle));
  const auto more = junk(777);
  dirty.insert(dirty.end(), more.begin(), more.end());
  dirty.insert(dirty.end(), data.begin() + static_cast<std::ptrdiff_t>(middle), data.end());
  const auto d = demux(dirty, 1000);
  CHECK(d.stats.discarded_bytes == 5000 + 777);
  check_same_events(clean, d);
}

TEST_CASE("a truncated file gives a prefix of the events, with no bogus frames") {
  const auto data = read_file(clip("av", h264_aac));
  const auto full = demux(data);
  for (std::size_t cut : {data.size() / 3 + 77, data.size() * 2 / 3 + 1, std::size_t{1000}}) {
    INFO("cut at " << cut);
    const auto d = demux(std::span{data}.first(cut));
    REQUIRE(!d.events.empty());
    REQUIRE(d.events.size() <= full.events.size());
    for (std::size_t i = 0; i + 1 < d.events.size(); ++i)
      CHECK(same_event(d.events[i], full.events[i]));
    // The last one may be the video frame flush() cut short: a real frame's timing, less data.
    const auto& last = d.events.back();
    if (!same_event(last, full.events[d.events.size() - 1])) {
      const auto* f = std::get_if<media_frame>(&last);
      REQUIRE(f);
      CHECK(f->kind == track_kind::video);
      CHECK(avcc_well_formed(f->data));
      bool matched = false;
      for (const auto& g : full.video)
        matched = matched || (g.dts == f->dts && g.cts == f->cts && g.data.size() > f->data.size());
      CHECK(matched);
    }
    CHECK(d.video.size() <= full.video.size());
    CHECK(d.audio.size() <= full.audio.size());
  }
}

TEST_CASE("a PES over the size limit is dropped") {
  const auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  // 4000 bytes hold every audio PES (ffmpeg packs about 2.9 kB of ADTS frames into each) but no
  // IDR frame (about 7 kB here);
  // the SPS/PPS travel with the IDR frames, so without them no video config and no video frame.
  const auto d = demux(data, 0, ts_demux_limits{4000});
  CHECK(d.stats.dropped_pes >= 3);
  CHECK(d.stats.dropped_frames > 0);
  CHECK(d.video_configs.empty());
  CHECK(d.video.empty());
  CHECK(d.audio.size() == clean.audio.size());
  // A limit above every frame changes nothing.
  check_same_events(clean, demux(data, 0, ts_demux_limits{64 * 1024}));
}

TEST_CASE("garbage and damaged streams do not crash or invent frames") {
  std::mt19937 rng{7};
  SUBCASE("random bytes") {
    byte_vector junk(1 << 20);
    for (auto& b : junk)
      b = static_cast<std::byte>(rng());
    const auto d = demux(junk, 5000);
    CHECK(d.video.empty());
    CHECK(d.audio.empty());
    CHECK(d.video_configs.empty());
    CHECK(d.audio_configs.empty());
    CHECK(d.stats.discarded_bytes > junk.size() / 2);
  }
  SUBCASE("random packets on the PIDs that matter") {
    // Valid sync bytes and PIDs with random headers and payloads: every parser path runs.
    const std::uint16_t pids[] = {0, 0x1000, video_pid, audio_pid};
    byte_vector junk(packet * 20000);
    for (auto& b : junk)
      b = static_cast<std::byte>(rng());
    for (std::size_t at = 0; at < junk.size(); at += packet) {
      const auto pid = pids[rng() % 4];
      junk[at] = std::byte{0x47};
      junk[at + 1] = static_cast<std::byte>((std::to_integer<unsigned>(junk[at + 1]) & 0x40) |
                                            (pid >> 8));
      junk[at + 2] = static_cast<std::byte>(pid & 0xFF);
    }
    const auto d = demux(junk, 3000);
    CHECK(d.stats.packets == 20000);
    CHECK(dts_monotonic(d.video));
    CHECK(dts_monotonic(d.audio));
  }
  SUBCASE("bit errors in a real stream") {
    auto data = read_file(clip("av", h264_aac));
    for (int i = 0; i < 300; ++i)
      data[rng() % data.size()] = static_cast<std::byte>(rng());
    const auto d = demux(data, 2000);
    CHECK(d.video.size() <= 90);
    CHECK(dts_monotonic(d.video));
    CHECK(dts_monotonic(d.audio));
    for (const auto& f : d.video)
      CHECK(avcc_well_formed(f.data));
    for (const auto& f : d.audio)
      CHECK(f.data.size() < 8192);
  }
}
