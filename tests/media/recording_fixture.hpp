// Shared by the recording and clip tests: real ffmpeg output remuxed into the units a live
// session publishes, recorded with a vod_recorder, and ffmpeg/ffprobe as judges.
#pragma once

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include "actors/vod/vod_files.hpp"
#include "media/flv_demux.hpp"
#include "media/live_remuxer.hpp"
#include "media/vod_recorder.hpp"

namespace aethex::media::test {

namespace fs = std::filesystem;

inline fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path{AETHEX_MEDIA_TEST_DIR} / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string run_output(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    out.append(buffer.data(), n);
  pclose(pipe);
  return out;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// `seconds` of 320x240 30 fps H.264 (keyframe every second) and AAC, as RTMP delivers it,
/// remuxed into the units a live session publishes.
inline std::vector<remux_unit> live_units(int seconds) {
  auto flv = fs::path{AETHEX_MEDIA_TEST_DIR} / ("clip" + std::to_string(seconds) + ".flv");
  fs::create_directories(flv.parent_path());
  if (!fs::exists(flv)) {
    // Written aside and renamed: test programs running at once may both make it.
    auto partial = flv;
    partial += "." + std::to_string(getpid()) + ".tmp";
    auto command =
      "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=30 -f lavfi "
      "-i sine=frequency=440:sample_rate=48000 -t " +
      std::to_string(seconds) +
      " -pix_fmt yuv420p -c:v libx264 -preset veryfast -g 30 -keyint_min 30 -sc_threshold 0 "
      "-c:a aac -f flv " +
      partial.string();
    REQUIRE(std::system(command.c_str()) == 0);
    fs::rename(partial, flv);
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

/// Hands the first `count` units to `recorder`.
inline void record(vod_recorder& recorder, const std::vector<remux_unit>& units,
                   std::size_t count) {
  for (std::size_t i = 0; i < std::min(count, units.size()); ++i) {
    const auto& unit = units[i];
    if (unit.kind == remux_unit::type::init)
      REQUIRE(recorder.add_init(*unit.data));
    else if (unit.kind == remux_unit::type::fragment)
      REQUIRE(recorder.add_fragment(*unit.data, {unit.track_id, unit.decode_time, unit.duration,
                                                 unit.samples, unit.keyframe || !unit.video}));
  }
}

/// A finished recording of `seconds` (keyframe every second) in its own folder `name`.
inline fs::path finished_recording(const std::string& name, int seconds = 20) {
  auto units = live_units(seconds);
  auto dir = fresh_dir(name);
  std::string error;
  auto recorder = vod_recorder::create(dir, "{}", error);
  REQUIRE_MESSAGE(recorder, error);
  record(*recorder, units, units.size());
  recorder->finish();
  return dir / actors::vod_files::media;
}

/// ffprobe's duration of a media file or playlist.
inline double probe_duration(const fs::path& file) {
  auto out = run_output("ffprobe -v error -show_entries format=duration -of csv=p=0 " +
                        file.string() + " 2>&1");
  return std::atof(out.c_str());
}

/// True when the first video frame ffprobe reads in `file` is a keyframe.
inline bool starts_with_keyframe(const fs::path& file) {
  auto out = run_output(
    "ffprobe -v error -select_streams v:0 -show_entries frame=key_frame "
    "-read_intervals %+#1 -of csv=p=0 " +
    file.string() + " 2>&1");
  return out.rfind("1", 0) == 0;
}

/// What ffmpeg reports while decoding every frame of `file`: "" when nothing went wrong.
inline std::string decode_errors(const fs::path& file) {
  return run_output("ffmpeg -hide_banner -v error -i " + file.string() + " -f null - 2>&1");
}

}  // namespace aethex::media::test
