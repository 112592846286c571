// The MPEG-TS demuxer on damaged input: ADTS frames split across PES packets, the 33-bit clock
// wrap, lost packets, garbage between packets, truncation, oversized PES and random damage.
#include <doctest/doctest.h>

#include "tests/media/ts_fixture.hpp"

using namespace ts_fixture;

TEST_CASE("ADTS frames split across PES packets, with CRCs and PES without PTS") {
  // The audio of a real file, re-muxed by hand: the PES boundaries fall anywhere (inside ADTS
  // headers too), every third frame gets a CRC, every fourth PES has no PTS. ffmpeg itself only
  // writes whole frames per PES, so this is the path real files never take.
  const auto file = read_file(clip("audio_only", "-vn -c:a aac"));
  const auto source = demux(file);
  REQUIRE(source.audio.size() > 100);
  byte_vector ts;
  std::uint16_t pid = 0;
  for (std::size_t at = 0; at + packet <= file.size() && pid == 0; at += packet) {
    std::span<const std::byte> p{file.data() + at, packet};
    if (pid_of(p) == 0 || pid_of(p) == 0x1000)  // PAT and PMT as ffmpeg wrote them
      ts.insert(ts.end(), p.begin(), p.end());
    else if (pid_of(p) != 0x11 && unit_start(p))  // 0x11: the SDT
      pid = pid_of(p);
  }
  REQUIRE(pid != 0);

  byte_vector adts;
  std::vector<std::size_t> starts;  // where each frame begins in `adts`
  for (std::size_t i = 0; i < source.audio.size(); ++i) {
    const bool crc = i % 3 == 0;
    const std::size_t size = (crc ? 9 : 7) + source.audio[i].data.size();
    starts.push_back(adts.size());
    // LC (profile 1), 48 kHz (index 3), mono; frame length in 13 bits; 0x7FF fullness; 1 block.
    for (std::size_t v :
         {std::size_t{0xFF}, std::size_t{crc ? 0xF0U : 0xF1U}, std::size_t{0x4C},
          0x40 | (size >> 11), (size >> 3) & 0xFF, ((size & 7) << 5) | 0x1F, std::size_t{0xFC}})
      adts.push_back(static_cast<std::byte>(v));
    if (crc)
      adts.insert(adts.end(), {std::byte{0x12}, std::byte{0x34}});
    adts.insert(adts.end(), source.audio[i].data.begin(), source.audio[i].data.end());
  }

  std::mt19937 rng{11};
  unsigned cc = 0;
  std::size_t next_frame = 0, pes_count = 0;
  for (std::size_t at = 0; at < adts.size(); ++pes_count) {
    const std::size_t n = std::min<std::size_t>(adts.size() - at, 50 + rng() % 1500);
    // The PTS is that of the first frame starting in this PES, if one does.
    std::optional<std::int64_t> pts;
    while (next_frame < starts.size() && starts[next_frame] < at)
      ++next_frame;
    if (next_frame < starts.size() && starts[next_frame] < at + n && pes_count % 4 != 3)
      pts = source.audio[next_frame].dts;
    packetize(ts, pid, audio_pes(std::span{adts}.subspan(at, n), pts), cc);
    at += n;
  }

  const auto d = demux(ts, 700);
  CHECK(d.stats.dropped_pes == 0);
  CHECK(d.stats.es_discarded_bytes == 0);
  REQUIRE(d.audio_configs.size() == 1);
  CHECK(d.audio_configs[0] == source.audio_configs[0]);
  REQUIRE(d.audio.size() == source.audio.size());
  for (std::size_t i = 0; i < d.audio.size(); ++i) {
    INFO("frame " << i);
    CHECK(same_frame(d.audio[i], source.audio[i]));
  }
}

