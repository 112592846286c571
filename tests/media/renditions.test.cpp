#include "media/renditions.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "media/flv_demux.hpp"
#include "media/fmp4_hub.hpp"
#include "media/live_outputs.hpp"
#include "media/ll_hls.hpp"

using namespace aethex::media;
namespace fs = std::filesystem;

namespace {

struct media_outputs_for_test {
  std::shared_ptr<fmp4_hub> hub;
  std::shared_ptr<ll_hls_stream> ll;
};

}  // namespace

TEST_CASE("a ladder keeps the renditions smaller than the source, with its aspect ratio") {
  std::vector<std::string> names = {"1080p", "720p", "480p", "160p", "999p"};
  auto plans = plan_ladder(names, 1280, 720);
  REQUIRE(plans.size() == 2);  // 1080p and 720p would not be smaller; 999p is no rendition
  CHECK(plans[0].name == "480p");
  CHECK(plans[0].width == 854);
  CHECK(plans[0].height == 480);
  CHECK(plans[1].name == "160p");
  CHECK(plans[1].width == 284);
  CHECK(plans[1].width % 2 == 0);
  // A portrait source (phones) keeps its shape.
  auto portrait = plan_ladder(names, 720, 1280);
  REQUIRE(!portrait.empty());
  CHECK(portrait.front().name == "1080p");
  CHECK(portrait.front().width == 608);
  CHECK(plan_ladder(names, 0, 0).empty());
}

TEST_CASE("the cost model grows with pixels and frame rate, and nothing costs nothing") {
  auto ladder = plan_ladder(std::vector<std::string>{"480p", "360p"}, 1280, 720);
  transcode_costs costs{0.01, 0.003, 0.02};
  double at30 = ladder_cost(1280, 720, 30, ladder, costs);
  CHECK(at30 == doctest::Approx((0.01 + 2 * 0.003) * 1280 * 720 * 30 / 1e6 +
                                0.02 * (854 * 480 + 640 * 360) * 30 / 1e6));
  CHECK(ladder_cost(1280, 720, 60, ladder, costs) == doctest::Approx(2 * at30));
  CHECK(ladder_cost(1280, 720, 30, {}, costs) == 0);
}

TEST_CASE("a 60 fps source keeps 60 from 720p up and is stepped down to 30 below") {
  std::vector<std::string> names = {"720p", "480p", "160p"};
  auto at60 = plan_ladder(names, 1920, 1080, 60);
  REQUIRE(at60.size() == 3);
  CHECK(at60[0].fps == 0);  // 720p60: the source's rate
  CHECK(at60[1].fps == 30);
  CHECK(at60[2].fps == 30);
  CHECK(plan_ladder(names, 1920, 1080, 59.94)[1].fps == 30);
  for (auto& plan : plan_ladder(names, 1920, 1080, 30))
    CHECK(plan.fps == 0);                             // nothing to step down
  CHECK(plan_ladder(names, 1920, 1080)[1].fps == 0);  // rate unknown: keep it
  // The stepped-down renditions cost what they would at 30 fps; only the decode doubles.
  transcode_costs costs{0.01, 0.003, 0.02};
  auto small = plan_ladder(std::vector<std::string>{"480p"}, 1280, 720, 60);
  auto same_at30 = plan_ladder(std::vector<std::string>{"480p"}, 1280, 720, 30);
  CHECK(ladder_cost(1280, 720, 60, small, costs) ==
        doctest::Approx(ladder_cost(1280, 720, 30, same_at30, costs) +
                        0.01 * 1280 * 720 * 30 / 1e6));
}

TEST_CASE("the machine's idle CPU is measured from /proc/stat and kept by the budget") {
  idle_meter meter;
  CHECK_FALSE(meter.sample().has_value());  // nothing to compare with yet
  // Burn a little CPU so that time passes on every counter.
  volatile double sink = 0;
  for (int i = 0; i < 20'000'000; ++i)
    sink = sink + i * 0.5;
  auto idle = meter.sample();
  REQUIRE(idle.has_value());
  CHECK(*idle >= 0.0);
  CHECK(*idle <= std::thread::hardware_concurrency() + 0.01);
  auto budget = std::make_shared<transcode_budget>(1.0);
  CHECK_FALSE(budget->idle().has_value());
  budget->observe_idle(0.25);
  CHECK(*budget->idle() == doctest::Approx(0.25));
}

TEST_CASE("the budget refuses a ladder that does not fit and gets a lease back when it ends") {
  auto budget = std::make_shared<transcode_budget>(1.0);
  auto first = budget->reserve(0.6);
  REQUIRE(first);
  CHECK(budget->reserved() == doctest::Approx(0.6));
  CHECK_FALSE(budget->reserve(0.5));  // 0.4 left
  {
    auto second = budget->reserve(0.4);
    REQUIRE(second);
    CHECK_FALSE(budget->reserve(0.01));
  }
  CHECK(budget->reserved() == doctest::Approx(0.6));
  first.reset();
  CHECK(budget->reserved() == doctest::Approx(0));
  CHECK_FALSE(budget->reserve(1.5));
  CHECK_FALSE(budget->reserve(0));
  auto none = std::make_shared<transcode_budget>(0);
  CHECK_FALSE(none->reserve(0.01));
}

