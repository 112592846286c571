// The real HTTP server's resource limits over loopback TCP: the request-head deadline
// (slowloris), connection caps per address and in total (WebSocket upgrades included), and the
// accept loop's pause when the process runs out of descriptors.
#include "net/http/server.hpp"
#include "tests/net/http/loopback_server.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace aethex::net;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

using namespace aethex::test;

bool is_503(const std::string& reply) {
  return reply.rfind("HTTP/1.1 503", 0) == 0 && reply.find("\"unavailable\"") != std::string::npos;
}

}  // namespace

TEST_CASE("http server: a request head trickling in is cut off at the head deadline") {
  http::server_options opt;
  opt.header_timeout_s = 1;
  running_server rs{opt};
  client slow{rs.port()};
  REQUIRE(slow.send("GET / HTTP/1.1\r\n"));
  const auto start = steady::now();
  bool closed = false;
  // One header byte every 100 ms: the connection is never idle, yet its head never completes.
  while (!closed && steady::now() - start < 5s) {
    slow.send("X");
    closed = slow.closed_within(100ms);
  }
  const auto lasted = steady::now() - start;
  CHECK(closed);
  CHECK(lasted >= 900ms);
  CHECK(lasted < 2500ms);
  client normal{rs.port()};
  CHECK(normal.get().find("ok") != std::string::npos);
}

TEST_CASE("http server: keep-alive connections may idle longer than the head deadline") {
  http::server_options opt;
  opt.header_timeout_s = 1;
  opt.idle_timeout_s = 5;
  running_server rs{opt};
  client c{rs.port()};
  CHECK(c.get().find("ok") != std::string::npos);
  std::this_thread::sleep_for(1300ms);  // idle between requests: the head deadline starts later
  CHECK(c.get().find("ok") != std::string::npos);
}

TEST_CASE("http server: the connection over the per-address cap gets 503 and is closed") {
  http::server_options opt;
  opt.max_connections_per_address = 2;
  running_server rs{opt};
  client a{rs.port()}, b{rs.port()};
  CHECK(a.get().find("ok") != std::string::npos);
  CHECK(b.get().find("ok") != std::string::npos);
  client extra{rs.port()};
  CHECK(is_503(extra.read(2s, "}")));
  CHECK(extra.closed_within(2s));
  client other{rs.port(), "127.0.0.2"};  // another address has its own places
  CHECK(other.get().find("ok") != std::string::npos);
  a.close();  // a place comes back once the server sees the close
  CHECK(eventually([&] { return client{rs.port()}.get(1s).find("ok") != std::string::npos; }, 3s));
  rs.finish();
  CHECK(rs.log.str().find("too many connections from this address") != std::string::npos);
}

TEST_CASE("http server: the total cap counts every address; refusals are logged sparingly") {
  http::server_options opt;
  opt.max_connections = 3;
  opt.max_connections_per_address = 0;
  running_server rs{opt};
  client a{rs.port(), "127.0.0.11"}, b{rs.port(), "127.0.0.12"}, c{rs.port(), "127.0.0.13"};
  for (auto* x : {&a, &b, &c})
    CHECK(x->get().find("ok") != std::string::npos);
  for (int i = 0; i < 50; ++i) {
    client extra{rs.port(), "127.0.0.14"};
    CHECK(is_503(extra.read(2s, "}")));
  }
  rs.finish();
  auto log = rs.log.str();
  std::size_t lines = 0;
  for (auto pos = log.find("refusing"); pos != std::string::npos;
       pos = log.find("refusing", pos + 1))
    ++lines;
  CHECK(lines >= 1);
  CHECK(lines <= 3);  // one line a second, not one per refusal
}

