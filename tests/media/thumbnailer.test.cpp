#include "media/thumbnailer.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <stdexcept>
#include <sstream>
#include <string>
#include <thread>

using namespace aethex::media;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path test_dir{AETHEX_MEDIA_TEST_DIR};

struct h264_clip {
  std::shared_ptr<const byte_vector> avcc;
  std::shared_ptr<const byte_vector> keyframe;
};

byte_vector read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::vector<char> chars{std::istreambuf_iterator<char>{in}, {}};
  byte_vector bytes(chars.size());
  std::ranges::transform(chars, bytes.begin(), [](char c) { return static_cast<std::byte>(c); });
  return bytes;
}

std::size_t be(std::span<const std::byte> bytes, std::size_t at, std::size_t n) {
  if (at + n > bytes.size())
    throw std::out_of_range("read past the end");
  std::size_t value = 0;
  for (std::size_t i = 0; i < n; ++i)
    value = value << 8 | std::to_integer<std::size_t>(bytes[at + i]);
  return value;
}

// The first AVC sequence header and the first keyframe of an FLV file (tags after the 9-byte
// header and its 4-byte back pointer: type, size(3), timestamp(3+1), stream id(3), data,
// previous tag size(4); video data: frametype<<4 | codec, AVCPacketType, cts(3), payload).
h264_clip parse_flv(std::span<const std::byte> flv) {
  h264_clip clip;
  for (std::size_t at = 13; at + 11 <= flv.size() && !(clip.avcc && clip.keyframe);) {
    auto type = be(flv, at, 1);
    auto size = be(flv, at + 1, 3);
    if (at + 11 + size > flv.size())
      break;
    auto data = flv.subspan(at + 11, size);
    at += 11 + size + 4;
    if (type != 9 || size < 5 || (be(data, 0, 1) & 0x0f) != 7)
      continue;
    auto payload = data.subspan(5);
    auto shared = std::make_shared<const byte_vector>(payload.begin(), payload.end());
    if (be(data, 1, 1) == 0 && !clip.avcc)
      clip.avcc = shared;
    else if (be(data, 1, 1) == 1 && be(data, 0, 1) >> 4 == 1 && !clip.keyframe)
      clip.keyframe = shared;
  }
  return clip;
}

// A real x264 stream with B-frames (reorder delay), as ffmpeg and OBS publish it.
const h264_clip& clip() {
  static const h264_clip clip = [] {
    fs::create_directories(test_dir);
    auto flv = test_dir / "testsrc.flv";
    auto command =
      "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=640x360:rate=30"
      " -t 1 -pix_fmt yuv420p -c:v libx264 -bf 2 -g 30 -f flv '" +
      flv.string() + "'";
    if (std::system(command.c_str()) != 0)
      return h264_clip{};
    return parse_flv(read_file(flv));
  }();
  REQUIRE(clip.avcc);
  REQUIRE(clip.keyframe);
  return clip;
}

// A fresh, empty directory per test case.
fs::path case_dir(const std::string& name) {
  auto dir = test_dir / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

thumbnail_job good_job(const fs::path& path) { return {path, clip().avcc, clip().keyframe}; }

template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Width and height from the JPEG's start-of-frame segment (SOF0..SOF2).
std::optional<std::pair<std::size_t, std::size_t>> jpeg_size(std::span<const std::byte> jpeg) {
  for (std::size_t at = 2; at + 9 <= jpeg.size();) {
    if (be(jpeg, at, 1) != 0xff)
      return std::nullopt;
    auto marker = be(jpeg, at + 1, 1);
    if (marker >= 0xc0 && marker <= 0xc2)
      return std::pair{be(jpeg, at + 7, 2), be(jpeg, at + 5, 2)};
    at += 2 + be(jpeg, at + 2, 2);
  }
  return std::nullopt;
}

std::size_t files_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator{dir}, {}));
}

