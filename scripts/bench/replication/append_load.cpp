// Append load for the replication benchmark: each connection is the channel owner's admin (no
// chat rate limit) in its own room, sending one chat message at a time and waiting for its
// "ok" — one event appended to the room's stream, acknowledged once it is durable (with
// --replicas 3: once a majority of the partition's replicas has it). A chat connection may send
// 20 frames/s (actors/chat/viewer_session.cpp), so each sends at most 18/s and the offered load
// is rooms x 18/s. Loopback only; bounded in time.
//
// usage: append_load --ports P1,P2,.. --tokens T1,T2,.. --rooms N --seconds S
//        append_load --probe --ports .. --tokens .. --room NAME --timeout S
// The load prints one JSON line (appends/s, latency percentiles); the probe sends until a
// message is acknowledged and prints the seconds that took (failover time after a kill).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "../common/latency_histogram.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in{text};
  for (std::string item; std::getline(in, item, ',');)
    out.push_back(item);
  return out;
}

// One admin chat connection in one room; throws when the node is gone.
class connection {
 public:
  connection(unsigned short port, const std::string& token, const std::string& room) : ws_(io_) {
    ws_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    ws_.next_layer().set_option(asio::socket_base::receive_buffer_size(1 << 16));
    ws_.read_message_max(1 << 20);
    ws_.handshake("127.0.0.1", "/ws");
    write(R"({"type":"auth","token":")" + token + R"("})");
    await(R"("type":"auth_ok")");
    write(R"({"type":"join","channel":")" + room + R"("})");
    await(R"("type":"joined")");
  }

  // Sends a message; true when it was acknowledged ("ok" with its ref).
  bool send(int ref) {
    write(R"({"type":"send","text":"m)" + std::to_string(ref) + R"(","ref":)" +
          std::to_string(ref) + "}");
    auto ref_field = "\"ref\":" + std::to_string(ref) + ",";
    for (;;) {
      auto frame = read();
      if (frame.find(ref_field) != std::string::npos)
        return frame.find(R"("type":"ok")") != std::string::npos;
      if (frame.find(R"("type":"error")") != std::string::npos)
        return false;  // refused without a ref (the frame budget): counted as an error
    }
  }

 private:
  void write(const std::string& text) { ws_.write(asio::buffer(text)); }
  // A reply that never comes (a node stalled or gone) ends this connection, not the run: the
  // read runs asynchronously for at most 10 s (SO_RCVTIMEO does not bound Asio's blocking
  // reads, which poll again after the timeout).
  std::string read() {
    beast::flat_buffer buffer;
    beast::error_code result = asio::error::timed_out;
    bool done = false;
    ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    io_.restart();
    io_.run_for(std::chrono::seconds(10));
    if (!done) {
      ws_.next_layer().cancel();
      io_.restart();
      io_.run();
    }
    if (result)
      throw beast::system_error(result);
    return beast::buffers_to_string(buffer.data());
  }
  void await(const std::string& marker) {
    for (int i = 0; i < 200; ++i) {
      auto frame = read();
      if (frame.find(marker) != std::string::npos)
        return;
      if (frame.find(R"("type":"error")") != std::string::npos)
        throw std::runtime_error(frame);  // refused (the room's partition is between leaders)
    }
    throw std::runtime_error("no " + marker);
  }

  asio::io_context io_;
  websocket::stream<tcp::socket> ws_;
};

int run_probe(const std::vector<std::string>& ports, const std::vector<std::string>& tokens,
              const std::string& room, int timeout_s) {
  auto start = clock_type::now();
  for (int ref = 0; clock_type::now() - start < std::chrono::seconds(timeout_s); ++ref) {
    auto i = static_cast<std::size_t>(ref) % ports.size();
    try {
      connection c{static_cast<unsigned short>(std::stoi(ports[i])), tokens[i], room};
      if (c.send(ref)) {
        std::printf("%.3f\n", std::chrono::duration<double>(clock_type::now() - start).count());
        return 0;
      }
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("timeout\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> ports, tokens;
  std::string room = "bench0";
  int rooms = 16, seconds = 10, timeout_s = 60;
  bool probe = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&] { return std::string{i + 1 < argc ? argv[++i] : ""}; };
    if (arg == "--ports")
      ports = split(next());
    else if (arg == "--tokens")
      tokens = split(next());
    else if (arg == "--rooms")
      rooms = std::stoi(next());
    else if (arg == "--seconds")
      seconds = std::stoi(next());
    else if (arg == "--room")
      room = next();
    else if (arg == "--timeout")
      timeout_s = std::stoi(next());
    else if (arg == "--probe")
      probe = true;
  }
  if (ports.empty() || ports.size() != tokens.size()) {
    std::fprintf(stderr, "usage: append_load --ports P,.. --tokens T,.. [--rooms N --seconds S]\n");
    return 2;
  }
  if (probe)
    return run_probe(ports, tokens, room, timeout_s);

  std::mutex mutex;
  bench::latency_histogram<20000, 10000> latencies;  // 0.1 ms buckets up to 2 s
  std::atomic<long> errors{0};
  std::vector<std::thread> threads;
  auto deadline = clock_type::now() + std::chrono::seconds(seconds);
  for (int r = 0; r < rooms; ++r)
    threads.emplace_back([&, r] {
      auto i = static_cast<std::size_t>(r) % ports.size();
      bench::latency_histogram<20000, 10000> mine;
      try {
        connection c{static_cast<unsigned short>(std::stoi(ports[i])), tokens[i],
                     "bench" + std::to_string(r)};
        constexpr auto pace = std::chrono::milliseconds(56);  // 18 messages/s at most
        for (int ref = 0; clock_type::now() < deadline; ++ref) {
          auto sent = clock_type::now();
          if (c.send(ref))
            mine.add_seconds(std::chrono::duration<double>(clock_type::now() - sent).count());
          else
            ++errors;
          std::this_thread::sleep_until(sent + pace);
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "room %d: %s\n", r, e.what());
        ++errors;
      }
      std::lock_guard lock{mutex};
      latencies.merge(mine);
    });
  for (auto& t : threads)
    t.join();
  std::printf(
    R"({"appends":%llu,"appends_per_s":%.0f,"p50_ms":%.1f,"p99_ms":%.1f,"max_ms":%.1f,"errors":%ld})"
    "\n",
    static_cast<unsigned long long>(latencies.count),
    static_cast<double>(latencies.count) / seconds, latencies.percentile_ms(0.5),
    latencies.percentile_ms(0.99), latencies.max * 1000, errors.load());
  return 0;
}
