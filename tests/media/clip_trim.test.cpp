// Exact trimming of a real recording (30 fps, a keyframe every second, B-frames): the clip
// measures the asked length, decodes without an error in ffmpeg, and only the partial GOPs at
// its edges are encoded again: every other picture is the source's, byte for byte.
#include <doctest/doctest.h>

#include <set>

#include "media/clip_trim.hpp"
#include "media/media_session.hpp"
#include "tests/media/recording_fixture.hpp"

using namespace aethex::media;
using namespace aethex::media::test;

namespace {

fs::path recording() {
  static const fs::path media = finished_recording("trim_recording");
  return media;
}

std::string text_of(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The video pictures of an MP4 written by the cutter or the trimmer, as strings.
std::vector<std::string> video_pictures(const fs::path& file) {
  auto map = map_recording(file);
  REQUIRE(map);
  auto bytes = read_text(file);
  auto data = std::as_bytes(std::span{bytes.data(), bytes.size()});
  std::vector<std::string> pictures;
  for (const auto& f : map->fragments) {
    if (f.info.track_id != map->info.video_track()->id)
      continue;
    auto read = fmp4::read_samples(data.subspan(f.offset, f.size), &map->info);
    REQUIRE(read);
    for (const auto& s : read->samples)
      pictures.push_back(text_of(s.data));
  }
  return pictures;
}

struct trimmed {
  clip_cut cut;
  std::size_t pictures = 0, copied = 0;  // copied: the same bytes as a source picture
  unsigned progress = 0;
};

// Trims [start_s, start_s + duration_s) of the recording through a keyframe cut, as the clip
// renderer does.
trimmed trim(const std::string& name, double start_s, double duration_s) {
  auto map = map_recording(recording());
  REQUIRE(map);
  auto dir = fresh_dir(name);
  std::string error;
  auto cut = cut_on_keyframes(*map, recording(), start_s, duration_s + 1, dir / "keyframes.mp4",
                              error);
  REQUIRE_MESSAGE(cut, error);
  trimmed result;
  auto exact = trim_exactly(
    dir / "keyframes.mp4", start_s - cut->start_s, duration_s, dir / "clip.mp4",
    [&](unsigned percent) { result.progress = percent; }, error);
  REQUIRE_MESSAGE(exact, error);
  result.cut = *exact;
  auto source = video_pictures(dir / "keyframes.mp4");
  std::set<std::string> originals(source.begin(), source.end());
  auto pictures = video_pictures(dir / "clip.mp4");
  result.pictures = pictures.size();
  for (const auto& p : pictures)
    result.copied += originals.count(p);
  CHECK(probe_duration(dir / "clip.mp4") == doctest::Approx(duration_s).epsilon(0.05));
  CHECK(starts_with_keyframe(dir / "clip.mp4"));
  CHECK(decode_errors(dir / "clip.mp4") == "");
  auto tag = run_output(
    "ffprobe -v error -select_streams v:0 -show_entries stream=codec_tag_string"
    " -of csv=p=0 " +
    (dir / "clip.mp4").string());
  CHECK(tag.rfind("avc3", 0) == 0);
  return result;
}

}  // namespace

TEST_CASE("exact trimming re-encodes the partial GOPs at both edges and copies the rest") {
  REQUIRE(initialize_gstreamer().empty());
  // 5.5 s to 15.5 s: half a GOP re-encoded at each end, the nine GOPs between copied.
  auto clip = trim("exact_edges", 5.5, 10);
  CHECK_FALSE(clip.cut.keyframe_start);
  CHECK(clip.cut.duration_s == doctest::Approx(10).epsilon(0.01));
  CHECK(clip.pictures == 300);
  // The copied keyframes carry the source's parameter sets in front, so they differ.
  CHECK(clip.copied == 9 * 29);
  CHECK(clip.progress >= 50);
}

TEST_CASE("a clip that starts on a keyframe and ends on one is copied whole") {
  REQUIRE(initialize_gstreamer().empty());
  auto clip = trim("exact_on_keyframes", 4, 3);
  CHECK(clip.cut.duration_s == doctest::Approx(3).epsilon(0.01));
  CHECK(clip.pictures == 90);
  CHECK(clip.copied == 3 * 29);
}

TEST_CASE("a clip inside one GOP is encoded again whole") {
  REQUIRE(initialize_gstreamer().empty());
  auto clip = trim("exact_inside_gop", 7.2, 0.5);
  CHECK(clip.cut.duration_s == doctest::Approx(0.5).epsilon(0.05));
  CHECK(clip.pictures == 15);
  CHECK(clip.copied == 0);
}
