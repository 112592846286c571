// Audio analysis end to end (docs/music.md): a real ffmpeg publishes stepped tones (2.6, 4.1, 5.6,
// 7.9 kHz, 0.5 s each, 48 kHz stereo AAC) with a title and artist over RTMP to a channel in DJ
// mode. The audio WebSocket's spectrum peaks follow the steps; its level meter agrees with sox's
// measurement of the same decoded AAC within 1 dB, its integrated loudness with ffmpeg's ebur128
// filter within 0.5 LU; the owner's summary warns about the low bitrate; the RTMP metadata is
// what GET channels/{c}/music says plays now.
#include <doctest/doctest.h>

#include <cmath>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/raw_client.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

// Own namespace: the folder's files are compiled together (docs/testing.md).
namespace audio_analysis_suite {

constexpr int step_ms = 500;
constexpr int tones_hz[] = {2625, 4125, 5625, 7875};  // band centres, under the AAC cutoff
constexpr int seconds = 14;

// One sh -c command's stdout and stderr.
std::string shell(const std::string& command) {
  auto r = run({"sh", "-c", command + " 2>&1"}, 60s);
  INFO(command << "\n" << r.output);
  REQUIRE(r.status == 0);
  return r.output;
}

double number_after(const std::string& text, const std::string& pattern) {
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(text, m, std::regex{pattern}), pattern << " in " << text);
  return std::stod(m[1].str());
}

// The server's frames on an upgraded raw socket (unmasked, at most 64 KiB): text payloads until
// a close frame, the connection's end or `idle` without a frame.
std::vector<std::string> read_ws_texts(raw_client& ws, std::chrono::milliseconds idle,
                                       std::size_t max_frames) {
  std::vector<std::string> texts;
  while (texts.size() < max_frames) {
    auto head = ws.read(2, idle);
    if (head.size() < 2)
      break;
    const int opcode = static_cast<unsigned char>(head[0]) & 0x0F;
    std::size_t length = static_cast<unsigned char>(head[1]) & 0x7F;
    if (length == 126) {
      auto ext = ws.read(2, idle);
      REQUIRE(ext.size() == 2);
      length = (std::size_t{static_cast<unsigned char>(ext[0])} << 8) |
               static_cast<unsigned char>(ext[1]);
    }
    auto payload = length ? ws.read(length, idle) : std::string{};
    REQUIRE(payload.size() == length);
    if (opcode == 8)
      break;
    if (opcode == 1)
      texts.push_back(std::move(payload));
  }
  return texts;
}

double power_mean_db(const std::vector<double>& dbs) {
  double sum = 0;
  for (double d : dbs)
    sum += std::pow(10.0, d / 10);
  return 10 * std::log10(sum / double(dbs.size()));
}

