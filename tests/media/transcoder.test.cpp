#include "media/transcoder.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>

#include "media/codec_info.hpp"
#include "media/flv_demux.hpp"

using namespace aethex::media;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path test_dir{AETHEX_MEDIA_TEST_DIR};

// A real x264 stream with B-frames and keyframes at irregular times (as OBS's scene changes
// and ffmpeg's -force_key_frames make them), demuxed by the copy path's own demuxer.
struct source_clip {
  byte_vector avcc;
  std::vector<media_frame> frames;
};

const source_clip& clip() {
  static const source_clip clip = [] {
    fs::create_directories(test_dir);
    auto flv = test_dir / "source.flv";
    auto command =
      "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=640x480:rate=30 -t 3"
      " -pix_fmt yuv420p -c:v libx264 -bf 2 -g 300 -sc_threshold 0"
      " -force_key_frames 0,0.7,1.5,2.4 -f flv '" +
      flv.string() + "'";
    source_clip out;
    if (std::system(command.c_str()) != 0)
      return out;
    std::ifstream in{flv, std::ios::binary};
    std::vector<char> chars{std::istreambuf_iterator<char>{in}, {}};
    flv_demuxer demuxer;
    for (auto& event : demuxer.feed(std::as_bytes(std::span{chars}))) {
      if (auto* config = std::get_if<video_config>(&event))
        out.avcc = config->avcc;
      if (auto* frame = std::get_if<media_frame>(&event); frame && frame->kind == track_kind::video)
        out.frames.push_back(*frame);
    }
    return out;
  }();
  REQUIRE(!clip.avcc.empty());
  REQUIRE(clip.frames.size() == 90);
  return clip;
}

// What the transcoder delivered, per rendition.
struct collected {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::size_t, std::vector<byte_vector>> configs;
  std::map<std::size_t, std::vector<media_frame>> frames;

  transcoder::output_fn sink() {
    return [this](std::size_t rendition, std::vector<demux_event> events) {
      std::lock_guard lock{mutex};
      for (auto& event : events) {
        if (auto* config = std::get_if<video_config>(&event))
          configs[rendition].push_back(config->avcc);
        if (auto* frame = std::get_if<media_frame>(&event))
          frames[rendition].push_back(std::move(*frame));
      }
      changed.notify_all();
    };
  }
  // A decoder keeps its reorder delay's pictures until more input comes: all but those arrive.
  bool wait_for(std::size_t renditions, std::size_t at_least) {
    std::unique_lock lock{mutex};
    return changed.wait_for(lock, 20s, [&] {
      for (std::size_t r = 0; r < renditions; ++r)
        if (frames[r].size() < at_least)
          return false;
      return true;
    });
  }
};

std::set<std::int64_t> keyframe_pts(const std::vector<media_frame>& frames, std::int64_t until) {
  std::set<std::int64_t> pts;
  for (auto& f : frames)
    if (f.keyframe && f.dts + f.cts <= until)
      pts.insert(f.dts + f.cts);
  return pts;
}

}  // namespace

TEST_CASE("each rendition has its size, the source's timestamps and its keyframes, and no others") {
  const auto& source = clip();
  std::vector<rendition_plan> ladder = {{"360p", 480, 360, 700}, {"160p", 214, 160, 250}};
  collected out;
  {
    transcoder t{source.avcc, ladder, out.sink()};
    for (auto& frame : source.frames)
      t.push(frame);
    REQUIRE(out.wait_for(2, source.frames.size() - 4));
    CHECK(t.error().empty());
    CHECK(t.dropped_frames() == 0);
  }
  std::lock_guard lock{out.mutex};
  std::set<std::int64_t> source_pts;
  for (auto& f : source.frames)
    source_pts.insert(f.dts + f.cts);
  for (std::size_t r = 0; r < ladder.size(); ++r) {
    CAPTURE(r);
    REQUIRE(out.configs[r].size() == 1);
    auto info = describe_avcc(out.configs[r].front());
    REQUIRE(info);
    CHECK(info->width == ladder[r].width);
    CHECK(info->height == ladder[r].height);
    auto& frames = out.frames[r];
    CHECK(frames.front().keyframe);
    std::int64_t last = -1;
    for (auto& f : frames) {
      CHECK(source_pts.count(f.dts + f.cts) == 1);  // the same pictures at the same times
      CHECK(f.dts > last);                          // decodable order, no reordering left
      last = f.dts;
    }
    // GOPs start exactly where the source's do: players switch renditions at any boundary.
    CHECK(keyframe_pts(frames, last) == keyframe_pts(source.frames, last));
  }
}

TEST_CASE("a rendition with a lower frame rate gets every other picture and still each GOP") {
  const auto& source = clip();  // 30 fps
  std::vector<rendition_plan> ladder = {{"160p", 214, 160, 250, 15}};
  collected out;
  {
    transcoder t{source.avcc, ladder, out.sink()};
    for (auto& frame : source.frames)
      t.push(frame);
    REQUIRE(out.wait_for(1, source.frames.size() / 2 - 4));
    CHECK(t.error().empty());
  }
  std::lock_guard lock{out.mutex};
  auto& frames = out.frames[0];
  CHECK(frames.size() <= source.frames.size() / 2 + 1);
  std::vector<std::int64_t> source_pts;
  for (auto& f : source.frames)
    source_pts.push_back(f.dts + f.cts);
  std::sort(source_pts.begin(), source_pts.end());
  auto frame_ticks = source_pts[1] - source_pts[0];
  std::int64_t last = frames.back().dts + frames.back().cts;
  // A source keyframe whose picture was dropped starts the GOP one source frame later.
  for (auto key : keyframe_pts(source.frames, last - frame_ticks)) {
    CAPTURE(key);
    bool started = false;
    for (auto& f : frames)
      started |= f.keyframe && f.dts + f.cts >= key && f.dts + f.cts <= key + frame_ticks;
    CHECK(started);
  }
}

TEST_CASE("frames are dropped up to the next keyframe while the decoder is too far behind") {
  const auto& source = clip();
  collected out;
  transcoder::options opts;
  opts.max_queued_bytes = 30'000;  // a few frames: pushing 3 s at once overruns it
  transcoder t{source.avcc, {{"160p", 214, 160, 250}}, out.sink(), opts};
  for (auto& frame : source.frames)
    t.push(frame);
  auto dropped = t.dropped_frames();
  CHECK(dropped > 0);
  REQUIRE(out.wait_for(1, 2));
  std::lock_guard lock{out.mutex};
  CHECK(out.frames[0].size() + dropped <= source.frames.size());
  // Whatever got through decodes: the first picture out is a keyframe.
  CHECK(out.frames[0].front().keyframe);
}

TEST_CASE("a configuration GStreamer cannot use is refused when the transcoder starts") {
  CHECK_THROWS_AS(transcoder(clip().avcc, {}, [](std::size_t, std::vector<demux_event>) {}),
                  std::invalid_argument);
  transcoder::options opts;
  opts.speed_preset = "no-such-preset";
  CHECK_THROWS_AS(transcoder(
                    clip().avcc, {{"160p", 214, 160, 250}},
                    [](std::size_t, std::vector<demux_event>) {}, opts),
                  std::runtime_error);
}
