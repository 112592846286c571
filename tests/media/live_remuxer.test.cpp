// The copy path end to end without a node: real ffmpeg output (FLV as RTMP delivers it, MPEG-TS
// as SRT delivers it) through our demuxers and the remuxer, checked box by box with our fMP4
// reader and as a whole file by ffprobe/ffmpeg, which must decode every frame without an error.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <map>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "media/flv_demux.hpp"
#include "media/fmp4.hpp"
#include "media/live_remuxer.hpp"
#include "media/ll_hls.hpp"
#include "media/ts_demux.hpp"

namespace fs = std::filesystem;
using namespace aethex::media;

namespace {

fs::path out_dir() {
  fs::path dir = AETHEX_MEDIA_TEST_DIR;
  fs::create_directories(dir);
  return dir;
}

std::string run_output(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    out.append(buffer.data(), n);
  pclose(pipe);
  return out;
}

// 3 s of 320x240 30 fps H.264 with B-frames and a keyframe every second, plus 48 kHz AAC.
byte_vector make_clip(const std::string& name, const std::string& tracks,
                      const std::string& format) {
  auto path = out_dir() / name;
  std::string command =
    "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi "
    "-i sine=frequency=440:sample_rate=48000 -t 3 -pix_fmt yuv420p -c:v libx264 -preset "
    "veryfast -bf 2 -g 30 -keyint_min 30 -sc_threshold 0 -c:a aac " +
    tracks + " -f " + format + " " + path.string();
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> raw{std::istreambuf_iterator<char>(in), {}};
  byte_vector out(raw.size());
  std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

struct remuxed {
  std::vector<remux_unit> units;
  std::optional<fmp4::init_info> init;
  fs::path file;  // init + every fragment, as one fragmented MP4
};

template <class Demuxer>
remuxed remux(const byte_vector& input, const std::string& name, unsigned seed = 1) {
  Demuxer demuxer;
  live_remuxer remuxer;
  remuxed out;
  std::mt19937 rng{seed};
  for (std::size_t at = 0; at < input.size();) {
    auto n = std::min<std::size_t>(input.size() - at, 1 + rng() % 4000);
    for (auto& event : demuxer.feed(std::span{input}.subspan(at, n)))
      remuxer.push(std::move(event), out.units);
    at += n;
  }
  if constexpr (requires { demuxer.flush(); })
    for (auto& event : demuxer.flush())
      remuxer.push(std::move(event), out.units);
  remuxer.flush(out.units);
  REQUIRE(!out.units.empty());
  REQUIRE(out.units.front().kind == remux_unit::type::init);
  out.init = fmp4::parse_init(*out.units.front().data);
  out.file = out_dir() / name;
  std::ofstream file(out.file, std::ios::binary);
  for (auto& unit : out.units)
    if (unit.data)
      file.write(reinterpret_cast<const char*>(unit.data->data()),
                 static_cast<std::streamsize>(unit.data->size()));
  return out;
}

std::uint32_t samples_of(const remuxed& r, bool video) {
  std::uint32_t total = 0;
  for (auto& u : r.units)
    if (u.kind == remux_unit::type::fragment && u.video == video)
      total += u.samples;
  return total;
}

// ffmpeg decodes the whole file; any decoding error is printed (and fails the check).
std::string decode_errors(const fs::path& file) {
  return run_output("ffmpeg -hide_banner -v error -i " + file.string() + " -f null - 2>&1");
}

std::string probe(const fs::path& file, const std::string& entries) {
  return run_output("ffprobe -v error -count_frames -show_entries " + entries + " -of csv=p=0 " +
                    file.string() + " 2>&1");
}

// Whether a fragment's trun holds a non-zero composition offset (B-frames reorder).
bool fmp4_has_composition_offsets(const byte_vector& fragment) {
  // trun v1 with flags 0xF01 follows "trun"; per sample 16 bytes, the offset last.
  std::string_view text{reinterpret_cast<const char*>(fragment.data()), fragment.size()};
  auto at = text.find("trun");
  if (at == std::string_view::npos)
    return false;
  auto u32 = [&](std::size_t p) {
    return std::to_integer<std::uint32_t>(fragment[p]) << 24 |
           std::to_integer<std::uint32_t>(fragment[p + 1]) << 16 |
           std::to_integer<std::uint32_t>(fragment[p + 2]) << 8 |
           std::to_integer<std::uint32_t>(fragment[p + 3]);
  };
  auto count = u32(at + 8);
  for (std::uint32_t i = 0; i < count; ++i)
    if (u32(at + 16 + 16 * i + 12) != 0)
      return true;
  return false;
}

// Each track's fragments follow each other without gaps or overlaps.
void check_continuous(const remuxed& r) {
  std::map<std::uint32_t, std::uint64_t> next;
  for (auto& u : r.units) {
    if (u.kind != remux_unit::type::fragment)
      continue;
    if (next.count(u.track_id))
      CHECK(u.decode_time == next[u.track_id]);
    next[u.track_id] = u.decode_time + u.duration;
  }
}

}  // namespace

TEST_CASE("FLV with H.264 (B-frames) and AAC becomes fMP4 that ffmpeg decodes frame for frame") {
  auto r = remux<flv_demuxer>(make_clip("av.flv", "", "flv"), "av.mp4");
  REQUIRE(r.init.has_value());
  CHECK(r.init->tracks.size() == 2);
  INFO(r.init->mime());
  CHECK(r.init->mime().find("avc1.64") != std::string::npos);  // High profile: B-frames
  bool reordered = false;
  for (auto& u : r.units)
    reordered |= u.video && u.kind == remux_unit::type::fragment &&
                 fmp4_has_composition_offsets(*u.data);
  CHECK(reordered);
  CHECK(r.init->mime().find("mp4a.40.2") != std::string::npos);
  CHECK(samples_of(r, true) == 90);
  CHECK(samples_of(r, false) >= 139);  // 3 s of 1024-sample frames at 48 kHz is 140.6
  check_continuous(r);

  // Segments: a keyframe every second ends the previous segment at once, and the next video
  // fragment starts with that keyframe.
  int ends = 0;
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    if (r.units[i].kind != remux_unit::type::segment_end)
      continue;
    ++ends;
    auto next_video = std::find_if(r.units.begin() + static_cast<std::ptrdiff_t>(i), r.units.end(),
                                   [](auto& u) { return u.video; });
    REQUIRE(next_video != r.units.end());
    CHECK(next_video->keyframe);
    CHECK(next_video->decode_time % 90'000 == 0);
  }
  CHECK(ends == 2);
  // Fragments are about 100 ms: every video fragment holds at most 3 frames at 30 fps.
  for (auto& u : r.units)
    if (u.kind == remux_unit::type::fragment && u.video)
      CHECK(u.samples <= 3);

  CHECK(decode_errors(r.file).empty());
  auto frames = probe(r.file, "stream=codec_name,nb_read_frames");
  CHECK(frames.find("h264,90") != std::string::npos);
  CHECK(frames.find("aac,") != std::string::npos);
  // The parsed fragments agree with what the remuxer reported.
  for (auto& u : r.units) {
    if (u.kind != remux_unit::type::fragment)
      continue;
    auto header = fmp4::read_box_header(*u.data);
    REQUIRE(header.has_value());
    auto info = fmp4::parse_fragment(std::span{*u.data}.first(header->size), *r.init);
    REQUIRE(info.has_value());
    CHECK(info->decode_time == u.decode_time);
    CHECK(info->duration == u.duration);
    CHECK(info->starts_with_sync == (u.keyframe || !u.video));
  }
}

TEST_CASE("MPEG-TS from SRT remuxes like FLV") {
  auto r = remux<ts_demuxer>(make_clip("av.ts", "", "mpegts"), "ts.mp4");
  REQUIRE(r.init.has_value());
  CHECK(r.init->tracks.size() == 2);
  CHECK(samples_of(r, true) == 90);
  check_continuous(r);
  CHECK(decode_errors(r.file).empty());
  CHECK(probe(r.file, "stream=codec_name,nb_read_frames").find("h264,90") != std::string::npos);
}

TEST_CASE("audio-only and video-only streams carry the one track they have") {
  auto audio = remux<flv_demuxer>(make_clip("a.flv", "-vn", "flv"), "a.mp4");
  REQUIRE(audio.init.has_value());
  CHECK(audio.init->tracks.size() == 1);
  CHECK(audio.init->video_track() == nullptr);
  CHECK(audio.init->mime() == "video/mp4; codecs=\"mp4a.40.2\"");
  for (auto& u : audio.units)
    CHECK(u.kind != remux_unit::type::segment_end);
  CHECK(samples_of(audio, false) >= 139);
  check_continuous(audio);
  CHECK(decode_errors(audio.file).empty());

  auto video = remux<ts_demuxer>(make_clip("v.ts", "-an", "mpegts"), "v.mp4");
  REQUIRE(video.init.has_value());
  CHECK(video.init->tracks.size() == 1);
  CHECK(video.init->video_track() != nullptr);
  CHECK(samples_of(video, true) == 90);
  CHECK(decode_errors(video.file).empty());
}

TEST_CASE("an announced track that never comes delays the start by one second, not forever") {
  auto clip = make_clip("v.flv", "-an", "flv");
  flv_demuxer demuxer;
  live_remuxer remuxer;
  std::vector<remux_unit> units;
  // What RTMP announces when the publisher sent no metadata: both tracks.
  remuxer.push(track_layout{true, true}, units);
  std::int64_t first_dts = -1, started_at = -1;
  for (auto& event : demuxer.feed(clip)) {
    if (std::holds_alternative<track_layout>(event))
      continue;  // the file's own metadata would say "video only"
    auto* frame = std::get_if<media_frame>(&event);
    if (frame && first_dts < 0)
      first_dts = frame->dts;
    auto dts = frame ? frame->dts : 0;
    remuxer.push(std::move(event), units);
    if (started_at < 0 && remuxer.started())
      started_at = dts;
  }
  REQUIRE(remuxer.started());
  CHECK(remuxer.has_video());
  CHECK_FALSE(remuxer.has_audio());
  CHECK(started_at - first_dts == doctest::Approx(90'000).epsilon(0.05));
  remuxer.flush(units);
  std::uint32_t video_samples = 0;
  for (auto& u : units)
    video_samples += u.video ? u.samples : 0;
  CHECK(video_samples == 90);  // nothing held while waiting was lost
}

TEST_CASE("garbage and truncated input end the FLV demuxer cleanly") {
  flv_demuxer garbage;
  byte_vector noise(5000);
  std::mt19937 rng{3};
  for (auto& b : noise)
    b = static_cast<std::byte>(rng());
  CHECK(garbage.feed(noise).empty());
  CHECK(garbage.failed() != nullptr);

  auto clip = make_clip("t.flv", "", "flv");
  flv_demuxer truncated;
  live_remuxer remuxer;
  std::vector<remux_unit> units;
  for (auto& event : truncated.feed(std::span{clip}.first(clip.size() / 2)))
    remuxer.push(std::move(event), units);
  remuxer.flush(units);
  CHECK(truncated.failed() == nullptr);
  CHECK(!units.empty());
}

TEST_CASE("HLS segments are cut on the first keyframe after the target, not on every keyframe") {
  // Keyframes every 0.5 s, a 1 s target: every segment holds two GOPs.
  auto r = remux<flv_demuxer>(make_clip("half_gop.flv", "-g 15 -keyint_min 15", "flv"), "half.mp4");
  REQUIRE(r.init.has_value());
  ll_hls_stream ll{ll_hls_options{}};
  ll.set_init(r.units.front().data, *r.init);
  for (auto& u : r.units) {
    if (u.kind == remux_unit::type::segment_end)
      ll.end_segment();
    else if (u.kind == remux_unit::type::fragment)
      ll.add_fragment(u.data,
                      {u.track_id, u.decode_time, u.duration, u.samples, u.keyframe || !u.video},
                      1'700'000'000'000);
  }
  auto text = ll.playlist(false);
  REQUIRE(text.has_value());
  auto parsed = parse_playlist(*text);
  INFO(*text);
  REQUIRE(parsed.segments.size() >= 2);
  for (auto& seg : parsed.segments)
    CHECK(seg.duration == doctest::Approx(1.0).epsilon(0.05));
}
