// Adaptive bitrate end to end: a channel's own ladder (PATCH) and the node's default ladder
// (--abr-ladder), the CPU budget refusing a ladder that does not fit, master playlists listing
// the renditions, rendition media of the right size on the source's segment timing, and the
// channel page's quality menu switching renditions on the WebSocket and HLS paths in Chromium.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

unsigned patch_channel(const test_node& node, const std::string& name, const json& body) {
  return aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), "PATCH",
                                "/api/v1/channels/" + name, body.dump(),
                                admin_token(node.data_dir.string()))
    .status;
}

std::size_t variants(const std::string& master) {
  std::size_t n = 0;
  for (std::size_t at = 0; (at = master.find("#EXT-X-STREAM-INF:", at)) != std::string::npos; ++at)
    ++n;
  return n;
}

std::vector<double> durations(const std::string& playlist) {
  std::vector<double> out;
  std::regex extinf{R"(#EXTINF:([0-9.]+),)"};
  for (std::sregex_iterator it{playlist.begin(), playlist.end(), extinf}, end; it != end; ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

// The picture height ffprobe reads from init + one segment of a rendition.
int probed_height(const test_node& node, const std::string& base, const std::string& playlist) {
  auto segments = hls_segments(playlist);
  REQUIRE(!segments.empty());
  auto init = node.get(base + hls_map_uri(playlist));
  auto media = node.get(base + segments.front());
  REQUIRE(init.status == 200);
  REQUIRE(media.status == 200);
  auto file = node.out_dir / "rendition.mp4";
  std::ofstream{file, std::ios::binary} << init.body << media.body;
  auto probe = run({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                    "stream=height", "-of", "csv=p=0", file.string()},
                   20s);
  return std::atoi(probe.output.c_str());
}

}  // namespace

TEST_CASE("ladders: per channel and node default, refused over budget, played and switched") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"), "chromium is required");
  // 640x480 with 360p + 160p costs ~0.2 cores by the default model, 720p with 480p ~0.42.
  test_node node{"abr", {"--abr-ladder", "360p,160p", "--transcode-budget-cores", "0.3"}};
  REQUIRE_MESSAGE(node.get("/").status == 200, "web UI not built: run scripts/setup");

  auto tight_key = node.create_channel("tight");
  CHECK(patch_channel(node, "tight", json{{"ladder", {"4k"}}}) == 400);
  CHECK(patch_channel(node, "tight", json{{"ladder", "480p"}}) == 400);
  CHECK(patch_channel(node, "tight", json{{"ladder", {"480p"}}}) == 200);
  CHECK(json::parse(node.get("/api/v1/channels/tight").body)["ladder"] == json{"480p"});
  {
    child_process tight{ffmpeg_publish_args(node.rtmp_url(tight_key), 20, "1280x720"),
                        node.out_dir / "tight.log"};
    CHECK(eventually(
      [&] {
        return node.log().find("tight plays its source only: the transcode budget is too small") !=
               std::string::npos;
      },
      15s));
    // The next health report (every second) carries the refusal.
    CHECK(eventually(
      [&] {
        auto health = json::parse(node.get("/api/v1/channels/tight/health").body, nullptr, false);
        return health.is_object() && health["renditions"] == json::array() &&
               health["transcode_refused"].is_string() &&
               health["transcode_refused"].get<std::string>().find("budget") != std::string::npos;
      },
      5s));
    auto master = node.get("/hls/tight/master.m3u8");
    REQUIRE(master.status == 200);
    CHECK(variants(master.body) == 1);
    CHECK(node.get("/hls/tight/r/480p/index.m3u8").status == 404);
  }

  auto key = node.create_channel("abr");
  child_process publisher{ffmpeg_publish_args(node.rtmp_url(key), 120, "640x480"),
                          node.out_dir / "abr.log"};
  std::string master;
  CHECK(eventually(
    [&] {
      auto res = node.get("/hls/abr/master.m3u8?vid=t1");
      master = res.body;
      return res.status == 200 && variants(master) == 3;
    },
    20s));
  INFO(master);
  CHECK(master.find("RESOLUTION=480x360") != std::string::npos);
  CHECK(master.find("RESOLUTION=214x160") != std::string::npos);
  CHECK(master.find("r/160p/index.m3u8?vid=t1") != std::string::npos);
  CHECK(node.get("/hls/abr/ll-master.m3u8").body.find("r/360p/ll.m3u8") != std::string::npos);
  CHECK(node.log().find("abr transcodes 360p, 160p") != std::string::npos);
  CHECK(eventually(
    [&] {
      auto health = json::parse(node.get("/api/v1/channels/abr/health").body, nullptr, false);
      return health.is_object() && health["renditions"] == json{"360p", "160p"} &&
             health["transcode_refused"].is_null();
    },
    5s));

  std::string small, source;
  CHECK(eventually(
    [&] {
      small = node.get("/hls/abr/r/160p/index.m3u8").body;
      source = node.get("/hls/abr/index.m3u8").body;
      return hls_segments(small).size() >= 3;
    },
    15s));
  CHECK(probed_height(node, "/hls/abr/r/160p/", small) == 160);
  // Rendition segments carry the source's numbers: the newest ones differ by at most the one
  // the source finished while the rendition's was still being encoded.
  auto newest = [](const std::string& playlist) {
    auto names = hls_segments(playlist);
    REQUIRE(!names.empty());
    auto name = names.back().substr(names.back().rfind('/') + 2);  // ".../s<msn>.m4s"
    return std::stol(name.substr(0, name.size() - 4));
  };
  auto rendition_msn = newest(small);
  auto source_msn = newest(source);
  CHECK(source_msn - rendition_msn >= 0);
  CHECK(source_msn - rendition_msn <= 1);
  // GOPs start where the source's do, so segments last as long as the source's (1 s GOPs).
  for (double d : durations(small))
    CHECK(d == doctest::Approx(1.0).epsilon(0.01));
  for (double d : durations(source))
    CHECK(d == doctest::Approx(1.0).epsilon(0.01));

  auto result = run({"node", browser_script("play_quality.mjs"), "--url",
                     node.http_base() + "/c/abr", "--rendition", "160p", "--height", "160", "--out",
                     node.out_dir.string(), "--timeout", "30"},
                    150s);
  INFO(result.output);
  CHECK(result.status == 0);
  MESSAGE("quality menu: " << last_json_line(result.output).dump());
}

TEST_CASE("a ladder the budget allows is refused while the machine has no idle CPU for it") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required (scripts/setup installs it)");
  test_node node{"abr_busy", {"--abr-ladder", "160p", "--transcode-budget-cores", "8"}};
  auto key = node.create_channel("busy");
  // One busy loop per core; the supervisor's next samples (every 2 s) see no idle CPU.
  std::vector<std::unique_ptr<child_process>> burners;
  for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i)
    burners.push_back(
      std::make_unique<child_process>(std::vector<std::string>{"sh", "-c", "while :; do :; done"},
                                      node.out_dir / ("burner" + std::to_string(i) + ".log")));
  std::this_thread::sleep_for(4500ms);  // two idle samples taken under the load, not an event
  child_process publisher{ffmpeg_publish_args(node.rtmp_url(key), 20, "640x480"),
                          node.out_dir / "busy.log"};
  CHECK(eventually(
    [&] {
      return node.log().find("busy plays its source only: the machine is too busy") !=
             std::string::npos;
    },
    20s));
  burners.clear();  // SIGTERM
  CHECK(node.get("/hls/busy/r/160p/index.m3u8").status == 404);
}
