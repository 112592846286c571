#include "tests/e2e/support/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace aethex::test {
namespace {

using clock_type = std::chrono::steady_clock;

int wait_readable(int fd, clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
  if (left.count() <= 0)
    return 0;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(left.count()));
}

}  // namespace

raw_client::raw_client(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd_ >= 0)
      ::close(fd_);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
}

raw_client::~raw_client() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool raw_client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string raw_client::read(std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  std::string out;
  char buf[4096];
  while (out.size() < n && wait_readable(fd_, deadline) > 0) {
    auto got = ::recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got <= 0)
      break;
    out.append(buf, static_cast<std::size_t>(got));
  }
  return out;
}

std::string raw_client::read_until(std::string_view marker, std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  std::string out;
  char c = 0;
  while (out.find(marker) == std::string::npos && wait_readable(fd_, deadline) > 0 &&
         ::recv(fd_, &c, 1, 0) == 1)
    out.push_back(c);
  return out;
}

bool raw_client::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  char buf[4096];
  while (wait_readable(fd_, deadline) > 0) {
    auto got = ::recv(fd_, buf, sizeof buf, 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
      return true;
  }
  return false;
}

std::string raw_client::upgrade(std::string_view path) {
  send("GET " + std::string{path} +
       " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  return read_until("\r\n\r\n", std::chrono::seconds(5));
}

std::string ws_client_frame(unsigned char first, std::string_view payload) {
  std::string out{static_cast<char>(first)};
  auto n = payload.size();
  if (n < 126) {
    out += static_cast<char>(0x80 | n);
  } else if (n <= 0xffff) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i)
      out += static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xff);
  }
  const char key[4] = {0x11, 0x22, 0x33, 0x44};
  out.append(key, 4);
  for (std::size_t i = 0; i < n; ++i)
    out += static_cast<char>(payload[i] ^ key[i % 4]);
  return out;
}

std::chrono::milliseconds time_get(unsigned short port, const std::string& target) {
  // A raw request with its own deadline: a node that stopped answering must fail the test,
  // not hang it.
  auto start = clock_type::now();
  try {
    raw_client c{port};
    c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    auto head = c.read_until("\r\n\r\n", std::chrono::seconds(5));
    if (head.rfind("HTTP/1.1 ", 0) != 0)
      return std::chrono::milliseconds{-1};
  } catch (const std::exception&) {
    return std::chrono::milliseconds{-1};
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
}

}  // namespace aethex::test
