// Now playing from stream metadata (ID3 in MPEG-TS, "Artist - Title" lines) and the audio
// analysis of media/audio_analyzer on real AAC from ffmpeg: a 3 kHz tone's spectrum peak, level
// and loudness.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>

#include <nlohmann/json.hpp>

#include "media/audio_analyzer.hpp"
#include "media/audio_metadata.hpp"
#include "media/flv_demux.hpp"
#include "media/media_session.hpp"
#include "media/ts_demux.hpp"
#include "tests/media/ts_fixture.hpp"

using namespace ts_fixture;

namespace {

void put_syncsafe(byte_vector& out, std::size_t v) {
  for (int shift : {21, 14, 7, 0})
    out.push_back(static_cast<std::byte>((v >> shift) & 0x7F));
}

void put_be32(byte_vector& out, std::size_t v) {
  for (int shift : {24, 16, 8, 0})
    out.push_back(static_cast<std::byte>((v >> shift) & 0xFF));
}

// An ID3v2 tag of text frames (id, encoding byte + text bytes).
byte_vector id3_tag(int version, const std::vector<std::pair<std::string, byte_vector>>& frames) {
  byte_vector body;
  for (auto& [id, text] : frames) {
    for (char c : id)
      body.push_back(static_cast<std::byte>(c));
    if (version == 4)
      put_syncsafe(body, text.size());
    else
      put_be32(body, text.size());
    body.push_back(std::byte{0});
    body.push_back(std::byte{0});
    body.insert(body.end(), text.begin(), text.end());
  }
  body.insert(body.end(), 10, std::byte{0});  // padding
  byte_vector tag{std::byte{'I'}, std::byte{'D'}, std::byte{'3'}, static_cast<std::byte>(version),
                  std::byte{0},   std::byte{0}};
  put_syncsafe(tag, body.size());
  tag.insert(tag.end(), body.begin(), body.end());
  return tag;
}

byte_vector text(std::uint8_t encoding, std::initializer_list<std::uint8_t> bytes) {
  byte_vector out{static_cast<std::byte>(encoding)};
  for (auto b : bytes)
    out.push_back(static_cast<std::byte>(b));
  return out;
}

byte_vector utf8(const std::string& s) {
  byte_vector out{std::byte{3}};
  for (char c : s)
    out.push_back(static_cast<std::byte>(c));
  return out;
}

// A PSI section in one TS packet (pointer_field 0, padded with 0xFF; the CRC is not checked).
void psi_packet(byte_vector& out, std::uint16_t pid, const std::vector<std::uint8_t>& section) {
  out.push_back(std::byte{0x47});
  out.push_back(static_cast<std::byte>(0x40 | (pid >> 8)));
  out.push_back(static_cast<std::byte>(pid & 0xFF));
  out.push_back(std::byte{0x10});
  out.push_back(std::byte{0});
  for (auto b : section)
    out.push_back(static_cast<std::byte>(b));
  out.resize(out.size() + (188 - 5 - section.size()), std::byte{0xFF});
}

}  // namespace

TEST_CASE("ID3 text frames in every encoding") {
  auto tag = id3_tag(4, {{"TIT2", utf8("Strobe")},
                         {"TPE1", text(1, {0xFF, 0xFE, 'd', 0, 'e', 0, 'a', 0, 'd', 0, 0xE9, 0})},
                         {"TALB", text(0, {'F', 0xF6, 'r', 0, 'x'})},
                         {"TXXX", utf8("ignored")}});
  auto tags = aethex::media::parse_id3(tag);
  REQUIRE(tags);
  CHECK(tags->title == "Strobe");
  CHECK(tags->artist == "deadé");  // UTF-16LE with its byte order mark
  CHECK(tags->album == "För");     // ISO-8859-1, cut at the first NUL (a v2.4 value list)

  auto v23 = aethex::media::parse_id3(
    id3_tag(3, {{"TPE1", text(2, {0, 'A', 0xD8, 0x3D, 0xDE, 0x00})}, {"TIT2", utf8("B")}}));
  REQUIRE(v23);
  CHECK(v23->artist == "A\xF0\x9F\x98\x80");  // UTF-16BE with a surrogate pair
  CHECK(v23->title == "B");

  CHECK_FALSE(aethex::media::parse_id3(id3_tag(4, {{"TPE1", utf8("no title")}})));
  CHECK_FALSE(aethex::media::parse_id3(byte_vector(20, std::byte{0})));
  auto cut = id3_tag(4, {{"TIT2", utf8("Whole")}});
  cut.resize(14);  // the frame claims more than there is
  CHECK_FALSE(aethex::media::parse_id3(cut));
}

