// Clips out of a real recording: the keyframe cut starts on a keyframe and keeps the asked
// length without decoding; a live clip takes the last seconds recorded; exact trimming measures
// the asked length within half a second; every output decodes without an error.
#include <doctest/doctest.h>

#include "media/clip_cutter.hpp"
#include "media/media_session.hpp"
#include "actors/vod/vod_files.hpp"
#include "tests/media/recording_fixture.hpp"

using namespace aethex::media;
using namespace aethex::media::test;
namespace files = aethex::actors::vod_files;

namespace {

// A finished 20 s recording (keyframe every second), shared by the cases.
fs::path recording() {
  static const fs::path dir = [] {
    auto units = live_units(20);
    auto d = fresh_dir("recording");
    std::string error;
    auto recorder = vod_recorder::create(d, "{}", error);
    REQUIRE_MESSAGE(recorder, error);
    record(*recorder, units, units.size());
    recorder->finish();
    return d;
  }();
  return dir / files::media;
}

// True when the first video frame ffprobe reads in `file` is a keyframe.
bool starts_with_keyframe(const fs::path& file) {
  auto out = run_output(
    "ffprobe -v error -select_streams v:0 -show_entries frame=key_frame "
    "-read_intervals %+#1 -of csv=p=0 " +
    file.string() + " 2>&1");
  return out.rfind("1", 0) == 0;
}

}  // namespace

TEST_CASE("the map of a recording lists its fragments without reading their media") {
  auto map = map_recording(recording());
  REQUIRE(map);
  CHECK(map->info.video_track() != nullptr);
  CHECK(map->duration_s() == doctest::Approx(20).epsilon(0.01));
  CHECK(map->fragments.size() > 100);
  // A torn last fragment (a recording still being written) is left out.
  auto dir = fresh_dir("torn");
  auto whole = read_text(recording());
  auto keep = map->fragments.back().offset + map->fragments.back().size / 2;
  std::ofstream(dir / "media.mp4", std::ios::binary).write(whole.data(), std::streamsize(keep));
  auto torn = map_recording(dir / "media.mp4");
  REQUIRE(torn);
  CHECK(torn->fragments.size() == map->fragments.size() - 1);
}

TEST_CASE("a keyframe cut starts on the keyframe before the asked start and keeps the length") {
  auto map = map_recording(recording());
  REQUIRE(map);
  auto out = fresh_dir("keyframe") / "clip.mp4";
  std::string error;
  auto cut = cut_on_keyframes(*map, recording(), 5.5, 10, out, error);
  REQUIRE_MESSAGE(cut, error);
  CHECK(cut->keyframe_start);
  CHECK(cut->start_s == doctest::Approx(5.0).epsilon(0.01));
  CHECK(cut->duration_s == doctest::Approx(10).epsilon(0.02));
  CHECK(cut->bytes == fs::file_size(out));
  CHECK(probe_duration(out) == doctest::Approx(10).epsilon(0.03));
  CHECK(starts_with_keyframe(out));
  CHECK(decode_errors(out) == "");
  // Past the end of what is recorded, the clip is what there is.
  auto tail = cut_on_keyframes(*map, recording(), 15.2, 10, out, error);
  REQUIRE(tail);
  CHECK(tail->duration_s == doctest::Approx(5).epsilon(0.03));
}

TEST_CASE("a live clip covers the last seconds recorded") {
  auto map = map_recording(recording());
  REQUIRE(map);
  auto out = fresh_dir("live") / "clip.mp4";
  std::string error;
  auto cut = cut_on_keyframes(*map, recording(), -1, 8, out, error);
  REQUIRE_MESSAGE(cut, error);
  // The last 8 s start at 12 s: a keyframe, so the clip ends where the recording does.
  CHECK(cut->start_s == doctest::Approx(12).epsilon(0.01));
  CHECK(cut->start_s + cut->duration_s == doctest::Approx(map->duration_s()).epsilon(0.01));
  CHECK(decode_errors(out) == "");
}

TEST_CASE("exact trimming measures the asked length from the asked start") {
  REQUIRE(initialize_gstreamer().empty());
  auto map = map_recording(recording());
  REQUIRE(map);
  auto dir = fresh_dir("exact");
  std::string error;
  auto cut = cut_on_keyframes(*map, recording(), 5.5, 10.6, dir / "keyframes.mp4", error);
  REQUIRE_MESSAGE(cut, error);
  unsigned last_progress = 0;
  auto exact = trim_exactly(
    dir / "keyframes.mp4", 5.5 - cut->start_s, 10, dir / "clip.mp4",
    [&](unsigned percent) { last_progress = percent; }, error);
  REQUIRE_MESSAGE(exact, error);
  CHECK_FALSE(exact->keyframe_start);
  CHECK(exact->duration_s == doctest::Approx(10).epsilon(0.05));
  CHECK(probe_duration(dir / "clip.mp4") == doctest::Approx(10).epsilon(0.05));
  CHECK(starts_with_keyframe(dir / "clip.mp4"));
  CHECK(decode_errors(dir / "clip.mp4") == "");
  CHECK(last_progress >= 50);
}
