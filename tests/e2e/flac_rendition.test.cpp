// The FLAC rendition end to end (docs/music.md): a real ffmpeg publishes H.264 + AAC over RTMP
// to a node whose ladder names "flac"; a WebSocket client reads /ws/media/<channel>/flac (the
// source's picture, the audio re-encoded by flacenc into a 'fLaC' track); ffmpeg decodes that
// fMP4, and its PCM equals, sample for sample, the source AAC decoded by GStreamer
// (avdec_aac, audioconvert without dither). Alignment: the rendition starts a moment into the
// stream, so a 100 ms run of its PCM (taken 0.5 s in, past the AAC decoder's two-frame warm-up)
// is looked up in the reference by exact match; from that offset every sample both hold must
// be equal. ffmpeg's own 16-bit decode of the AAC rounds differently: it stays within 1 LSB.
// The source AAC has no PNS (see below): its noise would depend on where decoding began.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "media/fmp4.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace flac_rendition_suite {

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace fmp4 = aethex::media::fmp4;
using steady = std::chrono::steady_clock;

namespace {

struct capture {
  json init_message;
  std::string file;  // init + fragments, as a player appends them
  std::size_t fragments = 0;
};

// `seconds` of /ws/media/<channel>/flac.
capture read_flac(unsigned short port, const std::string& channel, double seconds) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver{io};
  websocket::stream<beast::tcp_stream> ws{io};
  beast::get_lowest_layer(ws).connect(*resolver.resolve("127.0.0.1", std::to_string(port)).begin());
  ws.handshake("127.0.0.1", "/ws/media/" + channel + "/flac");
  capture out;
  beast::flat_buffer buffer;
  auto start = steady::now();
  std::optional<fmp4::init_info> init;
  while (std::chrono::duration<double>(steady::now() - start).count() < seconds) {
    buffer.clear();
    ws.read(buffer);
    auto text = beast::buffers_to_string(buffer.data());
    if (ws.got_text()) {
      auto message = json::parse(text);
      if (message.value("type", "") == "init")
        out.init_message = message;
      continue;
    }
    std::span<const std::byte> bytes{reinterpret_cast<const std::byte*>(text.data()), text.size()};
    if (!init) {
      init = fmp4::parse_init(bytes);
      REQUIRE_MESSAGE(init.has_value(), "the first binary message must be an init segment");
    } else {
      ++out.fragments;
    }
    out.file += text;
  }
  beast::error_code ec;
  ws.close(websocket::close_code::normal, ec);
  return out;
}

std::vector<std::int16_t> read_pcm(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::string bytes{std::istreambuf_iterator<char>{in}, {}};
  std::vector<std::int16_t> pcm(bytes.size() / 2);
  std::memcpy(pcm.data(), bytes.data(), pcm.size() * 2);
  return pcm;
}

// Where `needle` starts in `haystack` (an exact match, at a whole stereo sample), or -1.
std::ptrdiff_t find_exact(const std::vector<std::int16_t>& haystack,
                          std::span<const std::int16_t> needle) {
  for (std::size_t at = 0; at + needle.size() <= haystack.size(); at += 2)
    if (std::equal(needle.begin(), needle.end(),
                   haystack.begin() + static_cast<std::ptrdiff_t>(at)))
      return static_cast<std::ptrdiff_t>(at);
  return -1;
}

}  // namespace

