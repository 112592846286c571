// Test helpers for the real HTTP server over loopback TCP: a blocking client socket and a server
// on an ephemeral port with its io_context on a thread.
#pragma once

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "net/http/server.hpp"

namespace aethex::test {

namespace http = aethex::net::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// A blocking loopback client socket bound to a chosen source address (the whole 127/8 is local).
class client {
 public:
  client(unsigned short port, const char* source = "127.0.0.1")
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &src.sin_addr);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) == 0);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0);
  }
  ~client() { close(); }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }
  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until `until` appears, the peer closes, or `timeout` passes.
  std::string read(std::chrono::milliseconds timeout, std::string_view until = "") {
    const auto deadline = steady::now() + timeout;
    while (steady::now() < deadline) {
      if (!until.empty() && received_.find(until) != std::string::npos)
        break;
      pollfd p{fd_, POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
      if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0)
        continue;
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
  }
  // True once the server closed the connection (EOF or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    read(timeout);
    return closed_;
  }
  std::string get(std::chrono::milliseconds timeout = 2s) {
    received_.clear();
    send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    return read(timeout, "ok");
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string received_;
  bool closed_ = false;
};

// Server on an ephemeral loopback port, its io_context on a thread, std::clog captured.
struct running_server {
  std::stringstream log;
  std::streambuf* old_clog;
  asio::io_context io;
  std::optional<http::server> srv;
  std::thread thread;
  std::mutex mu;
  std::vector<boost::beast::tcp_stream> upgraded;  // WebSocket sockets held open

  /// Answers every request with `handler` (by default a JSON "ok").
  explicit running_server(http::server_options opt, http::request_handler handler = {})
      : old_clog(std::clog.rdbuf(log.rdbuf())) {
    if (!handler)
      handler = [](http::request&&, std::string, http::respond_fn respond) {
        respond(http::json_response(200, "\"ok\""));
      };
    opt.on_upgrade = [this](boost::beast::tcp_stream&& stream, http::request&&, std::string) {
      std::lock_guard lock{mu};
      upgraded.push_back(std::move(stream));
    };
    srv.emplace(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}, std::move(handler), opt);
    thread = std::thread{[this] { io.run(); }};
  }
  ~running_server() { finish(); }
  unsigned short port() const { return srv->port(); }
  void finish() {
    if (!thread.joinable())
      return;
    srv->stop();
    asio::post(io, [this] {
      std::lock_guard lock{mu};
      upgraded.clear();
    });
    io.stop();
    thread.join();
    std::clog.rdbuf(old_clog);
  }
};

template <class F>
bool eventually(F condition, std::chrono::milliseconds timeout) {
  const auto deadline = steady::now() + timeout;
  while (steady::now() < deadline) {
    if (condition())
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

}  // namespace aethex::test
