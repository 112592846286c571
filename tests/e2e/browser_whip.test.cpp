// Browser ingest end to end: headless Chromium publishes screen + camera + microphone from the
// "Go live from the browser" page over WHIP to a real node (webrtcbin); the channel's HLS gets
// segments with H.264 + AAC, and Stop on the page takes the channel offline. The node's CPU
// while it composites and encodes the browser's tracks is reported.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;

namespace {

// utime + stime of a process, in seconds.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i)  // state … cmajflt (fields 3..13)
    fields >> skip;
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

TEST_CASE(
  "a browser goes live over WHIP, HLS carries H.264 + AAC, Stop takes the channel offline") {
  REQUIRE_MESSAGE((on_path("ffprobe") && on_path("node")), "ffprobe and node are required");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "chromium is required");
  test_node node{"browser_whip"};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");
  auto key = node.create_channel("presenter");
  std::filesystem::remove(node.out_dir / "stop");
  child_process browser{{"node", browser_script("whip.mjs"), "--url", node.http_base(), "--channel",
                         "presenter", "--admin-token", admin_token(node.data_dir.string()), "--out",
                         node.out_dir.string(), "--timeout", "40"},
                        node.out_dir / "whip.log"};
  INFO(browser.log());
  REQUIRE(eventually([&] { return channel_live(node, "presenter"); }, 20s));

  std::vector<std::string> segments;
  REQUIRE(eventually(
    [&] {
      auto res = node.get("/hls/presenter/index.m3u8");
      segments = res.status == 200 ? hls_segments(res.body) : std::vector<std::string>{};
      return segments.size() >= 2;
    },
    20s));
  auto cpu_before = cpu_seconds(node.pid());
  auto wall_before = std::chrono::steady_clock::now();
  // The newest segment (with the playlist's init segment) until one carries the browser's
  // pictures: the node encodes black from the POST on until ICE and DTLS are through, and
  // Chromium's fake screen and camera are bright green (average luma ~70; black is 16).
  auto file = node.out_dir / "segment.mp4";
  std::set<std::string> codecs;
  double luma = 0;
  int probes = 0;
  CHECK(eventually(
    [&] {
      ++probes;
      auto listed = node.get("/hls/presenter/index.m3u8").body;
      auto listed_segments = hls_segments(listed);
      if (listed_segments.empty())
        return false;
      auto init = node.get("/hls/presenter/" + hls_map_uri(listed));
      auto segment = node.get("/hls/presenter/" + listed_segments.back());
      if (init.status != 200 || segment.status != 200 || segment.body.size() < 1000)
        return false;
      std::ofstream(file, std::ios::binary) << init.body << segment.body;
      codecs = probe_codecs(file);
      auto stats = run({"ffmpeg", "-loglevel", "error", "-i", file.string(), "-vf",
                        "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-", "-frames:v",
                        "1", "-f", "null", "-"},
                       20s);
      auto at = stats.output.find("YAVG=");
      luma = at == std::string::npos ? 0 : std::stod(stats.output.substr(at + 5));
      return codecs.count("h264") == 1 && codecs.count("aac") == 1 && luma > 30;
    },
    20s));
  CHECK(codecs.count("h264") == 1);
  CHECK(codecs.count("aac") == 1);
  MESSAGE("segments probed: " << probes << ", average luma of the last: " << luma);
  // Two more seconds of the live stream for the CPU figure.
  std::this_thread::sleep_for(2s);
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  MESSAGE("node CPU while publishing from the browser (720p30 x264 + AAC): "
          << (cpu_seconds(node.pid()) - cpu_before) / wall << " cores");

  std::ofstream(node.out_dir / "stop") << "stop\n";
  auto status = browser.wait(30s);
  REQUIRE(status.has_value());
  auto verdict = last_json_line(browser.log());
  MESSAGE("browser: " << verdict.dump());
  CHECK(*status == 0);
  CHECK(verdict.value("ok", false));
  CHECK(eventually([&] { return !channel_live(node, "presenter"); }, 10s));
  auto log = node.log();
  CHECK(log.find("whip: session ") != std::string::npos);
  CHECK(log.find("ended: the publisher ended the stream") != std::string::npos);
  CHECK(log.find(key) == std::string::npos);
}
