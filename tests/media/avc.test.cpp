// H.264 helpers: Annex B splitting, avcC records and AVCC conversion, on hand-made byte strings and
// on a real x264 stream whose avcC is checked against the one ffmpeg's MP4 muxer writes.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "media/avc.hpp"

namespace fs = std::filesystem;
using namespace aethex::media;

namespace {

byte_vector bytes(std::initializer_list<int> values) {
  byte_vector out;
  for (int v : values)
    out.push_back(static_cast<std::byte>(v));
  return out;
}

byte_vector to_vector(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

byte_vector read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> raw{std::istreambuf_iterator<char>(in), {}};
  byte_vector out(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i)
    out[i] = static_cast<std::byte>(raw[i]);
  return out;
}

// The payload of the first box named `type` found anywhere in an MP4 (a byte search is enough
// for avcC: the name does not occur by accident in a small test file).
byte_vector find_box(const byte_vector& mp4, std::string_view type) {
  for (std::size_t i = 4; i + 4 <= mp4.size(); ++i) {
    if (std::memcmp(mp4.data() + i, type.data(), 4) != 0)
      continue;
    const std::size_t size = (std::to_integer<std::size_t>(mp4[i - 4]) << 24) |
                             (std::to_integer<std::size_t>(mp4[i - 3]) << 16) |
                             (std::to_integer<std::size_t>(mp4[i - 2]) << 8) |
                             std::to_integer<std::size_t>(mp4[i - 1]);
    if (size < 8 || i - 4 + size > mp4.size())
      continue;
    return {mp4.begin() + static_cast<std::ptrdiff_t>(i + 4),
            mp4.begin() + static_cast<std::ptrdiff_t>(i - 4 + size)};
  }
  return {};
}

}  // namespace

TEST_CASE("split_annexb finds NAL units after 3- and 4-byte start codes") {
  // Leading junk, a 4-byte start code, a 3-byte one, trailing zeros, an empty unit, a 4-byte one.
  const auto stream = bytes({0xAB, 0x00, 0x00, 0x00, 0x01, 0x67, 0x64, 0x00, 0x1F,  // SPS
                             0x00, 0x00, 0x01, 0x68, 0xEE, 0x3C, 0x80, 0x00, 0x00,  // PPS + zeros
                             0x00, 0x00, 0x01,                                      // empty
                             0x00, 0x00, 0x00, 0x01, 0x65, 0x88, 0x84, 0x00, 0x03, 0x01});
  const auto units = avc::split_annexb(stream);
  REQUIRE(units.size() == 3);
  CHECK(to_vector(units[0]) == bytes({0x67, 0x64, 0x00, 0x1F}));
  CHECK(to_vector(units[1]) == bytes({0x68, 0xEE, 0x3C, 0x80}));
  // 00 03 01 inside the slice is emulation prevention, not a start code.
  CHECK(to_vector(units[2]) == bytes({0x65, 0x88, 0x84, 0x00, 0x03, 0x01}));
  CHECK(avc::nal_type(units[0]) == avc::nal::sps);
  CHECK(avc::nal_type(units[1]) == avc::nal::pps);
  CHECK(avc::nal_type(units[2]) == avc::nal::idr);
  CHECK(avc::nal_type({}) == 0);

  CHECK(avc::split_annexb({}).empty());
  CHECK(avc::split_annexb(bytes({0x00, 0x00, 0x01})).empty());
  CHECK(avc::split_annexb(bytes({0x65, 0x88, 0x00, 0x00, 0x02})).empty());  // no start code
  const auto aud = bytes({0x00, 0x00, 0x01, 0x09});  // the result views its input: keep it alive
  const auto single = avc::split_annexb(aud);
  REQUIRE(single.size() == 1);
  CHECK(avc::nal_type(single[0]) == avc::nal::aud);
}

