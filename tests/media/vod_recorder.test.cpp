// Recording on the copy path: real ffmpeg output through our demuxer and remuxer into a
// vod_recorder, checked by ffprobe/ffmpeg (the file, and the playlist's byte ranges), and the
// restart after a crash: the file cut at random places (what a kill leaves, and worse) is
// finalised into a VOD that plays without an error.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "media/flv_demux.hpp"
#include "media/live_remuxer.hpp"
#include "media/vod_recorder.hpp"
#include "storage/vod_files.hpp"

namespace fs = std::filesystem;
using namespace aethex::media;
namespace files = aethex::storage::vod_files;

namespace {

fs::path out_dir(const std::string& name) {
  fs::path dir = fs::path{AETHEX_MEDIA_TEST_DIR} / name;
  fs::remove_all(dir);
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

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// `seconds` of 320x240 30 fps H.264 (keyframe every second) and AAC, as RTMP delivers it,
// remuxed into the units a live session publishes.
std::vector<remux_unit> live_units(int seconds) {
  auto flv = fs::path{AETHEX_MEDIA_TEST_DIR} / ("clip" + std::to_string(seconds) + ".flv");
  fs::create_directories(flv.parent_path());
  if (!fs::exists(flv)) {
    auto command =
      "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi "
      "-i sine=frequency=440:sample_rate=48000 -t " +
      std::to_string(seconds) +
      " -pix_fmt yuv420p -c:v libx264 -preset veryfast -g 30 -keyint_min 30 -sc_threshold 0 "
      "-c:a aac -f flv " +
      flv.string();
    REQUIRE(std::system(command.c_str()) == 0);
  }
  auto text = read_text(flv);
  byte_vector input(text.size());
  std::memcpy(input.data(), text.data(), text.size());
  flv_demuxer demuxer;
  live_remuxer remuxer;
  std::vector<remux_unit> units;
  for (auto& event : demuxer.feed(input))
    remuxer.push(std::move(event), units);
  remuxer.flush(units);
  return units;
}

void record(vod_recorder& recorder, const std::vector<remux_unit>& units, std::size_t count) {
  for (std::size_t i = 0; i < std::min(count, units.size()); ++i) {
    const auto& unit = units[i];
    if (unit.kind == remux_unit::type::init)
      REQUIRE(recorder.add_init(*unit.data));
    else if (unit.kind == remux_unit::type::fragment)
      REQUIRE(recorder.add_fragment(*unit.data, {unit.track_id, unit.decode_time, unit.duration,
                                                 unit.samples, unit.keyframe || !unit.video}));
  }
}

double probe_duration(const fs::path& file) {
  auto out = run_output("ffprobe -v error -show_entries format=duration -of csv=p=0 " +
                        file.string() + " 2>&1");
  return std::atof(out.c_str());
}

// Every frame the playlist lists decodes: "" when ffmpeg reports no error.
std::string decode_errors(const fs::path& playlist) {
  return run_output("ffmpeg -hide_banner -v error -i " + playlist.string() + " -f null - 2>&1");
}

double listed_seconds(const std::string& playlist) {
  double total = 0;
  for (std::size_t at = playlist.find("#EXTINF:"); at != std::string::npos;
       at = playlist.find("#EXTINF:", at + 1))
    total += std::atof(playlist.c_str() + at + 8);
  return total;
}

}  // namespace

TEST_CASE("a recorded session is one fMP4 file and a VOD playlist of its byte ranges") {
  auto units = live_units(10);
  auto dir = out_dir("whole");
  std::string error;
  auto recorder = vod_recorder::create(dir, R"({"channel":"alice"})", error);
  REQUIRE_MESSAGE(recorder, error);
  record(*recorder, units, units.size());
  // While it records, the playlist is an EVENT playlist of the segments closed so far.
  auto during = read_text(dir / files::playlist);
  CHECK(during.find("#EXT-X-PLAYLIST-TYPE:EVENT") != std::string::npos);
  CHECK(during.find("#EXT-X-ENDLIST") == std::string::npos);
  recorder->finish();

  auto playlist = read_text(dir / files::playlist);
  CHECK(playlist.find("#EXT-X-PLAYLIST-TYPE:VOD") != std::string::npos);
  CHECK(playlist.find("#EXT-X-ENDLIST") != std::string::npos);
  CHECK(playlist.find("#EXT-X-MAP:URI=\"media.mp4\",BYTERANGE=") != std::string::npos);
  CHECK(recording_finished(dir));
  auto figures = recorder->figures();
  CHECK(figures.duration_s == doctest::Approx(10).epsilon(0.02));
  CHECK(listed_seconds(playlist) == doctest::Approx(figures.duration_s).epsilon(0.01));
  // Segments are cut on keyframes once 4 s are held: 4 + 4 + 2.
  CHECK(figures.segments == 3);
  CHECK(probe_duration(dir / files::media) == doctest::Approx(10).epsilon(0.03));
  CHECK(decode_errors(dir / files::playlist) == "");
  CHECK(decode_errors(dir / files::media) == "");
  CHECK(read_text(dir / files::meta) == R"({"channel":"alice"})");
}

TEST_CASE("a publisher that changes its codec settings ends the recording where it was") {
  auto units = live_units(10);
  auto dir = out_dir("new-init");
  std::string error;
  auto recorder = vod_recorder::create(dir, "{}", error);
  REQUIRE(recorder);
  record(*recorder, units, units.size() / 2);
  auto other = *units.front().data;
  other.back() ^= std::byte{1};
  CHECK(recorder->add_init(*units.front().data));  // the same init again changes nothing
  CHECK_FALSE(recorder->add_init(other));
  CHECK(recorder->stopped());
  CHECK_FALSE(recorder->error().empty());
  recorder->finish();
  CHECK(recording_finished(dir));
  CHECK(decode_errors(dir / files::playlist) == "");
}

TEST_CASE("a recording cut anywhere by a crash is finalised into a VOD that plays") {
  auto units = live_units(10);
  auto live = out_dir("crash-live");
  std::string error;
  auto recorder = vod_recorder::create(live, R"({"channel":"alice"})", error);
  REQUIRE(recorder);
  record(*recorder, units, units.size() * 3 / 4);  // the node dies while recording
  auto full = read_text(live / files::media);
  REQUIRE_FALSE(recording_finished(live));

  std::mt19937 rng{14};
  for (int round = 0; round < 6; ++round) {
    // Any prefix of the file is what a kill can leave; the first round keeps it whole.
    auto keep = round == 0 ? full.size() : 2000 + rng() % (full.size() - 2000);
    CAPTURE(keep);
    auto dir = out_dir("crash-" + std::to_string(round));
    fs::copy_file(live / files::meta, dir / files::meta);
    fs::copy_file(live / files::playlist, dir / files::playlist);
    std::ofstream(dir / files::media, std::ios::binary).write(full.data(), std::streamsize(keep));

    auto recovered = recover_recording(dir);
    REQUIRE(recovered);
    CHECK(recording_finished(dir));
    CHECK(fs::file_size(dir / files::media) <= keep);
    auto playlist = read_text(dir / files::playlist);
    CHECK(listed_seconds(playlist) == doctest::Approx(recovered->duration_s).epsilon(0.01));
    if (round == 0)
      CHECK(recovered->duration_s == doctest::Approx(7.5).epsilon(0.1));
    CHECK(decode_errors(dir / files::playlist) == "");
    CHECK(decode_errors(dir / files::media) == "");
  }
  // Before the init segment is whole, nothing was recorded.
  auto empty = out_dir("crash-empty");
  std::ofstream(empty / files::media, std::ios::binary).write(full.data(), 100);
  CHECK_FALSE(recover_recording(empty));
}
