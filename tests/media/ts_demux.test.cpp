// MPEG-TS demuxer on real ffmpeg output (H.264 with B-frames + AAC, audio-only, video-only, HEVC,
// MP3, Opus), checked against ffprobe's view of the same files, in any chunking.
#include <doctest/doctest.h>

#include "tests/media/ts_fixture.hpp"

using namespace ts_fixture;

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