// Field 19 of a /proc stat file: the thread's nice value.
int nice_in(const fs::path& stat_path) {
  std::ifstream in{stat_path};
  std::string stat{std::istreambuf_iterator<char>{in}, {}};
  // Fields after the parenthesised name (which may hold spaces): state is field 3.
  std::istringstream fields{stat.substr(stat.rfind(')') + 2)};
  std::string field;
  for (int i = 3; i <= 19; ++i)
    fields >> field;
  return std::stoi(field);
}

// The nice value of this process's thread called `name`, if there is one.
std::optional<int> thread_nice(const std::string& name) {
  for (const auto& task : fs::directory_iterator{"/proc/self/task"}) {
    std::ifstream comm{task.path() / "comm"};
    std::string line;
    std::getline(comm, line);
    if (line == name)
      return nice_in(task.path() / "stat");
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("a keyframe becomes a 320x180 JPEG, written atomically") {
  auto dir = case_dir("one");
  auto path = dir / "alice.jpg";
  thumbnailer worker;
  auto start = std::chrono::steady_clock::now();
  REQUIRE(worker.submit(good_job(path)));
  REQUIRE(wait_until([&] { return worker.written() + worker.failed() == 1; }));
  auto took = std::chrono::steady_clock::now() - start;
  MESSAGE("first thumbnail (GStreamer plugins loading included): ",
          std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");
  CHECK(worker.written() == 1);
  CHECK(worker.failed() == 0);
  REQUIRE(fs::exists(path));
  CHECK_FALSE(fs::exists(dir / "alice.jpg.tmp"));
  CHECK(files_in(dir) == 1);

  auto jpeg = read_file(path);
  REQUIRE(jpeg.size() > 4);
  CHECK(be(jpeg, 0, 2) == 0xffd8);
  CHECK(be(jpeg, jpeg.size() - 2, 2) == 0xffd9);
  auto size = jpeg_size(jpeg);
  REQUIRE(size);
  CHECK(size->first == 320);
  CHECK(size->second == 180);
  // An independent decoder reads it without complaint.
  auto check = "ffmpeg -hide_banner -v error -xerror -i '" + path.string() + "' -f null - 2>&1";
  CHECK(std::system(check.c_str()) == 0);

  // Steady-state cost of one thumbnail (a fresh pipeline per job).
  constexpr int runs = 10;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i) {
    REQUIRE(worker.submit(good_job(path)));
    REQUIRE(wait_until([&] { return worker.written() == 2u + i; }));
  }
  took = std::chrono::steady_clock::now() - start;
  MESSAGE("per thumbnail: ", std::chrono::duration<double, std::milli>(took).count() / runs, " ms");
  CHECK(worker.failed() == 0);
  CHECK(files_in(dir) == 1);
}

TEST_CASE("the worker thread runs at a lowered priority, the rest of the process does not") {
  int before = nice_in("/proc/thread-self/stat");
  thumbnailer worker;
  std::optional<int> nice;
  CHECK(wait_until([&] { return (nice = thread_nice("aethex-thumbs")).has_value(); }));
  REQUIRE(nice);
  CHECK(*nice == std::max(before, 10));
  CHECK(nice_in("/proc/thread-self/stat") == before);
}

TEST_CASE("a job that cannot be decoded fails without a file, and the worker goes on") {
  auto dir = case_dir("corrupt");
  thumbnailer worker;

  SUBCASE("junk instead of an access unit") {
    auto junk = std::make_shared<const byte_vector>(4000, std::byte{0xa5});
    REQUIRE(worker.submit({dir / "junk.jpg", clip().avcc, junk}));
  }
  SUBCASE("an access unit the decoder cannot use (no parameter sets)") {
    // A well-formed record without SPS/PPS: the framing check passes, the decoder has nothing.
    auto empty_config = std::make_shared<const byte_vector>(byte_vector{
      std::byte{1}, std::byte{0x64}, std::byte{0}, std::byte{0x1f}, std::byte{0xff},
      std::byte{0xe0}, std::byte{0}});
    REQUIRE(worker.submit({dir / "junk.jpg", empty_config, clip().keyframe}));
  }
  SUBCASE("no data at all") { REQUIRE(worker.submit({dir / "junk.jpg", nullptr, nullptr})); }
  REQUIRE(wait_until([&] { return worker.written() + worker.failed() == 1; }));
  CHECK(worker.failed() == 1);
  CHECK(worker.written() == 0);
  CHECK(files_in(dir) == 0);

  REQUIRE(worker.submit(good_job(dir / "good.jpg")));
  REQUIRE(wait_until([&] { return worker.written() + worker.failed() == 2; }));
  CHECK(worker.written() == 1);
  CHECK(worker.failed() == 1);
  CHECK(fs::exists(dir / "good.jpg"));
  CHECK(files_in(dir) == 1);
}

TEST_CASE("a job for an unwritable path fails and leaves no temporary file") {
  auto dir = case_dir("unwritable");
  thumbnailer worker;
  REQUIRE(worker.submit(good_job(dir / "missing" / "alice.jpg")));
  REQUIRE(wait_until([&] { return worker.written() + worker.failed() == 1; }));
  CHECK(worker.failed() == 1);
  CHECK(files_in(dir) == 0);
}

// The worker takes one job at a time and each takes milliseconds, so a burst of submits from
// this thread outruns it: what the bound and the duplicate check turn away shows up as false.
TEST_CASE("a full queue and a path already waiting turn new jobs away") {
  constexpr int burst = 20;
  SUBCASE("queue of one") {
    auto dir = case_dir("full");
    thumbnailer worker{320, 1};
    int accepted = 0;
    for (int i = 0; i < burst; ++i)
      accepted += worker.submit(good_job(dir / ("c" + std::to_string(i) + ".jpg"))) ? 1 : 0;
    MESSAGE("accepted ", accepted, " of ", burst);
    CHECK(accepted >= 1);
    CHECK(accepted < burst);
    auto accepted_jobs = static_cast<std::uint64_t>(accepted);
    REQUIRE(wait_until([&] { return worker.written() + worker.failed() == accepted_jobs; }));
    std::this_thread::sleep_for(100ms);  // nothing else turns up: refused jobs were not queued
    CHECK(worker.written() == accepted_jobs);
    CHECK(files_in(dir) == static_cast<std::size_t>(accepted));
  }
  SUBCASE("the same path again") {
    auto dir = case_dir("duplicate");
    thumbnailer worker{320, 64};
    int accepted = 0;
    for (int i = 0; i < burst; ++i)
      accepted += worker.submit(good_job(dir / "alice.jpg")) ? 1 : 0;
    MESSAGE("accepted ", accepted, " of ", burst);
    CHECK(accepted >= 1);
    CHECK(accepted < burst);
    auto accepted_jobs = static_cast<std::uint64_t>(accepted);
    REQUIRE(wait_until([&] { return worker.written() + worker.failed() == accepted_jobs; }));
    std::this_thread::sleep_for(100ms);
    CHECK(worker.written() == accepted_jobs);
    // Once the waiting job has been taken, the path may be queued again.
    CHECK(worker.submit(good_job(dir / "alice.jpg")));
    REQUIRE(wait_until([&] { return worker.written() == accepted_jobs + 1; }));
  }
}

TEST_CASE("destroying the thumbnailer drops pending jobs and returns promptly") {
  auto dir = case_dir("shutdown");
  auto worker = std::make_unique<thumbnailer>(320, 16);
  int accepted = 0;
  for (int i = 0; i < 16; ++i)
    accepted += worker->submit(good_job(dir / ("c" + std::to_string(i) + ".jpg"))) ? 1 : 0;
  CHECK(accepted == 16);  // the queue holds 16 whatever the worker has taken
  auto start = std::chrono::steady_clock::now();
  worker.reset();
  auto took = std::chrono::steady_clock::now() - start;
  MESSAGE("destructor took ", std::chrono::duration_cast<std::chrono::milliseconds>(took).count(),
          " ms");
  CHECK(took < 3s);
  CHECK(files_in(dir) < 16);
  for (const auto& entry : fs::directory_iterator{dir})
    CHECK(entry.path().extension() == ".jpg");  // a decode under way finished its rename
}
