// Helper for crash.test.cpp: appends to a few channel streams from several threads until it is
// killed, reporting every acknowledged append as "<stream> <version>\n" on the file descriptor
// given as argv[2]. A projection runner works in the background so kills also land in the middle
// of SQLite transactions.
//
// usage: storage_crash_writer <data-dir> <ack-fd>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/channel/channel_directory.hpp"
#include "storage/event_store.hpp"
#include "test_projections.hpp"

using namespace aethex::storage;
using aethex::actors::channel_directory;

namespace {

constexpr int writer_threads = 4;
constexpr auto max_lifetime = std::chrono::seconds(60);  // in case the parent vanished

std::mutex ack_mutex;

void acknowledge(int fd, const std::string& stream, std::uint64_t version) {
  const std::string line = stream + " " + std::to_string(version) + "\n";
  std::lock_guard lock(ack_mutex);
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    std::_Exit(3);
}

void write_loop(event_store& store, projection_runner& runner, int ack_fd, int index) {
  const std::string stream = "channel/w" + std::to_string(index);
  std::mt19937 rng(static_cast<unsigned>(::getpid() * 31 + index));
  std::uint64_t version = store.version(stream);
  bool live = false;
  if (auto events = store.read_stream(stream, version, 1); !events.empty())
    live = events.back().data.type == "channel.went_live";
  const auto started = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - started < max_lifetime) {
    std::vector<event> batch;
    const int count = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < count; ++i) {
      const std::uint64_t seq = version + batch.size() + 1;
      const std::string payload = R"({"seq":)" + std::to_string(seq) + "}";
      if (seq == 1) {
        batch.push_back({"channel.created", 1, 0,
                         R"({"name":"w)" + std::to_string(index) + R"(","seq":1})"});
      } else {
        live = !live;
        batch.push_back({live ? "channel.went_live" : "channel.went_offline", 1, 0, payload});
      }
    }
    auto result = store.append(stream, version, batch);
    if (!result) {
      std::fprintf(stderr, "append failed: %s\n", result.message.c_str());
      std::_Exit(4);
    }
    version = result.version;
    acknowledge(ack_fd, stream, version);
    runner.notify();
    if (version % 40 < 3)
      store.save_snapshot(stream, {version, std::to_string(version)});
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <data-dir> <ack-fd>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const int ack_fd = std::atoi(argv[2]);
  try {
    auto store = event_store::open(dir / "events");
    projection_runner::options opts;
    opts.batch_size = 16;  // small batches: more commits for the kill to interrupt
    projection_runner runner(*store, dir / "read.db", opts);
    runner.add(std::make_unique<channel_directory>());
    runner.add(std::make_unique<testing::event_counter>());
    runner.start();
    std::vector<std::jthread> writers;
    for (int i = 0; i < writer_threads; ++i)
      writers.emplace_back([&, i] { write_loop(*store, runner, ack_fd, i); });
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "crash writer: %s\n", ex.what());
    return 1;
  }
  return 0;
}
