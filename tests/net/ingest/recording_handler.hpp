// A recording ingest handler for provider tests (RTMP, SRT): accepts the key "good", rejects
// every other key, answers from its own thread as the actor-backed handler does, and keeps what
// each accepted publisher sent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "net/ingest/ingest_handler.hpp"

namespace aethex::net::test {

using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

struct recording_sink : ingest::ingest_sink {
  std::mutex mu;
  std::condition_variable cv;
  bytes data;
  int closes = 0;
  std::string reason;

  void write(std::span<const std::byte> b) override {
    std::lock_guard lock{mu};
    const auto* p = reinterpret_cast<const std::uint8_t*>(b.data());
    data.insert(data.end(), p, p + b.size());
    cv.notify_all();
  }
  void close(std::string r) override {
    std::lock_guard lock{mu};
    ++closes;
    reason = std::move(r);
    cv.notify_all();
  }
  bool wait_closed(std::chrono::milliseconds limit) {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, limit, [&] { return closes > 0; });
  }
  bool wait_bytes(std::size_t n, std::chrono::milliseconds limit) {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, limit, [&] { return data.size() >= n; });
  }
};

struct recording_handler : ingest::ingest_handler {
  std::mutex mu;
  std::vector<ingest::publish_request> requests;
  std::vector<std::shared_ptr<recording_sink>> sinks;
  std::vector<std::thread> answerers;

  void open(ingest::publish_request req, std::function<void(ingest::open_result)> done) override {
    std::lock_guard lock{mu};
    ingest::open_result r;
    if (req.stream_key == "good") {
      sinks.push_back(std::make_shared<recording_sink>());
      r.sink = sinks.back();
    } else {
      r.reject_reason = "unknown stream key";
    }
    requests.push_back(std::move(req));
    answerers.emplace_back([done = std::move(done), r = std::move(r)] {
      std::this_thread::sleep_for(5ms);
      done(r);
    });
  }
  std::shared_ptr<recording_sink> wait_sink(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock{mu};
        if (!sinks.empty())
          return sinks.front();
      }
      std::this_thread::sleep_for(20ms);
    }
    return nullptr;
  }
  std::size_t request_count() {
    std::lock_guard lock{mu};
    return requests.size();
  }
  ~recording_handler() override {
    for (auto& t : answerers)
      t.join();
  }
};

}  // namespace aethex::net::test