TEST_CASE("http server: an upgraded (WebSocket) connection keeps its place until it closes") {
  http::server_options opt;
  opt.max_connections_per_address = 1;
  running_server rs{opt};
  client ws{rs.port()};
  REQUIRE(
    ws.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
  REQUIRE(eventually(
    [&] {
      std::lock_guard lock{rs.mu};
      return rs.upgraded.size() == 1;
    },
    2s));
  client second{rs.port()};
  CHECK(is_503(second.read(2s, "}")));
  asio::post(rs.io, [&] {  // the WebSocket side closes its socket
    std::lock_guard lock{rs.mu};
    rs.upgraded.clear();
  });
  CHECK(eventually([&] { return client{rs.port()}.get(1s).find("ok") != std::string::npos; }, 3s));
}

TEST_CASE("http server: out of descriptors, the accept loop pauses instead of spinning") {
  http::server_options opt;
  running_server rs{opt};
  client ok{rs.port()};
  CHECK(ok.get().find("ok") != std::string::npos);

  // Lower the descriptor limit to what is open now: the next accept fails with EMFILE.
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &old) == 0);
  std::vector<int> waiting;  // client sockets made before the limit drops
  waiting.reserve(3);
  for (int i = 0; i < 3; ++i)
    waiting.push_back(::socket(AF_INET, SOCK_STREAM, 0));
  const int lowest_free = ::dup(0);  // descriptors are handed out lowest first
  REQUIRE(lowest_free >= 0);
  ::close(lowest_free);
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(lowest_free);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(rs.port());
  ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  rusage before{};
  ::getrusage(RUSAGE_SELF, &before);
  for (int fd : waiting)
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0);
  std::this_thread::sleep_for(1s);  // the server keeps failing to accept meanwhile
  rusage after{};
  ::getrusage(RUSAGE_SELF, &after);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &old) == 0);
  auto cpu_us = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1'000'000L + r.ru_utime.tv_usec +
           r.ru_stime.tv_usec;
  };
  const auto busy_us = cpu_us(after) - cpu_us(before);
  INFO("CPU while out of descriptors: " << busy_us << " us");
  CHECK(busy_us < 300'000);  // a spinning accept loop burns the whole second

  // With descriptors back, the queued connections are served.
  for (int fd : waiting) {
    const std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size()));
    pollfd p{fd, POLLIN, 0};
    CHECK(::poll(&p, 1, 3000) == 1);
    char buf[256];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    CHECK(n > 0);
    CHECK(std::string(buf, static_cast<std::size_t>(std::max<ssize_t>(n, 0))).find("200") !=
          std::string::npos);
    ::close(fd);
  }
  rs.finish();
  CHECK(rs.log.str().find("pausing accepts") != std::string::npos);
}

TEST_CASE("io_pool: loops are handed out evenly, also to every other caller") {
  http::io_pool loops{2};
  // A client pattern that alternates two kinds of connections must not put each kind on one
  // loop (plain round-robin did: every even connection on loop 0).
  std::map<asio::io_context*, int> all, even;
  for (int i = 0; i < 2000; ++i) {
    auto* loop = &loops.next();
    ++all[loop];
    if (i % 2 == 0)
      ++even[loop];
  }
  REQUIRE(all.size() == 2);
  REQUIRE(even.size() == 2);
  for (auto& [loop, n] : all)
    CHECK(n == doctest::Approx(1000).epsilon(0.1));
  for (auto& [loop, n] : even)
    CHECK(n == doctest::Approx(500).epsilon(0.15));
}

TEST_CASE("http server on an io_pool: connections are spread over the loops, stop ends them all") {
  http::io_pool loops{2};
  std::mutex mu;
  std::set<std::thread::id> handler_threads;
  std::optional<http::server> srv;
  srv.emplace(loops, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0},
              [&](http::request&&, std::string, http::respond_fn respond) {
                {
                  std::lock_guard lock{mu};
                  handler_threads.insert(std::this_thread::get_id());
                }
                respond(http::json_response(200, "\"ok\""));
              });
  std::thread runner{[&] { loops.run(); }};
  {
    std::vector<std::unique_ptr<client>> clients;
    for (int i = 0; i < 16; ++i) {
      clients.push_back(std::make_unique<client>(srv->port()));
      CHECK(clients.back()->get().find("ok") != std::string::npos);
    }
  }
  {
    std::lock_guard lock{mu};
    CHECK(handler_threads.size() == 2);                  // one thread per loop, both in use
    CHECK(handler_threads.count(runner.get_id()) == 1);  // run() runs the main loop itself
  }
  srv->stop();
  loops.stop();
  runner.join();  // returns although the loops were kept alive without connections
  srv.reset();
}