TEST_CASE("the FLAC rendition decodes bit-exact to the decoded source AAC") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(on_path("gst-launch-1.0"), "gst-launch-1.0 is required (gstreamer1.0-tools)");
  test_node node{"flac_rendition", {"--abr-ladder", "flac", "--transcode-budget-cores", "0.5"}};
  auto key = node.create_channel("djset");

  // The source: 20 s of a small picture in 2 s GOPs (as OBS sends) and a tone beside pink noise
  // (every bit of the samples moves), AAC 48 kHz stereo, written once so that the reference
  // decodes the very frames sent. Without PNS: a band the encoder marks as noise is filled by
  // the decoder's random generator, whose state depends on the frame decoding began at, and
  // the rendition begins a moment into the stream.
  auto source = node.out_dir / "source.flv";
  auto made = run({"ffmpeg",
                   "-hide_banner",
                   "-loglevel",
                   "error",
                   "-y",
                   "-f",
                   "lavfi",
                   "-i",
                   "testsrc=size=320x240:rate=15",
                   "-f",
                   "lavfi",
                   "-i",
                   "sine=frequency=440:duration=20",
                   "-f",
                   "lavfi",
                   "-i",
                   "anoisesrc=d=20:c=pink:a=0.3",
                   "-filter_complex",
                   "[1][2]amerge=inputs=2[a]",
                   "-map",
                   "0:v",
                   "-map",
                   "[a]",
                   "-t",
                   "20",
                   "-pix_fmt",
                   "yuv420p",
                   "-c:v",
                   "libx264",
                   "-preset",
                   "ultrafast",
                   "-g",
                   "30",
                   "-c:a",
                   "aac",
                   "-aac_pns",
                   "0",
                   "-b:a",
                   "192k",
                   "-ar",
                   "48000",
                   "-ac",
                   "2",
                   "-f",
                   "flv",
                   source.string()},
                  60s);
  REQUIRE(made.status == 0);
  child_process publisher{{"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-i",
                           source.string(), "-c", "copy", "-f", "flv", node.rtmp_url(key)},
                          node.out_dir / "publisher.log"};
  REQUIRE(eventually(
    [&] { return node.log().find("djset makes its FLAC rendition") != std::string::npos; }, 15s));
  auto got = read_flac(node.http_port, "djset", 12);
  CHECK(got.init_message.value("rendition", "") == "flac");
  auto mime = got.init_message.value("mime", "");
  CHECK(mime.find("avc1.") != std::string::npos);  // the source's picture comes along
  CHECK(mime.find("flac") != std::string::npos);
  CHECK(got.fragments > 50);
  // WebSocket only: HLS players never see it.
  CHECK(node.get("/hls/djset/master.m3u8").body.find("flac") == std::string::npos);
  CHECK(node.get("/hls/djset/r/flac/index.m3u8").status == 404);

  auto mp4 = node.out_dir / "flac.mp4";
  std::ofstream{mp4, std::ios::binary} << got.file;
  CHECK(probe_codecs(mp4) == std::set<std::string>{"h264", "flac"});
  auto flac_pcm = node.out_dir / "flac.s16";
  auto reference_pcm = node.out_dir / "reference.s16";
  auto ffmpeg_pcm = node.out_dir / "ffmpeg.s16";
  REQUIRE(run({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", mp4.string(), "-map",
               "0:a", "-f", "s16le", flac_pcm.string()},
              30s)
            .status == 0);
  REQUIRE(run({"gst-launch-1.0", "-q", "filesrc", "location=" + source.string(), "!", "flvdemux",
               "!", "aacparse", "!", "avdec_aac", "!", "audioconvert", "dithering=none",
               "noise-shaping=none", "!", "audio/x-raw,format=S16LE", "!", "filesink",
               "location=" + reference_pcm.string()},
              30s)
            .status == 0);
  REQUIRE(run({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", source.string(), "-map",
               "0:a", "-f", "s16le", ffmpeg_pcm.string()},
              30s)
            .status == 0);

  auto flac = read_pcm(flac_pcm);
  auto reference = read_pcm(reference_pcm);
  constexpr std::size_t per_second = 48000 * 2;
  REQUIRE(flac.size() > 6 * per_second);
  auto needle = std::span{flac}.subspan(per_second / 2, per_second / 10);
  auto offset = find_exact(reference, needle);
  REQUIRE_MESSAGE(offset >= 0, "a 100 ms run of the FLAC PCM must occur exactly in the reference");
  auto skip = per_second / 2;  // before it the rendition's decoder was warming up
  auto compared = std::min(flac.size() - skip, reference.size() - static_cast<std::size_t>(offset));
  auto from = flac.begin() + static_cast<std::ptrdiff_t>(skip);
  auto mismatch = std::mismatch(from, from + static_cast<std::ptrdiff_t>(compared),
                                reference.begin() + offset);
  MESSAGE("compared " << compared / 2 << " stereo samples (" << double(compared) / per_second
                      << " s) at reference offset " << offset / 2);
  CHECK(compared > 5 * per_second);
  CHECK_MESSAGE(mismatch.first == from + static_cast<std::ptrdiff_t>(compared),
                "first difference at sample " << (mismatch.first - from) / 2);

  // The same window against ffmpeg's own decode: another float-to-16-bit rounding, 1 LSB apart.
  auto by_ffmpeg = read_pcm(ffmpeg_pcm);
  REQUIRE(by_ffmpeg.size() >= static_cast<std::size_t>(offset) + compared);
  int largest = 0;
  for (std::size_t i = 0; i < compared; ++i)
    largest = std::max(largest, std::abs(int{from[static_cast<std::ptrdiff_t>(i)]} -
                                         int{by_ffmpeg[static_cast<std::size_t>(offset) + i]}));
  CHECK(largest <= 1);
}

}  // namespace flac_rendition_suite
