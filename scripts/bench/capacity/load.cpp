// The publisher capacity search's load: N RTMP copy-publishers of one FLV clip and a watcher on
// each stream's HLS playlist, in one process of a few threads instead of N ffmpeg processes and
// Python pollers (which filled this box before either server did). Driven by media_capacity.py:
//
//   capacity-load --clip F.flv --streams FILE [--poll 0.5] [--threads 2]
//
// FILE holds one "rtmp://host:port/app/name http://host:port/playlist" line per stream. Once
// every publisher streams or failed (or 30 s passed) it prints "settled <streaming> <failed>";
// then it reads a deadline (wall seconds since the epoch) from stdin, keeps publishing and
// watching until then, and prints one JSON array: per stream {"t0", "alive", "error",
// "result"} with "result" shaped like SegmentWatcher.result().
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "../common/loadgen_runtime.hpp"
#include "publisher.hpp"
#include "watcher.hpp"

namespace {

using namespace capacity;

struct stream_load {
  std::string rtmp_url, playlist_url;
  std::shared_ptr<publisher> pub;
  std::shared_ptr<watcher> watch;
};

// Every 10 ms, queues each publisher's due tags (one tick for all of a thread's publishers).
class pacer {
 public:
  pacer(asio::io_context& io, std::vector<std::shared_ptr<publisher>> pubs)
      : timer_(io), pubs_(std::move(pubs)) {}
  void start() {
    next_ = std::chrono::steady_clock::now();
    tick();
  }

 private:
  void tick() {
    next_ += std::chrono::milliseconds(20);
    timer_.expires_at(next_);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (ec)
        return;
      auto now = std::chrono::steady_clock::now();
      for (auto& p : pubs_)
        p->pace(now);
      if (next_ < now)
        next_ = now;
      tick();
    });
  }
  asio::steady_timer timer_;
  std::vector<std::shared_ptr<publisher>> pubs_;
  std::chrono::steady_clock::time_point next_;
};

struct url_parts {
  std::string host, port, path;
  static url_parts parse(const std::string& url) {
    auto rest = url.substr(url.find("//") + 2);
    auto slash = rest.find('/');
    auto hostport = rest.substr(0, slash);
    auto colon = hostport.rfind(':');
    return {hostport.substr(0, colon),
            colon == std::string::npos ? "80" : hostport.substr(colon + 1), rest.substr(slash)};
  }
};

int run(int argc, char** argv) {
  std::string clip_path, streams_path;
  double poll = 0.5;
  std::size_t threads = 2;
  bench::read_options(argc, argv, [&](const std::string& name, const std::string& value) {
    if (name == "--clip")
      clip_path = value;
    else if (name == "--streams")
      streams_path = value;
    else if (name == "--poll")
      poll = std::stod(value);
    else if (name == "--threads")
      threads = std::stoul(value);
    else
      throw std::runtime_error("unknown option " + name);
  });
  flv_clip clip(clip_path);
  std::vector<stream_load> streams;
  std::ifstream list(streams_path);
  for (std::string rtmp, playlist; list >> rtmp >> playlist;)
    streams.push_back({rtmp, playlist, nullptr, nullptr});
  if (streams.empty())
    throw std::runtime_error("no streams in " + streams_path);

  std::atomic<double> deadline{std::numeric_limits<double>::infinity()};
  std::mutex m;
  std::condition_variable cv;
  std::size_t settled = 0;
  auto on_settled = [&] {
    std::lock_guard lock(m);
    ++settled;
    cv.notify_all();
  };

  bench::io_threads io(threads);
  std::vector<std::vector<std::shared_ptr<publisher>>> by_thread(threads);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    auto& s = streams[i];
    auto& ctx = io[i % threads];
    s.pub = std::make_shared<publisher>(ctx, clip, rtmp_target::parse(s.rtmp_url), on_settled);
    auto u = url_parts::parse(s.playlist_url);
    s.watch = std::make_shared<watcher>(ctx, u.host, u.port, u.path, poll);
    by_thread[i % threads].push_back(s.pub);
  }
  std::vector<std::unique_ptr<pacer>> pacers;
  for (std::size_t t = 0; t < threads; ++t)
    pacers.push_back(std::make_unique<pacer>(io[t], by_thread[t]));
  for (std::size_t i = 0; i < streams.size(); ++i)
    asio::post(io[i % threads], [&, i] {
      // Watchers first, phases spread over the interval, so each sees segment 0 appear.
      streams[i].watch->start(poll * static_cast<double>(i) / static_cast<double>(streams.size()),
                              deadline);
      streams[i].pub->start();
    });
  for (std::size_t t = 0; t < threads; ++t)
    asio::post(io[t], [&, t] { pacers[t]->start(); });

  {
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return settled == streams.size(); });
  }
  std::size_t streaming = 0;
  for (auto& s : streams)
    streaming += s.pub->t0 > 0 ? 1 : 0;
  std::cout << "settled " << streaming << ' ' << streams.size() - streaming << std::endl;

  std::string line;
  if (!std::getline(std::cin, line) || line.empty())
    return 1;
  deadline = std::stod(line);
  while (wall_now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::vector<bool> alive;
  for (auto& s : streams)
    alive.push_back(s.pub->streaming());  // a bool read across threads: good enough for a report
  // Let the last polls finish their segment fetches (each request times out after 5 s).
  for (auto limit = wall_now() + 12; wall_now() < limit;) {
    bool all = std::all_of(streams.begin(), streams.end(),
                           [](auto& s) { return s.watch->finished.load(); });
    if (all)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  io.stop();
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < streams.size(); ++i) {
    auto& s = streams[i];
    out.push_back({{"t0", s.pub->t0 > 0 ? nlohmann::json(s.pub->t0.load()) : nlohmann::json()},
                   {"alive", static_cast<bool>(alive[i])},
                   {"error", s.pub->error},
                   {"result", s.watch->result(s.playlist_url)}});
  }
  std::cout << out.dump() << std::endl;
  // Exit without destructors: the sockets and timers would outlive their io_contexts (which the
  // stopped threads' pending handlers still reference), and nothing here needs flushing.
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "capacity-load: " << e.what() << '\n';
    return 2;
  }
}
