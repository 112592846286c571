// Recording on the copy path: real ffmpeg output through our demuxer and remuxer into a
// vod_recorder, checked by ffprobe/ffmpeg (the file, and the playlist's byte ranges), and the
// restart after a crash: the file cut at random places (what a kill leaves, and worse) is
// finalised into a VOD that plays without an error.
#include <doctest/doctest.h>

#include <random>

#include "actors/vod/vod_files.hpp"
#include "tests/media/recording_fixture.hpp"

using namespace aethex::media;
using namespace aethex::media::test;
namespace files = aethex::actors::vod_files;

namespace {

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
  auto dir = fresh_dir("whole");
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
  auto dir = fresh_dir("new-init");
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
  auto live = fresh_dir("crash-live");
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
    auto dir = fresh_dir("crash-" + std::to_string(round));
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
  auto empty = fresh_dir("crash-empty");
  std::ofstream(empty / files::media, std::ios::binary).write(full.data(), 100);
  CHECK_FALSE(recover_recording(empty));
}
