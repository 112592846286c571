// The stream manager's warnings from a session's health samples: a long keyframe interval once
// per run, a bitrate that falls under half of the last minute's average, frames dropped.
#include <doctest/doctest.h>

#include <vector>

#include "actors/channel/internal.hpp"

using namespace aethex::actors;

namespace {

std::vector<health_sample> steady(std::size_t count) {
  std::vector<health_sample> samples;
  for (std::size_t i = 0; i < count; ++i)
    samples.push_back({static_cast<std::int64_t>(i) * health_sample_interval_ms, 2500, 30'000, 2000,
                       0, 0, 3});
  return samples;
}

std::vector<std::string> kinds(const nlohmann::json& warnings) {
  std::vector<std::string> out;
  for (const auto& w : warnings)
    out.push_back(w.at("kind").get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("a steady stream has no warning") { CHECK(health_warnings(steady(40)).empty()); }

TEST_CASE("a keyframe interval over 4 s warns once per run") {
  auto samples = steady(20);
  for (std::size_t i = 5; i < 10; ++i)
    samples[i].keyframe_interval_ms = 8000;
  samples[15].keyframe_interval_ms = 4001;
  auto warnings = health_warnings(samples);
  REQUIRE(kinds(warnings) == std::vector<std::string>{"keyframe_interval", "keyframe_interval"});
  CHECK(warnings[0].at("t") == samples[5].t_ms);
  CHECK(warnings[1].at("t") == samples[15].t_ms);
  CHECK(warnings[0].at("message").get<std::string>().find("8.00 s") != std::string::npos);
}

TEST_CASE("a bitrate under half of the last minute's average warns when it falls") {
  auto samples = steady(30);
  for (std::size_t i = 20; i < 25; ++i)
    samples[i].bitrate_kbps = 900;
  auto warnings = health_warnings(samples);
  REQUIRE(kinds(warnings) == std::vector<std::string>{"bitrate_drop"});
  CHECK(warnings[0].at("t") == samples[20].t_ms);
  // Too early to know an average, or an average too low to matter: no warning.
  auto early = steady(10);
  early[5].bitrate_kbps = 100;
  CHECK(health_warnings(early).empty());
  auto low = steady(30);
  for (auto& s : low)
    s.bitrate_kbps = 150;
  low[20].bitrate_kbps = 10;
  CHECK(health_warnings(low).empty());
}

TEST_CASE("frames dropped since the sample before warn with their count") {
  auto samples = steady(10);
  for (std::size_t i = 6; i < 10; ++i)
    samples[i].dropped_frames = 12;
  auto warnings = health_warnings(samples);
  REQUIRE(kinds(warnings) == std::vector<std::string>{"dropped_frames"});
  CHECK(warnings[0].at("message").get<std::string>().rfind("12 frames", 0) == 0);
}
