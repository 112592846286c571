// Live media outputs end to end: a real ffmpeg publishes over RTMP; a WebSocket client gets an
// init segment and fMP4 fragments that ffprobe reads as H.264 + AAC; the LL-HLS playlist is
// well-formed and a blocking reload returns once the requested part exists; a thumbnail JPEG
// and plausible stream health appear.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <set>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "media/fmp4.hpp"
#include "media/ll_hls.hpp"
#include "tests/e2e/support/node_fixture.hpp"

// Its own namespace: a folder's test files are compiled as one unit (tests/CMakeLists.txt).
namespace live_media_suite {

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace fmp4 = aethex::media::fmp4;
using steady = std::chrono::steady_clock;

namespace {

struct ws_capture {
  std::string init_mime;
  fmp4::bytes file;  // init + fragments, as a player would append them
  std::vector<fmp4::fragment_info> fragments;
  std::optional<fmp4::init_info> init;
  double first_keyframe_after_s = -1;
  int clock_messages = 0;
};

// Reads `seconds` worth of messages from /ws/media/<channel>.
ws_capture capture_ws(unsigned short port, const std::string& channel, double seconds) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver{io};
  websocket::stream<beast::tcp_stream> ws{io};
  auto start = steady::now();
  beast::get_lowest_layer(ws).connect(*resolver.resolve("127.0.0.1", std::to_string(port)).begin());
  ws.handshake("127.0.0.1", "/ws/media/" + channel);
  ws_capture out;
  beast::flat_buffer buffer;
  while (std::chrono::duration<double>(steady::now() - start).count() < seconds) {
    buffer.clear();
    ws.read(buffer);
    auto data = static_cast<const std::byte*>(buffer.data().data());
    std::span<const std::byte> bytes{data, buffer.size()};
    if (ws.got_text()) {
      auto msg = json::parse(beast::buffers_to_string(buffer.data()));
      if (msg.value("type", "") == "init")
        out.init_mime = msg.value("mime", "");
      else if (msg.value("type", "") == "clock")
        ++out.clock_messages;
      continue;
    }
    if (!out.init) {
      out.init = fmp4::parse_init(bytes);
      REQUIRE_MESSAGE(out.init.has_value(), "the first binary message must be an init segment");
    } else {
      auto header = fmp4::read_box_header(bytes);
      REQUIRE(header.has_value());
      auto info = fmp4::parse_fragment(bytes.subspan(0, header->size), *out.init);
      REQUIRE_MESSAGE(info.has_value(), "every later binary message must be moof + mdat");
      if (out.fragments.empty() || out.first_keyframe_after_s < 0) {
        auto& track = out.init->tracks.at(info->track_id);
        if (track.video && info->starts_with_sync && out.first_keyframe_after_s < 0)
          out.first_keyframe_after_s = std::chrono::duration<double>(steady::now() - start).count();
      }
      out.fragments.push_back(*info);
    }
    out.file.insert(out.file.end(), bytes.begin(), bytes.end());
  }
  beast::error_code ec;
  ws.close(websocket::close_code::normal, ec);
  return out;
}

std::set<std::string> probe_codecs(const std::filesystem::path& file) {
  auto probe = run({"ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "json",
                    file.string()},
                   15s);
  std::set<std::string> codecs;
  if (probe.status != 0) {
    MESSAGE("ffprobe " << file << " failed (" << probe.status << "): " << probe.output);
    return codecs;
  }
  auto streams = json::parse(probe.output)["streams"];  // a copy: the parsed temporary dies here
  for (auto& s : streams)
    codecs.insert(s.value("codec_name", ""));
  return codecs;
}

}  // namespace

