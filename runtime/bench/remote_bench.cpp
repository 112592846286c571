// Cross-node messaging benchmark: two processes, CAF's middleman between them (as cluster
// nodes talk), next to the same traffic over a plain loopback TCP socket in the same run.
//
//   remote_bench serve           prints "port N", serves until stdin closes
//   remote_bench run PORT        measures against a serving process, prints a table
//
// Figures: one-way messages/s (64-byte payload, sender unthrottled, done when the receiver
// counted them all), request/reply round trips/s with 64 requests in flight, and the latency of
// one request at a time (p50/p99).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "runtime/cluster_tls.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using count_atom = caf::atom_constant<caf::atom("count")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

constexpr std::size_t payload_size = 64;
constexpr int one_way_messages = 200000;
constexpr int pipelined_requests = 100000;
constexpr int window = 64;
constexpr int sequential_requests = 5000;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct figures {
  double one_way_per_s = 0;
  double pipelined_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
};

void percentiles(std::vector<double>& samples, figures& out) {
  std::sort(samples.begin(), samples.end());
  out.p50_us = samples[samples.size() / 2];
  out.p99_us = samples[samples.size() * 99 / 100];
}

caf::behavior sink(caf::stateful_actor<std::int64_t>* self) {
  return {
    [self](const std::string&) { ++self->state; },
    [self](count_atom) { return self->state; },
    [](ping_atom, const std::string& payload) { return payload; },
  };
}

// With AETHEX_BENCH_TLS_SECRET set, both processes talk as cluster nodes do: mutual TLS with
// certificates derived from that secret (runtime/cluster_tls.hpp).
const char* tls_secret() { return std::getenv("AETHEX_BENCH_TLS_SECRET"); }

void configure(caf::actor_system_config& cfg, const char* role) {
  cfg.load<caf::io::middleman>();
  cfg.set("logger.verbosity", caf::atom("quiet"));
  if (tls_secret() == nullptr)
    return;
  auto dir = std::filesystem::temp_directory_path() /
             ("aethex-remote-bench-" + std::to_string(::getpid()) + "-" + role);
  aethex::runtime::configure_cluster_tls(cfg, aethex::runtime::make_node_credentials(tls_secret(),
                                                                                     role, dir));
}

int serve() {
  caf::actor_system_config cfg;
  configure(cfg, "serve");
  caf::actor_system sys{cfg};
  auto actor = sys.spawn(sink);
  auto port = tls_secret() ? caf::openssl::publish(actor, 0, "127.0.0.1", true)
                           : sys.middleman().publish(actor, 0, "127.0.0.1", true);
  if (!port) {
    std::cerr << "cannot publish: " << sys.render(port.error()) << "\n";
    return 1;
  }
  // The plain-TCP peer: echoes every byte back on a second port.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listener, 4);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::cout << "port " << *port << " tcp " << ntohs(addr.sin_port) << std::endl;
  std::thread echo{[listener] {
    for (;;) {
      int fd = ::accept(listener, nullptr, nullptr);
      if (fd < 0)
        return;
      std::thread{[fd] {
        char buf[65536];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
          for (ssize_t off = 0; off < n;) {
            auto w = ::write(fd, buf + off, static_cast<std::size_t>(n - off));
            if (w <= 0)
              return;
            off += w;
          }
        ::close(fd);
      }}.detach();
    }
  }};
  echo.detach();
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  ::shutdown(listener, SHUT_RDWR);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  std::_Exit(0);  // CAF 0.17 can hang tearing down a middleman system
}

figures measure_caf(caf::actor_system& sys, std::uint16_t port) {
  figures out;
  auto remote = tls_secret() ? caf::openssl::remote_actor(sys, "127.0.0.1", port)
                             : sys.middleman().remote_actor("127.0.0.1", port);
  if (!remote)
    throw std::runtime_error("cannot connect: " + sys.render(remote.error()));
  caf::scoped_actor self{sys};
  const std::string payload(payload_size, 'x');
  // One-way.
  auto start = clock_type::now();
  for (int i = 0; i < one_way_messages; ++i)
    self->send(*remote, payload);
  for (std::int64_t seen = 0; seen < one_way_messages;)
    self->request(*remote, 30s, count_atom::value)
      .receive([&](std::int64_t n) { seen = n; }, [&](caf::error&) { seen = one_way_messages; });
  out.one_way_per_s = one_way_messages / seconds_since(start);
  // Pipelined request/reply, `window` in flight, from an event-based actor.
  start = clock_type::now();
  auto pipeliner = sys.spawn([&](caf::event_based_actor* ev) {
    auto sent = std::make_shared<int>(0);
    auto done = std::make_shared<int>(0);
    auto next = std::make_shared<std::function<void()>>();
    *next = [=, target = *remote] {
      if (*sent == pipelined_requests)
        return;
      ++*sent;
      ev->request(target, 30s, ping_atom::value, payload).then([=](const std::string&) {
        if (++*done == pipelined_requests)
          ev->quit();
        (*next)();
      });
    };
    for (int i = 0; i < window; ++i)
      (*next)();
  });
  self->wait_for(pipeliner);
  out.pipelined_per_s = pipelined_requests / seconds_since(start);
  // One at a time.
  std::vector<double> samples;
  for (int i = 0; i < sequential_requests; ++i) {
    auto t0 = clock_type::now();
    self->request(*remote, 5s, ping_atom::value, payload)
      .receive([](const std::string&) {}, [](caf::error&) {});
    samples.push_back(seconds_since(t0) * 1e6);
  }
  percentiles(samples, out);
  return out;
}