TEST_CASE("onTextData lines and tag cleaning") {
  auto t = aethex::media::split_artist_title("  Daft Punk - One More Time ");
  CHECK(t.artist == "Daft Punk");
  CHECK(t.title == "One More Time");
  t = aethex::media::split_artist_title("Just a title");
  CHECK(t.artist.empty());
  CHECK(t.title == "Just a title");
  t = aethex::media::split_artist_title(" - Untitled");
  CHECK(t.title == "- Untitled");
  // Cut on a UTF-8 boundary, control characters gone.
  CHECK(aethex::media::clean_tag("a\x01\xC3\xA9\xC3\xA9", 4) == "a\xC3\xA9");
}

TEST_CASE("MPEG-TS ID3 timed metadata (stream type 0x15) leaves the demuxer as tags") {
  byte_vector ts;
  psi_packet(ts, 0, {0x00, 0xB0, 13, 0, 1, 0xC1, 0, 0, 0, 1, 0xF0, 0x00, 0, 0, 0, 0});
  psi_packet(ts, 0x1000, {0x02, 0xB0, 18,   0,    1,    0xC1, 0, 0, 0xE1, 0x02, 0xF0, 0,  // no info
                          0x15, 0xE1, 0x02, 0xF0, 0x00, 0,    0, 0, 0});
  unsigned cc = 0;
  for (auto& title : {"First", "Second"}) {
    auto pes = audio_pes(id3_tag(4, {{"TIT2", utf8(title)}, {"TPE1", utf8("Artist")}}), 90000);
    pes[3] = std::byte{0xBD};  // private_stream_1, as muxers carry ID3
    packetize(ts, 0x102, pes, cc);
  }
  aethex::media::ts_demuxer demuxer;
  demuxer.feed(ts);
  demuxer.flush();
  auto tags = demuxer.take_tags();
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].title == "First");
  CHECK(tags[1].title == "Second");
  CHECK(tags[1].artist == "Artist");
  CHECK(demuxer.stats().dropped_pes == 0);
  CHECK(demuxer.take_tags().empty());
}

TEST_CASE("AudioSpecificConfig and beats") {
  auto f = aethex::media::parse_asc(byte_vector{std::byte{0x11}, std::byte{0x90}});
  REQUIRE(f);
  CHECK(f->object_type == 2);
  CHECK(f->sample_rate == 48000);
  CHECK(f->channels == 2);
  CHECK_FALSE(aethex::media::parse_asc(byte_vector{std::byte{0x11}}));

  aethex::media::beat_detector beats;
  int count = 0;
  for (int i = 0; i < 80; ++i)  // a kick every 500 ms over a quiet floor
    count += beats.on_interval(i * 50, i % 10 == 0 ? -10.0 : -40.0);
  CHECK(count >= 7);
  CHECK(count <= 8);
}

TEST_CASE("a 3 kHz tone through the analyzer: spectrum peak, level and loudness") {
  REQUIRE(aethex::media::initialize_gstreamer().empty());
  auto dir = fs::path{AETHEX_MEDIA_TEST_DIR};
  fs::create_directories(dir);
  auto flv = dir / "tone.flv";
  // Amplitude 0.5 on both channels: peak -6.0 dBFS, RMS -9.0 dBFS.
  run(
    "ffmpeg -nostdin -loglevel error -y -f lavfi -i 'sine=frequency=3000:sample_rate=48000:"
    "duration=3' -af 'volume=4,pan=stereo|c0=c0|c1=c0' -c:a aac -b:a 192k " +
    flv.string());
  aethex::media::flv_demuxer demuxer;
  auto events = demuxer.feed(read_file(flv));

  std::mutex m;
  std::condition_variable cv;
  std::vector<nlohmann::json> frames;
  aethex::media::audio_analyzer analyzer{[&](std::string json) {
    std::lock_guard lock{m};
    frames.push_back(nlohmann::json::parse(json));
    cv.notify_one();
  }};
  analyzer.start_analysis();
  for (auto& e : events) {
    if (auto* c = std::get_if<aethex::media::audio_config>(&e))
      analyzer.configure(c->asc);
    if (auto* fr = std::get_if<aethex::media::media_frame>(&e))
      analyzer.push(*fr);
  }
  std::unique_lock lock{m};
  REQUIRE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return frames.size() >= 50; }));
  auto& last = frames.back();
  CHECK(last["type"] == "audio");
  auto& bands = last["bands_db"];
  REQUIRE(bands.size() == 32);
  std::size_t peak = 0;
  for (std::size_t i = 0; i < bands.size(); ++i)
    if (bands[i].get<double>() > bands[peak].get<double>())
      peak = i;
  CHECK(peak == 4);  // 3000 Hz in 750 Hz bands
  CHECK(last["rms_db"][0].get<double>() == doctest::Approx(-9.0).epsilon(0.05));
  CHECK(last["peak_db"][1].get<double>() == doctest::Approx(-6.0).epsilon(0.05));
  CHECK(last["lufs_m"].is_number());
  CHECK(last["clipping"] == 0);
  auto summary = nlohmann::json::parse(analyzer.summary());
  CHECK(summary["channels"] == 2);
  CHECK(summary["sample_rate"] == 48000);
  CHECK(summary["analysis"] == true);
  CHECK(summary["warnings"].empty());
}
