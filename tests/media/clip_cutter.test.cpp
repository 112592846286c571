// Clips out of a real recording: the keyframe cut starts on a keyframe and keeps the asked
// length without decoding; a live clip takes the last seconds recorded; every output decodes
// without an error.
#include <doctest/doctest.h>

#include "media/clip_cutter.hpp"
#include "media/media_session.hpp"
#include "tests/media/recording_fixture.hpp"

using namespace aethex::media;
using namespace aethex::media::test;

namespace {

// A finished 20 s recording (keyframe every second), shared by the cases.
fs::path recording() {
  static const fs::path media = finished_recording("recording");
  return media;
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
