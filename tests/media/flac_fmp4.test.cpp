// FLAC in fMP4: the dfLa blocks and the fLaC sample entry our writer makes, the frame header
// fields the muxer reads, and a round trip of real AAC through the FLAC encoder and the copy
// path's muxer that ffmpeg decodes to exactly what GStreamer's plain decode of the AAC gives.
#include "media/flac_format.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include "media/flac_encoder.hpp"
#include "media/flv_demux.hpp"
#include "media/fmp4.hpp"
#include "media/fmp4_writer.hpp"
#include "media/live_remuxer.hpp"
#include "media/media_session.hpp"

using namespace aethex::media;
namespace fs = std::filesystem;

namespace {

byte_vector bytes_of(std::initializer_list<unsigned> values) {
  byte_vector out;
  for (auto v : values)
    out.push_back(static_cast<std::byte>(v));
  return out;
}

// STREAMINFO of 48 kHz, 2 channels, 16 bits, blocks of 1152 (what flacenc makes for us).
byte_vector streaminfo_body() {
  return bytes_of({0x04, 0x80, 0x04, 0x80,                    // min/max block size 1152
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00,        // frame sizes unknown
                   0x0b, 0xb8, 0x02, 0xf0,                    // 48000 Hz, 2 ch, 16 bit
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // total samples: unknown
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});  // MD5 (unknown)
}

std::vector<char> read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::vector<std::int16_t> read_pcm(const fs::path& path) {
  auto chars = read_file(path);
  std::vector<std::int16_t> pcm(chars.size() / 2);
  std::memcpy(pcm.data(), chars.data(), pcm.size() * 2);
  return pcm;
}

}  // namespace

TEST_CASE("dfLa blocks keep STREAMINFO alone, flagged last, from a native or Ogg-mapped header") {
  // A native stream's head: "fLaC", STREAMINFO (not last), then a VORBIS_COMMENT block.
  auto native = bytes_of({'f', 'L', 'a', 'C', 0x00, 0x00, 0x00, 0x22});
  auto body = streaminfo_body();
  native.insert(native.end(), body.begin(), body.end());
  auto comment = bytes_of({0x84, 0x00, 0x00, 0x04, 1, 2, 3, 4});
  native.insert(native.end(), comment.begin(), comment.end());
  auto blocks = dfla_blocks(native);
  REQUIRE(blocks);
  CHECK(blocks->size() == 38);
  CHECK(std::to_integer<unsigned>((*blocks)[0]) == 0x80);  // last block, type 0 (STREAMINFO)
  auto info = read_streaminfo(*blocks);
  REQUIRE(info);
  CHECK(info->sample_rate == 48000);
  CHECK(info->channels == 2);
  CHECK(info->bits_per_sample == 16);
  CHECK(info->min_block == 1152);
  CHECK(info->max_block == 1152);

  // GStreamer's streamheader: the Ogg FLAC mapping packet ("\x7fFLAC", version, count) first.
  auto ogg = bytes_of({0x7f, 'F', 'L', 'A', 'C', 1, 0, 0, 1});
  ogg.insert(ogg.end(), native.begin(), native.end());
  CHECK(dfla_blocks(ogg) == blocks);

  CHECK_FALSE(dfla_blocks(bytes_of({'f', 'L', 'a', 'C', 0, 0, 0, 0x22, 1, 2})));  // cut short
  CHECK_FALSE(read_streaminfo(bytes_of({0x84, 0, 0, 4, 0, 0, 0, 0})));            // not STREAMINFO
}

TEST_CASE("a FLAC frame header says how many samples the frame holds") {
  // Block size codes: 12 → 256·2⁴, 3 → 576·2, 1 → 192.
  CHECK(flac_frame_samples(bytes_of({0xff, 0xf8, 0xc9, 0x18, 0x00, 0x00})) == 4096u);
  CHECK(flac_frame_samples(bytes_of({0xff, 0xf8, 0x39, 0x18, 0x00, 0x00})) == 1152u);
  CHECK(flac_frame_samples(bytes_of({0xff, 0xf8, 0x19, 0x18, 0x00, 0x00})) == 192u);
  // 7: 16 bits after the frame number (here a 2-byte number, 0xc2 0x80 = 128), minus one.
  CHECK(flac_frame_samples(bytes_of({0xff, 0xf8, 0x79, 0x18, 0xc2, 0x80, 0x04, 0x7f, 0})) == 1152u);
  // 6: 8 bits, minus one (the last, short frame of a stream).
  CHECK(flac_frame_samples(bytes_of({0xff, 0xf8, 0x69, 0x18, 0x05, 0x63, 0})) == 100u);
  CHECK_FALSE(flac_frame_samples(bytes_of({0xff, 0xf1, 0x50, 0x80, 0x00, 0x00})));  // ADTS
  CHECK_FALSE(flac_frame_samples(bytes_of({0xff, 0xf8, 0x09, 0x18, 0x00, 0x00})));  // reserved
  CHECK_FALSE(flac_frame_samples(bytes_of({0xff, 0xf8, 0x79, 0x18, 0x80, 0x00, 0x00})));
}

