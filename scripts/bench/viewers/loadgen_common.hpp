// The viewer load generator's shared pieces: configuration, the judged window, per-thread
// statistics and the HTTP body that only counts bytes. One translation unit (loadgen.cpp).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <sys/socket.h>
#include <cerrno>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "../common/latency_histogram.hpp"
#include "../common/loadgen_runtime.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
// Each thread runs its own io_context: no strands, no polymorphic executors on the hot path.
using executor_type = asio::io_context::executor_type;
using socket_type = asio::basic_stream_socket<tcp, executor_type>;
using http_stream = beast::basic_stream<tcp, executor_type, beast::unlimited_rate_policy>;
using timer_type =
  asio::basic_waitable_timer<clock_type, asio::wait_traits<clock_type>, executor_type>;

namespace {

struct config {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string channel = "bench";
  std::string playlist;  // default /hls/<channel>/index.m3u8
  int ws = 0;
  int hls = 0;
  double seconds = 20;
  double warmup = 3;
  double drain = 2;
  int poll_ms = 1000;
  int batch = 100;
  int batch_ms = 100;
  int threads = 2;
  std::string vid_prefix = "v";
  double fetch_limit = 1.0;
  double ws_gap = 1.5;
  double min_share = 0.9;
  double request_timeout = 5;
};

const auto t_origin = clock_type::now();
double now_s() { return std::chrono::duration<double>(clock_type::now() - t_origin).count(); }

constexpr double inf = std::numeric_limits<double>::infinity();
// The judged window [a, b) in now_s() seconds, set by the main thread; `stopping` ends the run.
std::atomic<double> win_a{inf}, win_b{inf};
std::atomic<bool> stopping{false};
bool in_window(double t) {
  return t >= win_a.load(std::memory_order_relaxed) && t < win_b.load(std::memory_order_relaxed);
}

// Latency histogram: 0.1 ms buckets up to 30 s.
using histogram = bench::latency_histogram<300000, 10000>;

// One per thread; merged at the end.
struct stats {
  histogram playlist_ms, segment_ms, ready_ms;            // in-window requests; ready: see below
  std::unordered_map<std::int64_t, double> first_listed;  // msn -> first time any player saw it
  double extinf_sum = 0;
  std::uint64_t extinf_count = 0;
  std::unordered_map<std::int64_t, bool> extinf_seen;
};

// An HTTP body that only counts its bytes.
struct counting_body {
  using value_type = std::uint64_t;
  static std::uint64_t size(value_type v) { return v; }
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& v) : v_(v) {}
    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) {
      v_ = 0;
      ec = {};
    }
    template <class Buffers>
    std::size_t put(const Buffers& buffers, beast::error_code& ec) {
      auto n = asio::buffer_size(buffers);
      v_ += n;
      ec = {};
      return n;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& v_;
  };
};

struct segment_ref {
  std::int64_t msn;
  std::string uri;
};

}  // namespace