TEST_CASE("timestamps that cross the 33-bit wrap stay monotonic") {
  const auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  REQUIRE(clean.video.size() == 90);
  // Put the first video DTS half a second before the wrap: the first value stays as given (a
  // large number), the rest continue past 2^33.
  const std::int64_t wrap = std::int64_t{1} << 33;
  const std::int64_t offset = wrap - 45'000 - clean.video[0].dts;
  const auto shifted = demux(shift_timestamps(data, static_cast<std::uint64_t>(offset)));
  REQUIRE(shifted.video.size() == clean.video.size());
  REQUIRE(shifted.audio.size() == clean.audio.size());
  CHECK(shifted.video[0].dts == wrap - 45'000);
  CHECK(shifted.video.back().dts > wrap);
  for (std::size_t i = 0; i < clean.video.size(); ++i) {
    CHECK(shifted.video[i].dts == clean.video[i].dts + offset);
    CHECK(shifted.video[i].cts == clean.video[i].cts);
    CHECK(shifted.video[i].data == clean.video[i].data);
  }
  for (std::size_t i = 0; i < clean.audio.size(); ++i)
    CHECK(shifted.audio[i].dts == clean.audio[i].dts + offset);
}

TEST_CASE("a lost packet drops the frame it belonged to, nothing else") {
  auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  // Remove a continuation packet of a video PES in the middle of the file.
  std::size_t victim = 0;
  for (std::size_t at = data.size() / packet / 2 * packet; at + packet <= data.size();
       at += packet) {
    std::span<const std::byte> p{data.data() + at, packet};
    if (pid_of(p) == video_pid && !unit_start(p)) {
      victim = at;
      break;
    }
  }
  REQUIRE(victim != 0);
  data.erase(data.begin() + static_cast<std::ptrdiff_t>(victim),
             data.begin() + static_cast<std::ptrdiff_t>(victim + packet));
  const auto d = demux(data);
  CHECK(d.stats.continuity_errors == 1);
  CHECK(d.stats.dropped_pes == 1);
  REQUIRE(d.video.size() == clean.video.size() - 1);
  std::size_t missing = 0;
  for (std::size_t i = 0, j = 0; i < clean.video.size(); ++i) {
    if (j < d.video.size() && same_frame(clean.video[i], d.video[j]))
      ++j;
    else
      ++missing;
  }
  CHECK(missing == 1);
  REQUIRE(d.audio.size() == clean.audio.size());
}

TEST_CASE("garbage between packets is skipped and counted") {
  const auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  // Random bytes without 0x47, so that no false sync can be taken inside them.
  std::mt19937 rng{42};
  auto junk = [&](std::size_t n) {
    byte_vector out(n);
    for (auto& b : out) {
      do
        b = static_cast<std::byte>(rng());
      while (b == std::byte{0x47});
    }
    return out;
  };
  byte_vector dirty = junk(5000);
  const std::size_t middle = data.size() / packet / 2 * packet;
  dirty.insert(dirty.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(middle));
  const auto more = junk(777);
  dirty.insert(dirty.end(), more.begin(), more.end());
  dirty.insert(dirty.end(), data.begin() + static_cast<std::ptrdiff_t>(middle), data.end());
  const auto d = demux(dirty, 1000);
  CHECK(d.stats.discarded_bytes == 5000 + 777);
  check_same_events(clean, d);
}

TEST_CASE("a truncated file gives a prefix of the events, with no bogus frames") {
  const auto data = read_file(clip("av", h264_aac));
  const auto full = demux(data);
  for (std::size_t cut : {data.size() / 3 + 77, data.size() * 2 / 3 + 1, std::size_t{1000}}) {
    INFO("cut at " << cut);
    const auto d = demux(std::span{data}.first(cut));
    REQUIRE(!d.events.empty());
    REQUIRE(d.events.size() <= full.events.size());
    for (std::size_t i = 0; i + 1 < d.events.size(); ++i)
      CHECK(same_event(d.events[i], full.events[i]));
    // The last one may be the video frame flush() cut short: a real frame's timing, less data.
    const auto& last = d.events.back();
    if (!same_event(last, full.events[d.events.size() - 1])) {
      const auto* f = std::get_if<media_frame>(&last);
      REQUIRE(f);
      CHECK(f->kind == track_kind::video);
      CHECK(avcc_well_formed(f->data));
      bool matched = false;
      for (const auto& g : full.video)
        matched = matched || (g.dts == f->dts && g.cts == f->cts && g.data.size() > f->data.size());
      CHECK(matched);
    }
    CHECK(d.video.size() <= full.video.size());
    CHECK(d.audio.size() <= full.audio.size());
  }
}

TEST_CASE("a PES over the size limit is dropped") {
  const auto data = read_file(clip("av", h264_aac));
  const auto clean = demux(data);
  // 4000 bytes hold every audio PES (ffmpeg packs about 2.9 kB of ADTS frames into each) but no
  // IDR frame (about 7 kB here);
  // the SPS/PPS travel with the IDR frames, so without them no video config and no video frame.
  const auto d = demux(data, 0, ts_demux_limits{4000});
  CHECK(d.stats.dropped_pes >= 3);
  CHECK(d.stats.dropped_frames > 0);
  CHECK(d.video_configs.empty());
  CHECK(d.video.empty());
  CHECK(d.audio.size() == clean.audio.size());
  // A limit above every frame changes nothing.
  check_same_events(clean, demux(data, 0, ts_demux_limits{64 * 1024}));
}

TEST_CASE("garbage and damaged streams do not crash or invent frames") {
  std::mt19937 rng{7};
  SUBCASE("random bytes") {
    byte_vector junk(1 << 20);
    for (auto& b : junk)
      b = static_cast<std::byte>(rng());
    const auto d = demux(junk, 5000);
    CHECK(d.video.empty());
    CHECK(d.audio.empty());
    CHECK(d.video_configs.empty());
    CHECK(d.audio_configs.empty());
    CHECK(d.stats.discarded_bytes > junk.size() / 2);
  }
  SUBCASE("random packets on the PIDs that matter") {
    // Valid sync bytes and PIDs with random headers and payloads: every parser path runs.
    const std::uint16_t pids[] = {0, 0x1000, video_pid, audio_pid};
    byte_vector junk(packet * 20000);
    for (auto& b : junk)
      b = static_cast<std::byte>(rng());
    for (std::size_t at = 0; at < junk.size(); at += packet) {
      const auto pid = pids[rng() % 4];
      junk[at] = std::byte{0x47};
      junk[at + 1] = static_cast<std::byte>((std::to_integer<unsigned>(junk[at + 1]) & 0x40) |
                                            (pid >> 8));
      junk[at + 2] = static_cast<std::byte>(pid & 0xFF);
    }
    const auto d = demux(junk, 3000);
    CHECK(d.stats.packets == 20000);
    CHECK(dts_monotonic(d.video));
    CHECK(dts_monotonic(d.audio));
  }
  SUBCASE("bit errors in a real stream") {
    auto data = read_file(clip("av", h264_aac));
    for (int i = 0; i < 300; ++i)
      data[rng() % data.size()] = static_cast<std::byte>(rng());
    const auto d = demux(data, 2000);
    CHECK(d.video.size() <= 90);
    CHECK(dts_monotonic(d.video));
    CHECK(dts_monotonic(d.audio));
    for (const auto& f : d.video)
      CHECK(avcc_well_formed(f.data));
    for (const auto& f : d.audio)
      CHECK(f.data.size() < 8192);
  }
}