namespace {

// The LL-HLS stream (and hub) of 2 s of real `width`x`height` H.264 + AAC from ffmpeg, through
// the copy path's demuxer and remuxer.
media_outputs_for_test stream_of(int width, int height) {
  fs::path dir = AETHEX_MEDIA_TEST_DIR;
  fs::create_directories(dir);
  auto flv = dir / ("clip" + std::to_string(height) + ".flv");
  auto command = "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=" +
                 std::to_string(width) + "x" + std::to_string(height) +
                 ":rate=30 -f lavfi -i sine -t 2 -c:v libx264 -preset ultrafast -g 15 "
                 "-pix_fmt yuv420p -c:a aac -f flv '" +
                 flv.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in{flv, std::ios::binary};
  std::vector<char> chars{std::istreambuf_iterator<char>{in}, {}};
  flv_demuxer demuxer;
  live_remuxer remuxer;
  media_outputs_for_test out{std::make_shared<fmp4_hub>(), std::make_shared<ll_hls_stream>()};
  std::vector<remux_unit> units;
  for (auto& event : demuxer.feed(std::as_bytes(std::span{chars})))
    remuxer.push(std::move(event), units);
  remuxer.flush(units);
  media_clock clock;
  publish_units(*out.hub, *out.ll, units, false, clock);
  return out;
}

}  // namespace

TEST_CASE("the master playlist lists the source, then each rendition once it has a segment") {
  auto source = stream_of(640, 360);
  auto small = stream_of(284, 160);
  rendition_set set;
  set.set_source(640, 360, 2'000'000);
  CHECK(*master_playlist(*source.ll, set, false) ==
        "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=2160000,RESOLUTION=640x360,CODECS=\"avc1.42c01e,mp4a.40.2\","
        "NAME=\"source\"\nindex.m3u8\n");
  set.add({"160p", 284, 160, 410'000, small.hub, std::make_shared<ll_hls_stream>()});
  CHECK(master_playlist(*source.ll, set, false)->find("r/160p") == std::string::npos);
  set.clear();
  set.add({"160p", 284, 160, 410'000, small.hub, small.ll});
  auto ll = *master_playlist(*source.ll, set, true, "vid=tab1");
  CHECK(ll.find("ll.m3u8?vid=tab1\n") != std::string::npos);
  CHECK(ll.find("#EXT-X-STREAM-INF:BANDWIDTH=410000,RESOLUTION=284x160,CODECS=\"avc1.") !=
        std::string::npos);
  CHECK(ll.find("NAME=\"160p\"\nr/160p/ll.m3u8?vid=tab1\n") != std::string::npos);
  // Never more than the source's own figure: players rank variants by it.
  set.set_source(640, 360, 100'000);
  CHECK(master_playlist(*source.ll, set, false)->find("BANDWIDTH=260000,RESOLUTION=284x160") !=
        std::string::npos);
  CHECK(set.find("160p"));
  CHECK_FALSE(set.find("480p"));
  // Nothing to list before the source has media.
  CHECK_FALSE(master_playlist(ll_hls_stream{}, set, false));
}

TEST_CASE("a rendition's segments start where the source's do and carry their numbers") {
  auto clip = stream_of(320, 240);
  auto init = clip.ll->init();
  auto info = clip.ll->init_info();
  REQUIRE(init);
  REQUIRE(info);
  auto source = std::make_shared<ll_hls_stream>();
  auto rendition = std::make_shared<ll_hls_stream>();
  source->set_init(init, *info);
  rendition->set_init(init, *info);
  rendition->follow(source);
  auto data = std::make_shared<const fmp4::bytes>(fmp4::bytes(16));
  // 30 fps, a keyframe every second; the rendition's keyframes carry presentation times, two
  // frames after the source's decode times, and it starts 2.5 s late.
  for (std::uint64_t frame = 0; frame < 150; ++frame) {
    bool key = frame % 30 == 0;
    source->add_fragment(data, {1, frame * 3000, 3000, 1, key}, 0);
    if (frame >= 75)
      rendition->add_fragment(data, {1, frame * 3000 + 6000, 3000, 1, key}, 0);
  }
  auto leader = parse_playlist(*source->playlist(true));
  auto follower = parse_playlist(*rendition->playlist(true));
  REQUIRE(leader.segments.size() == 4);
  REQUIRE(follower.segments.size() == 1);  // from 3 s on (2.5 s had no keyframe), the 4 s one open
  CHECK(follower.tags["EXT-X-MEDIA-SEQUENCE"] == "3");
  CHECK(follower.segments[0].msn == leader.segments[3].msn);
  CHECK(follower.segments[0].duration == doctest::Approx(leader.segments[3].duration));
  // A keyframe where the source has no boundary does not cut the rendition.
  source->add_fragment(data, {1, 150 * 3000, 3000, 1, false}, 0);
  rendition->add_fragment(data, {1, 150 * 3000 + 6000, 3000, 1, true}, 0);
  CHECK(parse_playlist(*rendition->playlist(true)).segments.size() == 1);
}

TEST_CASE("a refusal is kept for the API until the ladder runs") {
  rendition_set set;
  CHECK(set.refusal().empty());
  set.refuse("the transcode budget is too small");
  CHECK(set.refusal() == "the transcode budget is too small");
  set.refuse({});
  CHECK(set.refusal().empty());
}
