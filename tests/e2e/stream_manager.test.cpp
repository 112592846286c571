// The stream manager against a real node and real publishers: the ingest URLs carry the node's
// ports, the health history of a stream with B-frames (x264's default, as OBS sends it) shows
// no dropped frames, the admin overview counts the stream, and "end stream" hangs up on the RTMP
// or SRT publisher at once; with a new key the old one no longer publishes.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

// ffmpeg_publish_args without -tune zerolatency: x264 then sends B-frames, whose presentation
// times jump around; health must not count those jumps as dropped frames.
std::vector<std::string> publish_with_b_frames(const std::string& url, const std::string& format) {
  auto args = ffmpeg_publish_args(url, 120);
  auto tune = std::find(args.begin(), args.end(), "-tune");
  REQUIRE(tune != args.end());
  args.erase(tune, tune + 2);
  args.insert(args.end() - 3, {"-bf", "3"});
  *(args.end() - 2) = format;  // "-f flv URL" last
  return args;
}

}  // namespace

TEST_CASE("the stream manager: ingest URLs, health over time, and ending the stream") {
  REQUIRE_MESSAGE(on_path("ffmpeg"), "ffmpeg is required");
  test_node node{"stream_manager"};
  auto admin = admin_token(node.data_dir.string());
  auto key = node.create_channel("mona");

  auto ingest = api_ok(node, "GET", "channels/mona/ingest", admin);
  CHECK(ingest["rtmp_url"] == "rtmp://127.0.0.1:" + std::to_string(node.rtmp_port) + "/live");
  CHECK(ingest["srt_url"] == "srt://127.0.0.1:" + std::to_string(node.srt_port) + "?streamid=");
  CHECK(api_step(node, "GET", "channels/mona/ingest", "").status == 401);
  CHECK(api_step(node, "POST", "channels/mona/stream/end", admin, json{{"rotate", true}}).status ==
        400);

  child_process rtmp{publish_with_b_frames(node.rtmp_url(key), "flv"), node.out_dir / "rtmp.log"};
  REQUIRE(eventually([&] { return channel_live(node, "mona"); }, 15s));
  json history;
  REQUIRE(eventually(
    [&] {
      history = api_ok(node, "GET", "channels/mona/health/history", admin);
      return history["samples"].size() >= 3;
    },
    30s));
  for (const auto& sample : history["samples"]) {
    CHECK(sample["dropped_frames"] == 0);
    CHECK(sample["t"].get<std::int64_t>() > 0);
  }
  const auto& last = history["samples"].back();
  CHECK(last["fps"].get<double>() == doctest::Approx(30).epsilon(0.2));
  CHECK(last["bitrate_kbps"].get<std::uint64_t>() > 0);
  CHECK(last["keyframe_interval_ms"].get<std::int64_t>() == doctest::Approx(1000).epsilon(0.1));
  CHECK(history["warnings"].empty());

  // The admin's overview: this member ingests one live channel.
  auto overview = api_ok(node, "GET", "admin/overview", admin);
  REQUIRE(overview["members"].size() == (test_node::in_cluster() ? 3u : 1u));
  CHECK(overview["totals"]["live_channels"] == 1);
  CHECK(overview["totals"]["ingest_kbps"].get<std::uint64_t>() > 0);
  CHECK(overview["totals"]["chat_messages_per_s"].is_number());
  CHECK(api_step(node, "GET", "admin/overview", "").status == 401);

  auto ended = api_ok(node, "POST", "channels/mona/stream/end", admin, json{{"rotate_key", true}});
  CHECK(ended["ended"] == true);
  auto new_key = ended.value("stream_key", "");
  CHECK(!new_key.empty());
  CHECK(new_key != key);
  CHECK(rtmp.wait(10s).has_value());  // hung up on: ffmpeg gives up
  CHECK_FALSE(channel_live(node, "mona"));
  CHECK(api_ok(node, "POST", "channels/mona/stream/end", admin)["ended"] == false);
  CHECK(api_ok(node, "GET", "channels/mona/health/history", admin)["samples"].empty());

  // The old key is refused; the new one publishes, over SRT this time, and is ended too.
  child_process stale{publish_with_b_frames(node.rtmp_url(key), "flv"), node.out_dir / "old.log"};
  CHECK(stale.wait(15s).value_or(0) != 0);
  child_process srt{publish_with_b_frames(node.srt_url(new_key), "mpegts"),
                    node.out_dir / "srt.log"};
  REQUIRE(eventually([&] { return channel_live(node, "mona"); }, 15s));
  CHECK(api_ok(node, "POST", "channels/mona/stream/end", admin)["ended"] == true);
  CHECK(srt.wait(15s).has_value());
  CHECK_FALSE(channel_live(node, "mona"));
  CHECK(node.log().find(key) == std::string::npos);  // keys are never logged
  CHECK(node.log().find(new_key) == std::string::npos);
}