TEST_CASE("an init segment with a FLAC track has a fLaC sample entry holding dfLa") {
  auto blocks = dfla_blocks([] {
    auto head = bytes_of({'f', 'L', 'a', 'C', 0x80, 0x00, 0x00, 0x22});
    auto body = streaminfo_body();
    head.insert(head.end(), body.begin(), body.end());
    return head;
  }());
  REQUIRE(blocks);
  fmp4::track_setup track{2, track_kind::audio, 48000, *blocks, 0, 0, 2, 48000, audio_codec::flac};
  auto init = fmp4::write_init(std::span{&track, 1});
  auto info = fmp4::parse_init(init);
  REQUIRE(info);
  REQUIRE(info->tracks.count(2) == 1);
  CHECK(info->tracks.at(2).codec == "flac");
  CHECK(info->tracks.at(2).timescale == 48000);
  CHECK(info->mime() == "video/mp4; codecs=\"flac\"");
  // fLaC: after its type 28 bytes of AudioSampleEntry, then dfLa (a full box) with the blocks.
  auto text = std::string_view{reinterpret_cast<const char*>(init.data()), init.size()};
  auto entry = text.find("fLaC");
  REQUIRE(entry != std::string_view::npos);
  CHECK(text.substr(entry + 4 + 16, 2) == std::string_view{"\0\x02", 2});  // channel count
  CHECK(text.substr(entry + 4 + 18, 2) == std::string_view{"\0\x10", 2});  // sample size 16
  CHECK(text.substr(entry + 4 + 32, 4) == "dfLa");
  CHECK(text.substr(entry + 4 + 36, 4) == std::string_view{"\0\0\0\0", 4});  // version, flags
  auto stored = std::as_bytes(std::span{text.substr(entry + 4 + 40, blocks->size())});
  CHECK(std::equal(stored.begin(), stored.end(), blocks->begin(), blocks->end()));
}

TEST_CASE("real AAC through the FLAC encoder and the muxer decodes bit-exact with ffmpeg") {
  REQUIRE(initialize_gstreamer().empty());
  fs::path dir = AETHEX_MEDIA_TEST_DIR;
  fs::create_directories(dir);
  auto flv = dir / "tone.flv";
  // A tone and pink noise (every bit of the 16 changes), 3 s of 48 kHz stereo AAC.
  auto make =
    "ffmpeg -hide_banner -loglevel error -y -f lavfi -i sine=frequency=440:duration=3"
    " -f lavfi -i anoisesrc=d=3:c=pink:a=0.3 -filter_complex amerge=inputs=2"
    " -ar 48000 -ac 2 -c:a aac -b:a 192k -f flv '" +
    flv.string() + "'";
  REQUIRE(std::system(make.c_str()) == 0);
  auto chars = read_file(flv);
  flv_demuxer demuxer;
  byte_vector asc;
  std::vector<media_frame> aac;
  for (auto& event : demuxer.feed(std::as_bytes(std::span{chars}))) {
    if (auto* config = std::get_if<audio_config>(&event))
      asc = config->asc;
    if (auto* frame = std::get_if<media_frame>(&event); frame && frame->kind == track_kind::audio)
      aac.push_back(*frame);
  }
  REQUIRE(!asc.empty());
  REQUIRE(aac.size() > 100);

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<demux_event> out;
  std::int64_t covered = 0;  // 90 kHz ticks of FLAC delivered
  {
    flac_encoder encoder{asc, [&](std::vector<demux_event> events) {
                           std::lock_guard lock{mutex};
                           for (auto& e : events)
                             if (auto* f = std::get_if<media_frame>(&e))
                               covered = f->dts + 1152 * 90'000 / 48'000;
                           std::move(events.begin(), events.end(), std::back_inserter(out));
                           changed.notify_all();
                         }};
    for (auto& frame : aac)
      encoder.push(frame);
    // The encoder holds its last partial block (a live stream has no end): wait for the rest.
    std::unique_lock lock{mutex};
    auto wanted = aac[aac.size() - 3].dts;
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(20), [&] { return covered >= wanted; }));
    CHECK(encoder.error().empty());
  }
  REQUIRE(!out.empty());
  REQUIRE(std::holds_alternative<audio_config>(out.front()));
  CHECK(std::get<audio_config>(out.front()).codec == audio_codec::flac);

  live_remuxer remuxer;
  std::vector<remux_unit> units;
  remuxer.push(track_layout{false, true}, units);
  for (auto& event : out)
    remuxer.push(std::move(event), units);
  remuxer.flush(units);
  REQUIRE(units.size() > 2);
  CHECK(remuxer.mime() == "video/mp4; codecs=\"flac\"");
  auto mp4 = dir / "flac.mp4";
  {
    std::ofstream file{mp4, std::ios::binary};
    for (auto& unit : units)
      if (unit.data)
        file.write(reinterpret_cast<const char*>(unit.data->data()),
                   static_cast<std::streamsize>(unit.data->size()));
  }
  auto decoded = dir / "flac.s16";
  auto reference = dir / "aac.s16";
  REQUIRE(std::system(("ffmpeg -hide_banner -loglevel error -y -i '" + mp4.string() +
                       "' -f s16le '" + decoded.string() + "'")
                        .c_str()) == 0);
  // The reference: the same AAC decoded by GStreamer with the same conversion, in a process of
  // its own (ffmpeg's own float-to-16-bit rounding differs from audioconvert's by 1 LSB).
  REQUIRE(std::system(("gst-launch-1.0 -q filesrc location='" + flv.string() +
                       "' ! flvdemux ! aacparse ! avdec_aac ! audioconvert dithering=none"
                       " noise-shaping=none ! audio/x-raw,format=S16LE ! filesink location='" +
                       reference.string() + "'")
                        .c_str()) == 0);
  auto got = read_pcm(decoded);
  auto want = read_pcm(reference);
  // Both decodes start at the first AAC frame; the FLAC stream lacks only the held last block.
  REQUIRE(got.size() > 2 * 48000 * 2);
  REQUIRE(want.size() >= got.size());
  CHECK(std::equal(got.begin(), got.end(), want.begin()));
}