namespace {

// A server whose PUT /big takes up to 3 MiB (default 1 MiB elsewhere), answering with the size
// of the body it received.
http::server_options large_body_options(std::size_t max_large) {
  http::server_options opt;
  opt.max_large_bodies = max_large;
  opt.body_limit_of = [](boost::beast::http::verb verb, std::string_view target) {
    return verb == boost::beast::http::verb::put && target == "/big" ? 3u << 20 : 0u;
  };
  return opt;
}

http::request_handler body_size_handler() {
  return [](http::request&& req, std::string, http::respond_fn respond) {
    respond(http::json_response(200, "{\"size\":" + std::to_string(req.body().size()) + "}"));
  };
}

std::string put_head(std::string_view path, std::size_t size, bool expect_continue = false) {
  return "PUT " + std::string{path} +
         " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) + "\r\n" +
         (expect_continue ? "Expect: 100-continue\r\n" : "") + "\r\n";
}

}  // namespace

TEST_CASE("http server: a route's own body limit; the default elsewhere; over it is 413") {
  running_server rs{large_body_options(4), body_size_handler()};
  const std::string two_mib(2u << 20, 'x');
  {
    client c{rs.port()};
    REQUIRE(c.send(put_head("/big", two_mib.size()) + two_mib));
    auto reply = c.read(5s, "}");
    INFO(reply);
    CHECK(reply.find("{\"size\":2097152}") != std::string::npos);
  }
  {
    client c{rs.port()};
    REQUIRE(c.send(put_head("/small", two_mib.size())));
    CHECK(c.read(2s, "}").rfind("HTTP/1.1 413", 0) == 0);
  }
  {
    client c{rs.port()};
    REQUIRE(c.send(put_head("/big", 4u << 20)));
    CHECK(c.read(2s, "}").rfind("HTTP/1.1 413", 0) == 0);
  }
}

TEST_CASE("http server: Expect: 100-continue gets the interim answer before the body is sent") {
  running_server rs{large_body_options(4), body_size_handler()};
  client c{rs.port()};
  REQUIRE(c.send(put_head("/big", 5, true)));
  CHECK(c.read(2s, "\r\n\r\n").rfind("HTTP/1.1 100 Continue\r\n\r\n", 0) == 0);
  REQUIRE(c.send("hello"));
  CHECK(c.read(2s, "{\"size\":5}").find("{\"size\":5}") != std::string::npos);
}

TEST_CASE("http server: large bodies are read a few at a time; one more gets 503, then a place") {
  running_server rs{large_body_options(1), body_size_handler()};
  const std::size_t size = 2u << 20;
  client first{rs.port()};
  REQUIRE(first.send(put_head("/big", size) + std::string(1000, 'x')));  // holds the one place
  REQUIRE(eventually(
    [&] {
      client second{rs.port()};
      second.send(put_head("/big", size));
      auto reply = second.read(1s, "}");
      return is_503(reply) && reply.find("Retry-After: 5") != std::string::npos;
    },
    3s));
  client small{rs.port()};  // bodies within the default limit are not counted
  REQUIRE(small.send(put_head("/small", 3) + "abc"));
  CHECK(small.read(2s, "}").find("{\"size\":3}") != std::string::npos);
  REQUIRE(first.send(std::string(size - 1000, 'x')));
  CHECK(first.read(5s, "}").find("{\"size\":2097152}") != std::string::npos);
  client third{rs.port()};  // the first body was answered: its place is free again
  REQUIRE(third.send(put_head("/big", 10) + std::string(10, 'y')));
  CHECK(third.read(2s, "}").find("{\"size\":10}") != std::string::npos);
}
