// The thumbnail strip of a real recording: one tile per interval from its keyframes, sheets of
// the asked size that decode as JPEG, and WebVTT cues that cover the recording and name tiles.
#include <doctest/doctest.h>

#include "actors/vod/vod_files.hpp"
#include "media/media_session.hpp"
#include "media/thumbnail_strip.hpp"
#include "tests/media/recording_fixture.hpp"

using namespace aethex::media;
using namespace aethex::media::test;
namespace files = aethex::actors::vod_files;

namespace {

std::string probe_size(const fs::path& image) {
  return run_output("ffprobe -v error -show_entries stream=width,height -of csv=p=0 " +
                    image.string() + " 2>&1");
}

}  // namespace

TEST_CASE("a recording's strip has a tile per interval, on sheets, named by WebVTT cues") {
  REQUIRE(initialize_gstreamer().empty());
  auto units = live_units(20);
  auto dir = fresh_dir("strip");
  std::string error;
  auto recorder = vod_recorder::create(dir, "{}", error);
  REQUIRE(recorder);
  record(*recorder, units, units.size());
  recorder->finish();

  // 3 s tiles on sheets of 2×2: 7 tiles (0, 3, … 18 s) on two sheets, the second of one row.
  strip_options options;
  options.interval_s = 3;
  options.columns = 2;
  options.rows = 2;
  auto strip = make_thumbnail_strip(dir, error, options);
  REQUIRE_MESSAGE(strip, error);
  CHECK(strip->tiles == 7);
  CHECK(strip->sheets == 2);
  CHECK(probe_size(dir / "strip-0.jpg").rfind("320,180", 0) == 0);
  CHECK(probe_size(dir / "strip-1.jpg").rfind("320,180", 0) == 0);

  auto vtt = read_text(dir / files::thumbnails);
  CHECK(vtt.rfind("WEBVTT\n\n", 0) == 0);
  CHECK(vtt.find("00:00:00.000 --> 00:00:03.000\nstrip-0.jpg#xywh=0,0,160,90\n") !=
        std::string::npos);
  CHECK(vtt.find("00:00:03.000 --> 00:00:06.000\nstrip-0.jpg#xywh=160,0,160,90\n") !=
        std::string::npos);
  CHECK(vtt.find("00:00:12.000 --> 00:00:15.000\nstrip-1.jpg#xywh=0,0,160,90\n") !=
        std::string::npos);
  CHECK(vtt.find("00:00:18.000 --> 00:00:20.000\nstrip-1.jpg#xywh=0,90,160,90\n") !=
        std::string::npos);
  // A tile is a picture, not a black square: the test pattern's colours survive.
  auto sheet = read_text(dir / "strip-0.jpg");
  CHECK(sheet.size() > 3000);

  CHECK(files::is_strip_sheet("strip-12.jpg"));
  CHECK_FALSE(files::is_strip_sheet("strip-.jpg"));
  CHECK_FALSE(files::is_strip_sheet("strip-1.jpg/../x"));
  CHECK_FALSE(files::is_strip_sheet("media.mp4"));
}

TEST_CASE("a recording without video has no strip") {
  auto dir = fresh_dir("no-video");
  std::string error;
  CHECK_FALSE(make_thumbnail_strip(dir, error));
  CHECK_FALSE(error.empty());
}