TEST_CASE("make_avcc builds version 1 with one SPS and one PPS") {
  // Main profile (77): no trailer.
  const auto sps = bytes({0x67, 0x4D, 0x40, 0x1E, 0xAB, 0xCD});
  const auto pps = bytes({0x68, 0xCE, 0x38, 0x80});
  const auto avcc = avc::make_avcc(sps, pps);
  const auto expected = bytes({0x01, 0x4D, 0x40, 0x1E, 0xFF, 0xE1, 0x00, 0x06, 0x67, 0x4D, 0x40,
                               0x1E, 0xAB, 0xCD, 0x01, 0x00, 0x04, 0x68, 0xCE, 0x38, 0x80});
  CHECK(avcc == expected);

  CHECK(avc::make_avcc(bytes({0x67, 0x4D, 0x40}), pps).empty());  // no level byte
  CHECK(avc::make_avcc(sps, {}).empty());

  // High (100), seq_parameter_set_id 0, chroma_format_idc 1, bit depths 8: ue(0)=1, ue(1)=010.
  // Bits after the level: 1 | 010 | 1 | 1 | ... = 0b1010'1100 -> 0xAC.
  const auto high = bytes({0x67, 0x64, 0x00, 0x1F, 0xAC, 0xD9, 0x40});
  const auto format = avc::parse_sps_format(high);
  REQUIRE(format);
  CHECK(format->chroma_format_idc == 1);
  CHECK(format->bit_depth_luma == 8);
  CHECK(format->bit_depth_chroma == 8);
  const auto high_avcc = avc::make_avcc(high, pps);
  REQUIRE(high_avcc.size() == 11 + high.size() + pps.size() + 4);
  CHECK(high_avcc[1] == std::byte{0x64});
  CHECK(to_vector(std::span{high_avcc}.last(4)) == bytes({0xFD, 0xF8, 0xF8, 0x00}));

  // High 10 4:2:2 (122): chroma 2 = ue 011, luma depth 10 = ue(2) 011, chroma depth ue(2) 011.
  // Bits: 1 011 011 011 + padding -> 1011 0110 1100 0000.
  const auto high422 = bytes({0x67, 0x7A, 0x00, 0x1F, 0xB6, 0xC0});
  const auto f422 = avc::parse_sps_format(high422);
  REQUIRE(f422);
  CHECK(f422->chroma_format_idc == 2);
  CHECK(f422->bit_depth_luma == 10);
  CHECK(f422->bit_depth_chroma == 10);
  const auto avcc422 = avc::make_avcc(high422, pps);
  CHECK(to_vector(std::span{avcc422}.last(4)) == bytes({0xFE, 0xFA, 0xFA, 0x00}));

  // A High SPS cut off before its bit depths: the record is still written, without the trailer.
  const auto cut = bytes({0x67, 0x64, 0x00, 0x1F});
  CHECK_FALSE(avc::parse_sps_format(cut));
  CHECK(avc::make_avcc(cut, pps).size() == 11 + cut.size() + pps.size());
}

TEST_CASE("annexb_to_avcc drops AUD, SPS, PPS and filler and reports IDR") {
  const auto au = bytes({0x00, 0x00, 0x00, 0x01, 0x09, 0xF0,                    // AUD
                         0x00, 0x00, 0x00, 0x01, 0x67, 0x42, 0xC0, 0x1E, 0x01,  // SPS
                         0x00, 0x00, 0x01, 0x68, 0xCE, 0x3C, 0x80,              // PPS
                         0x00, 0x00, 0x01, 0x06, 0x05, 0x01, 0x80,              // SEI
                         0x00, 0x00, 0x01, 0x65, 0xB8, 0x00, 0x03, 0x00, 0x10,  // IDR
                         0x00, 0x00, 0x01, 0x0C, 0xFF, 0xFF, 0x80});            // filler
  const auto out = avc::annexb_to_avcc(au);
  CHECK(out.idr);
  CHECK(out.data == bytes({0x00, 0x00, 0x00, 0x04, 0x06, 0x05, 0x01, 0x80,  //
                           0x00, 0x00, 0x00, 0x06, 0x65, 0xB8, 0x00, 0x03, 0x00, 0x10}));

  const auto p_frame = avc::annexb_to_avcc(bytes({0x00, 0x00, 0x01, 0x41, 0x9A, 0x02}));
  CHECK_FALSE(p_frame.idr);
  CHECK(p_frame.data == bytes({0x00, 0x00, 0x00, 0x03, 0x41, 0x9A, 0x02}));

  const auto only_sets = avc::annexb_to_avcc(bytes({0x00, 0x00, 0x01, 0x67, 0x42, 0x00, 0x01}));
  CHECK(only_sets.data.empty());
  CHECK_FALSE(only_sets.idr);
}