TEST_CASE("stepped tones over RTMP: spectrum, level, loudness, warnings and now playing") {
  REQUIRE_MESSAGE((on_path("ffmpeg") && on_path("sox")),
                  "ffmpeg and sox are required (scripts/setup installs them)");
  test_node node{"audio_analysis"};
  node.create_channel("dj2");  // stays offline: its socket says so
  auto admin = admin_token(node.data_dir.string());
  auto stream_key = node.create_channel("djset");

  // The source: AAC at 96 kbit/s (under 128: the summary must warn), decoded once for sox and
  // measured once by ffmpeg's ebur128 filter, the independent meters.
  auto dir = node.out_dir;
  std::string freq =
    "if(lt(mod(t,2),0.5),2625,if(lt(mod(t,2),1),4125,if(lt(mod(t,2),1.5),5625,"
    "7875)))";
  auto tone = (dir / "tone.m4a").string();
  auto decoded = (dir / "decoded.wav").string();
  shell("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i \"aevalsrc='0.4*sin(2*PI*" +
        freq + "*t)|0.4*sin(2*PI*" + freq + "*t)':s=48000:d=" + std::to_string(seconds) +
        "\" -c:a aac -b:a 96k -ac 2 -ar 48000 " + tone);
  shell("ffmpeg -nostdin -hide_banner -loglevel error -y -i " + tone + " " + decoded);
  auto r128 = shell("ffmpeg -nostdin -hide_banner -nostats -i " + tone + " -af ebur128 -f null -");
  double ffmpeg_lufs = number_after(r128, R"(Integrated loudness:\s+I:\s+(-?[0-9.]+) LUFS)");
  MESSAGE("ffmpeg integrated loudness " << ffmpeg_lufs << " LUFS");

  // DJ mode before the stream starts: the session asks at its first second.
  auto settings = api_step(node, "PUT", "channels/djset/music/settings", admin,
                           {{"dj_mode", true}});
  bool music_ready = settings.status == 200;
  if (!music_ready)
    MESSAGE("music settings answered " << settings.status << ": DJ mode not available");
  REQUIRE(music_ready);

  child_process ffmpeg{{"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-i", tone, "-c:a",
                        "copy", "-metadata", "title=Test Tone", "-metadata", "artist=Sine Wave",
                        "-metadata", "album=Steps", "-f", "flv", node.rtmp_url(stream_key)},
                       dir / "ffmpeg.log"};
  REQUIRE(eventually([&] { return channel_live(node, "djset"); }, 10s));

  // An offline channel's socket closes at once; the live one streams frames.
  {
    raw_client offline{node.http_port};
    CHECK(offline.upgrade("/api/v1/channels/dj2/audio/ws").find(" 101 ") != std::string::npos);
    CHECK(read_ws_texts(offline, 5s, 5).empty());
  }
  std::vector<json> frames;
  REQUIRE(eventually(
    [&] {
      raw_client ws{node.http_port};
      if (ws.upgrade("/api/v1/channels/djset/audio/ws").find(" 101 ") == std::string::npos)
        return false;
      for (auto& text : read_ws_texts(ws, 3s, 100'000))
        frames.push_back(json::parse(text));
      return frames.size() > 100;  // the session ended, or closed before analysing
    },
    30s));
  auto status = ffmpeg.wait(20s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);

  // Spectrum: away from the steps' edges the loudest band is the tone's (750 Hz bands at 48 kHz).
  // Frame times are stream times of the analysed (decoded) audio: the codec's delay shifts them
  // by a few tens of milliseconds, found here within ±250 ms.
  std::vector<double> rms, peaks;
  std::vector<std::pair<std::int64_t, int>> loudest_bands;  // t, band
  std::int64_t first_t = 1'000'000, last_t = 0;
  for (auto& f : frames) {
    REQUIRE(f["type"] == "audio");
    REQUIRE(f["bands_db"].size() == 32);
    auto t = f["t"].get<std::int64_t>();
    if (t < 500 || t > (seconds - 1) * 1000)
      continue;
    first_t = std::min(first_t, t);
    last_t = std::max(last_t, t);
    for (int c = 0; c < 2; ++c) {
      rms.push_back(f["rms_db"][c].get<double>());
      peaks.push_back(f["peak_db"][c].get<double>());
    }
    auto& bands = f["bands_db"];
    int loudest = 0;
    for (int i = 1; i < 32; ++i)
      if (bands[i].get<double>() > bands[loudest].get<double>())
        loudest = i;
    loudest_bands.emplace_back(t, loudest);
  }
  int checked = 0, followed = 0, shift = 0;
  for (int offset = -250; offset <= 250; offset += 10) {
    int n = 0, ok = 0;
    for (auto [t, band] : loudest_bands) {
      auto at = t + offset;
      if (at % step_ms < 100 || at % step_ms > step_ms - 100)
        continue;
      ++n;
      ok += band == tones_hz[(at / step_ms) % 4] / 750;
    }
    if (n > 0 && (checked == 0 || ok * checked > followed * n)) {
      checked = n;
      followed = ok;
      shift = offset;
    }
  }
  MESSAGE(frames.size() << " frames, " << followed << " of " << checked
                        << " follow the steps (frames " << shift << " ms off the source)");
  CHECK(checked >= 60);
  CHECK(followed >= checked * 95 / 100);

  // Level meter against sox over the same decoded audio: the span the frames cover.
  REQUIRE(!rms.empty());
  auto sox = shell("sox " + decoded + " -n trim " + std::to_string(first_t / 1000.0) + " =" +
                   std::to_string((last_t + 50) / 1000.0) + " stats");
  double sox_rms = number_after(sox, R"(RMS lev dB\s+(-?[0-9.]+))");
  double sox_peak = number_after(sox, R"(Pk lev dB\s+(-?[0-9.]+))");
  MESSAGE("sox over " << first_t << "-" << last_t + 50 << " ms: RMS " << sox_rms << " dB, peak "
                      << sox_peak << " dB");
  double our_rms = power_mean_db(rms);
  double our_peak = *std::max_element(peaks.begin(), peaks.end());
  MESSAGE("level meter RMS " << our_rms << " dB, peak " << our_peak << " dB");
  CHECK(std::fabs(our_rms - sox_rms) <= 1.0);
  CHECK(std::fabs(our_peak - sox_peak) <= 1.0);

  // Integrated loudness (the last frame's) against ffmpeg's ebur128 filter.
  auto last = frames.back();
  REQUIRE(last["lufs_i"].is_number());
  MESSAGE("integrated loudness " << last["lufs_i"].get<double>() << " LUFS");
  CHECK(std::fabs(last["lufs_i"].get<double>() - ffmpeg_lufs) <= 0.5);
  CHECK(last["lufs_s"].is_number());

  // The owner's summary: stereo 48 kHz AAC, 96 kbit/s warned; no one else may read it.
  // (The session ended: the entity keeps nothing, so this asks during a second stream below.)
  child_process again{{"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-i", tone, "-t", "6",
                       "-c:a", "copy", "-metadata", "title=Second Tone", "-f", "flv",
                       node.rtmp_url(stream_key)},
                      dir / "again.log"};
  json summary;
  REQUIRE(eventually(
    [&] {
      summary = api_step(node, "GET", "channels/djset/audio", admin).body;
      return summary.value("live", false) && summary["lufs_i"].is_number() &&
             summary["warnings"].size() > 0;
    },
    15s));
  MESSAGE("summary " << summary.dump());
  CHECK(summary["codec"] == "aac");
  CHECK(summary["channels"] == 2);
  CHECK(summary["sample_rate"] == 48000);
  CHECK(summary["bitrate_kbps"].get<int>() > 0);
  CHECK(summary["bitrate_kbps"].get<int>() < 128);
  CHECK(summary["warnings"][0]["code"] == "low_bitrate");
  CHECK(api_step(node, "GET", "channels/djset/audio", "").status == 401);

  // Now playing from the second stream's onMetaData.
  json music;
  CHECK(eventually(
    [&] {
      music = api_step(node, "GET", "channels/djset/music", "").body;
      return music["now_playing"].is_object() &&
             music["now_playing"]["track"].value("title", "") == "Second Tone";
    },
    10s));
  CHECK(music["now_playing"]["source"] == "metadata");
  CHECK(music["history"].size() >= 2);  // the first stream's "Test Tone" by "Sine Wave" too
  bool first_seen = false;
  for (auto& play : music["history"])
    first_seen |= play["track"].value("title", "") == "Test Tone" &&
                  play["track"].value("artist", "") == "Sine Wave";
  CHECK(first_seen);
  again.wait(15s);
}

}  // namespace audio_analysis_suite