TEST_CASE("WebSocket fMP4, LL-HLS, thumbnails and stream health of a live RTMP publish") {
  REQUIRE_MESSAGE((on_path("ffmpeg") && on_path("ffprobe")), "ffmpeg and ffprobe are required");
  test_node node{"live_media"};
  auto key = node.create_channel("erin");
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 30), node.out_dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return node.get("/hls/erin/ll.m3u8").status == 200; }, 15s));

  {
    // A viewer joining mid-stream starts at the cached keyframe at once.
    auto cap = capture_ws(node.http_port, "erin", 3.0);
    CHECK(cap.init_mime.find("avc1.") != std::string::npos);
    CHECK(cap.init_mime.find("mp4a.40.2") != std::string::npos);
    REQUIRE(cap.init.has_value());
    REQUIRE(cap.fragments.size() > 20);
    auto* video = cap.init->video_track();
    REQUIRE(video != nullptr);
    auto first_video = std::find_if(cap.fragments.begin(), cap.fragments.end(),
                                    [&](auto& f) { return f.track_id == video->id; });
    REQUIRE(first_video != cap.fragments.end());
    CHECK_MESSAGE(first_video->starts_with_sync, "the GOP cache must start at a keyframe");
    CHECK(cap.first_keyframe_after_s >= 0);
    CHECK(cap.first_keyframe_after_s < 1.0);
    CHECK(cap.clock_messages >= 1);
    MESSAGE("first keyframe after " << cap.first_keyframe_after_s << " s, " << cap.fragments.size()
                                    << " fragments in 3 s");
    auto file = node.out_dir / "ws_capture.mp4";
    std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(cap.file.data()),
             static_cast<std::streamsize>(cap.file.size()));
    auto codecs = probe_codecs(file);
    CHECK(codecs.count("h264") == 1);
    CHECK(codecs.count("aac") == 1);
  }

  {
    auto playlist = node.get("/hls/erin/ll.m3u8");
    REQUIRE(playlist.status == 200);
    auto parsed = aethex::media::parse_playlist(playlist.body);
    INFO(playlist.body);
    for (auto& e : parsed.errors)
      CHECK_MESSAGE(false, e);
    REQUIRE(!parsed.segments.empty());
    // Block for the part the server hints at: the request returns once it exists.
    auto hinted = aethex::media::ll_hls_stream::part_of(
      std::filesystem::path{parsed.preload_hint_uri}.filename().string());
    REQUIRE(hinted.has_value());
    auto started = steady::now();
    auto blocked = node.get("/hls/erin/ll.m3u8?_HLS_msn=" + std::to_string(hinted->first) +
                            "&_HLS_part=" + std::to_string(hinted->second));
    auto waited = std::chrono::duration<double>(steady::now() - started).count();
    REQUIRE(blocked.status == 200);
    CHECK(blocked.body.find(parsed.preload_hint_uri) != std::string::npos);
    CHECK(aethex::media::parse_playlist(blocked.body).errors.empty());
    CHECK(waited < 2.0);
    MESSAGE("blocking reload waited " << waited << " s");
    // The part itself, and the init + a whole segment, are playable media.
    auto part = node.get("/hls/erin/" + parsed.preload_hint_uri);
    CHECK(part.status == 200);
    auto map = parsed.tags["EXT-X-MAP"];  // URI="ll/<session>/init.mp4"
    REQUIRE(map.size() > 6);
    auto init = node.get("/hls/erin/" + map.substr(5, map.size() - 6));
    auto segment = node.get("/hls/erin/" + parsed.segments.back().uri);
    REQUIRE(init.status == 200);
    REQUIRE(segment.status == 200);
    auto file = node.out_dir / "ll_segment.mp4";
    std::ofstream(file, std::ios::binary) << init.body << segment.body;
    CHECK(probe_codecs(file) == std::set<std::string>{"aac", "h264"});
    // More than two segments ahead is a client error, not a hang.
    CHECK(node.get("/hls/erin/ll.m3u8?_HLS_msn=" + std::to_string(hinted->first + 10)).status ==
          400);
  }

  {
    aethex::app::http_result thumb;
    REQUIRE(eventually([&] { return (thumb = node.get("/thumb/erin.jpg")).status == 200; }, 15s));
    REQUIRE(thumb.body.size() > 500);
    CHECK(static_cast<unsigned char>(thumb.body[0]) == 0xFF);
    CHECK(static_cast<unsigned char>(thumb.body[1]) == 0xD8);
    CHECK(static_cast<unsigned char>(thumb.body[thumb.body.size() - 2]) == 0xFF);
    CHECK(static_cast<unsigned char>(thumb.body[thumb.body.size() - 1]) == 0xD9);
    CHECK(node.get("/thumb/nobody_here.jpg").status == 404);
  }

  {
    json health;
    REQUIRE(eventually(
      [&] {
        auto res = node.get("/api/v1/channels/erin/health");
        if (res.status != 200)
          return false;
        health = json::parse(res.body);
        return health.value("fps", 0.0) > 0;
      },
      10s));
    INFO(health.dump());
    CHECK(health.value("fps", 0.0) > 25.0);
    CHECK(health.value("fps", 0.0) < 35.0);
    CHECK(health.value("bitrate_kbps", 0) > 50);
    CHECK(health.value("keyframe_interval_ms", 0) >= 900);
    CHECK(health.value("keyframe_interval_ms", 0) <= 1100);
    CHECK(health.value("video_codec", "").find("h264") == 0);
    CHECK(health.value("audio_codec", "").find("aac") == 0);
    CHECK(health.value("width", 0) == 640);
  }

  ffmpeg.signal(SIGINT);
  ffmpeg.wait(20s);
  CHECK(eventually([&] { return node.get("/api/v1/channels/erin/health").status == 404; }, 10s));
  CHECK(node.get("/hls/erin/ll.m3u8").status == 404);
}

}  // namespace live_media_suite