TEST_CASE("a real x264 stream: parameter sets, IDR frames and the avcC ffmpeg writes") {
  const fs::path dir = AETHEX_MEDIA_TEST_DIR;
  fs::create_directories(dir);
  const auto h264 = dir / "high.h264";
  const auto mp4 = dir / "high.mp4";
  // High profile (preset medium) so the avcC has the chroma/bit-depth trailer; an IDR every 10.
  const std::string encode =
    "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=30 -t 1 "
    "-pix_fmt yuv420p -c:v libx264 -profile:v high -g 10 -bf 2 -f h264 " +
    h264.string();
  const std::string remux = "ffmpeg -hide_banner -loglevel error -y -i " + h264.string() +
                            " -c:v copy -f mp4 " + mp4.string();
  REQUIRE(std::system(encode.c_str()) == 0);
  REQUIRE(std::system(remux.c_str()) == 0);

  const auto stream = read_file(h264);
  const auto units = avc::split_annexb(stream);
  REQUIRE(units.size() > 30);
  std::span<const std::byte> sps, pps;
  int idr = 0, slices = 0;
  for (auto u : units) {
    const auto type = avc::nal_type(u);
    if (type == avc::nal::sps && sps.empty())
      sps = u;
    if (type == avc::nal::pps && pps.empty())
      pps = u;
    idr += type == avc::nal::idr;
    slices += type == avc::nal::slice || type == avc::nal::idr;
    CHECK(std::to_integer<int>(u.back()) != 0);  // trailing zeros were not kept
  }
  CHECK(avc::nal_type(units[0]) == avc::nal::sps);
  CHECK(slices == 30);  // one slice per frame
  CHECK(idr == 3);
  REQUIRE(sps.size() > 4);
  REQUIRE(std::to_integer<int>(sps[1]) == 100);

  const auto ours = avc::make_avcc(sps, pps);
  const auto theirs = find_box(read_file(mp4), "avcC");
  REQUIRE_FALSE(theirs.empty());
  CHECK(ours == theirs);

  // The whole stream as one "access unit": every slice survives with its exact size.
  const auto all = avc::to_avcc(units);
  CHECK(all.idr);
  std::size_t at = 0, kept = 0;
  while (at + 4 <= all.data.size()) {
    const std::size_t len = (std::to_integer<std::size_t>(all.data[at]) << 24) |
                            (std::to_integer<std::size_t>(all.data[at + 1]) << 16) |
                            (std::to_integer<std::size_t>(all.data[at + 2]) << 8) |
                            std::to_integer<std::size_t>(all.data[at + 3]);
    REQUIRE(at + 4 + len <= all.data.size());
    const auto type = std::to_integer<int>(all.data[at + 4]) & 0x1F;
    CHECK(type != avc::nal::sps);
    CHECK(type != avc::nal::pps);
    at += 4 + len;
    ++kept;
  }
  CHECK(at == all.data.size());
  std::size_t expected = 0;
  for (auto u : units) {
    const auto type = avc::nal_type(u);
    expected += type != avc::nal::sps && type != avc::nal::pps && type != avc::nal::aud &&
                type != avc::nal::filler;
  }
  CHECK(kept == expected);
}
