// File bodies (ranges of memory files, as live segments are served) through the real server:
// sent with sendfile across a client that reads slowly, the connection kept for the next
// request, and a client that stops reading dropped at the idle timeout.
#include <doctest/doctest.h>

#include <sys/socket.h>

#include <array>
#include <cstring>
#include <string>

#include "net/http/server.hpp"
#include "runtime/memory_file.hpp"
#include "tests/net/http/loopback_server.hpp"

using namespace aethex::test;

namespace {

// 24 MiB: far more than the socket buffers hold, so the server must wait for the client.
std::shared_ptr<aethex::runtime::memory_file> big_file(std::string& content) {
  content.resize(24u << 20);
  for (std::size_t i = 0; i < content.size(); ++i)
    content[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  auto file = aethex::runtime::memory_file::create();
  REQUIRE(file);
  std::vector<std::byte> bytes(content.size());
  std::memcpy(bytes.data(), content.data(), content.size());
  REQUIRE(file->append(bytes));
  return file;
}

// "/big" is bytes [1000, size - 1000) of the file; anything else a JSON "ok".
http::request_handler serve_file(std::shared_ptr<aethex::runtime::memory_file> file) {
  return [file](http::request&& req, std::string, http::respond_fn respond) {
    if (req.target() != "/big")
      return respond(http::json_response(200, "\"ok\""));
    http::response res{boost::beast::http::status::ok, 11};
    res.body() = http::payload::file_range(file, 1000, file->size() - 2000);
    respond(std::move(res));
  };
}

// Reads one response with a Content-Length body off `fd`: head and body. Bytes read beyond it
// (a pipelined answer) stay in `data` for the next call.
std::pair<std::string, std::string> read_response(int fd, std::string& data) {
  std::size_t head_end = data.find("\r\n\r\n");
  std::size_t length = 0;
  if (head_end != std::string::npos)
    length = std::stoul(data.substr(data.find("Content-Length: ") + 16));
  std::vector<char> buf(64 * 1024);
  while (head_end == std::string::npos || data.size() < head_end + 4 + length) {
    auto n = ::recv(fd, buf.data(), buf.size(), 0);
    REQUIRE(n > 0);
    data.append(buf.data(), static_cast<std::size_t>(n));
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      auto at = data.find("Content-Length: ");
      REQUIRE(at < head_end);
      length = std::stoul(data.substr(at + 16));
    }
  }
  auto out = std::pair{data.substr(0, head_end + 4), data.substr(head_end + 4, length)};
  data.erase(0, head_end + 4 + length);
  return out;
}

}  // namespace

TEST_CASE(
  "http server: file bodies reach a slow reader whole, pipelined too, and keep-alive goes on") {
  std::string content;
  auto file = big_file(content);
  const auto expected = content.substr(1000, content.size() - 2000);
  running_server rs{{}, serve_file(file)};
  client c{rs.port()};
  int small = 64 * 1024;
  REQUIRE(::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);
  const std::string get_big = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(c.send(get_big));
  std::string data;
  auto [head, body] = read_response(c.fd(), data);
  CHECK(data.empty());
  CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(head.find("Content-Length: " + std::to_string(expected.size())) != std::string::npos);
  CHECK(body == expected);
  // Two requests at once: the second answer is due while the socket still holds the first.
  REQUIRE(c.send(get_big + get_big));
  for (int i = 0; i < 2; ++i) {
    auto [next_head, next_body] = read_response(c.fd(), data);
    CHECK(next_head.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(next_body == expected);
  }
  // The same connection answers the next request.
  CHECK(c.get().find("ok") != std::string::npos);
}

TEST_CASE("http server: a client that stops reading a file body is dropped at the idle timeout") {
  std::string content;
  auto file = big_file(content);
  http::server_options opt;
  opt.idle_timeout_s = 1;
  opt.max_connections = 1;
  running_server rs{opt, serve_file(file)};
  client stalled{rs.port()};
  REQUIRE(stalled.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
  // Its place is taken while the server waits to send…
  client early{rs.port()};
  CHECK(early.read(2s, "}").rfind("HTTP/1.1 503", 0) == 0);
  // …and given back once the wait times out, though the client never closed.
  CHECK(eventually(
    [&] {
      client next{rs.port()};
      return next.get(500ms).find("\"ok\"") != std::string::npos;
    },
    5s));
}

TEST_CASE("http server: a client that goes away during a file body does not end the process") {
  std::string content;
  auto file = big_file(content);
  running_server rs{{}, serve_file(file)};
  {
    client gone{rs.port()};
    int small = 4096;
    REQUIRE(::setsockopt(gone.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);
    REQUIRE(gone.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::array<char, 1024> some{};
    REQUIRE(::recv(gone.fd(), some.data(), some.size(), 0) > 0);  // the body is under way
    // A FIN first (the server's side goes to CLOSE_WAIT), then closing with unread bytes sends
    // a reset: the server's next sendfile fails with EPIPE, which raises SIGPIPE unless ignored.
    REQUIRE(::shutdown(gone.fd(), SHUT_WR) == 0);
  }
  // This process (the server runs in it) is still here, and the server answers.
  client next{rs.port()};
  CHECK(next.get().find("\"ok\"") != std::string::npos);
}