void write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    auto w = ::write(fd, data, n);
    if (w <= 0)
      throw std::runtime_error("tcp write failed");
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

void read_all(int fd, char* data, std::size_t n) {
  while (n > 0) {
    auto r = ::read(fd, data, n);
    if (r <= 0)
      throw std::runtime_error("tcp read failed");
    data += r;
    n -= static_cast<std::size_t>(r);
  }
}

// The same traffic as length-prefixed frames on one socket to an echo server, written in
// batches: what loopback TCP gives without any actor runtime (a reader thread drains echoes).
figures measure_tcp(std::uint16_t port) {
  figures out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot connect to the tcp peer");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::size_t frame = 4 + payload_size;
  std::string message(frame, 'x');
  auto burst = [&](int count) {
    std::thread reader{[&] {
      std::vector<char> buf(frame * 256);
      std::size_t left = frame * static_cast<std::size_t>(count);
      while (left > 0) {
        auto chunk = std::min(left, buf.size());
        read_all(fd, buf.data(), chunk);
        left -= chunk;
      }
    }};
    // Frames go out `window` at a time, as a buffered writer would send them.
    std::string batch;
    for (int i = 0; i < window; ++i)
      batch += message;
    for (int i = 0; i < count; i += window)
      write_all(fd, batch.data(), frame * static_cast<std::size_t>(std::min(window, count - i)));
    reader.join();
  };
  auto start = clock_type::now();
  burst(one_way_messages);
  out.one_way_per_s = one_way_messages / seconds_since(start);
  // Request/reply with `window` in flight: each echo read lets one more request go.
  start = clock_type::now();
  std::vector<char> echo(frame);
  int sent = 0;
  for (; sent < window; ++sent)
    write_all(fd, message.data(), frame);
  for (int done = 0; done < pipelined_requests; ++done) {
    read_all(fd, echo.data(), frame);
    if (sent < pipelined_requests) {
      write_all(fd, message.data(), frame);
      ++sent;
    }
  }
  out.pipelined_per_s = pipelined_requests / seconds_since(start);
  std::vector<double> samples;
  for (int i = 0; i < sequential_requests; ++i) {
    auto t0 = clock_type::now();
    write_all(fd, message.data(), frame);
    read_all(fd, echo.data(), frame);
    samples.push_back(seconds_since(t0) * 1e6);
  }
  percentiles(samples, out);
  ::close(fd);
  return out;
}

int run(std::uint16_t caf_port, std::uint16_t tcp_port) {
  caf::actor_system_config cfg;
  configure(cfg, "run");
  caf::actor_system sys{cfg};
  auto ours = measure_caf(sys, caf_port);
  auto peer = measure_tcp(tcp_port);
  std::printf("| between two processes | CAF middleman%s | plain TCP | ratio |\n",
              tls_secret() ? " (TLS)" : "");
  std::printf("|---|---|---|---|\n");
  std::printf("| one-way messages/s (64 B) | %.0f | %.0f | %.2f |\n", ours.one_way_per_s,
              peer.one_way_per_s, ours.one_way_per_s / peer.one_way_per_s);
  std::printf("| request/reply/s, %d in flight | %.0f | %.0f | %.2f |\n", window,
              ours.pipelined_per_s, peer.pipelined_per_s,
              ours.pipelined_per_s / peer.pipelined_per_s);
  std::printf("| one request at a time, p50 | %.0f us | %.0f us | %.2f |\n", ours.p50_us,
              peer.p50_us, ours.p50_us / peer.p50_us);
  std::printf("| one request at a time, p99 | %.0f us | %.0f us | %.2f |\n", ours.p99_us,
              peer.p99_us, ours.p99_us / peer.p99_us);
  std::fflush(stdout);
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve")
    return serve();
  if (mode == "run" && argc == 4)
    return run(static_cast<std::uint16_t>(std::stoi(argv[2])),
               static_cast<std::uint16_t>(std::stoi(argv[3])));
  std::cerr << "usage: remote_bench serve | remote_bench run CAF_PORT TCP_PORT\n";
  return 2;
}
