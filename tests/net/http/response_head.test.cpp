// render_head: the head the server writes itself, read back by Beast's parser.
#include "net/http/response_head.hpp"

#include <doctest/doctest.h>

#include <boost/beast/http.hpp>

namespace http = aethex::net::http;
namespace bhttp = boost::beast::http;

namespace {

http::response answer(unsigned status, std::string body) {
  http::response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, "application/vnd.apple.mpegurl");
  res.set(bhttp::field::cache_control, "max-age=1");
  res.body() = std::move(body);
  return res;
}

// The head and `body` through Beast's response parser, as a client reads them.
bhttp::response<bhttp::string_body> parse(const std::string& head, std::string_view body) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.eager(true);
  boost::beast::error_code ec;
  auto wire = head + std::string{body};
  std::size_t used = 0;
  while (!parser.is_done() && !ec && used < wire.size())
    used += parser.put(boost::asio::buffer(wire.data() + used, wire.size() - used), ec);
  REQUIRE_FALSE(ec);
  REQUIRE(parser.is_done());
  CHECK(used == wire.size());
  return parser.release();
}

}  // namespace

TEST_CASE("a keep-alive HTTP/1.1 answer: status, its fields, Server and Content-Length") {
  auto res = answer(200, "#EXTM3U\n");
  std::string head;
  http::render_head(res, {}, head);
  CHECK(head ==
        "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apple.mpegurl\r\nCache-Control: "
        "max-age=1\r\nServer: aethex\r\nContent-Length: 8\r\n\r\n");
  CHECK(http::sends_body(res, {}));
  auto back = parse(head, "#EXTM3U\n");
  CHECK(back.body() == "#EXTM3U\n");
  CHECK(back.keep_alive());
}

TEST_CASE("Connection follows the request; fields the server writes are not doubled") {
  auto res = answer(404, "{}");
  res.set(bhttp::field::server, "other");
  res.set(bhttp::field::content_length, "999");
  res.set(bhttp::field::connection, "keep-alive");
  std::string head = "old bytes";
  http::render_head(res, {11, false, false}, head);
  CHECK(head.starts_with("HTTP/1.1 404 Not Found\r\n"));
  CHECK(head.find("Server: other\r\n") != std::string::npos);
  CHECK(head.find("aethex") == std::string::npos);
  CHECK(head.find("999") == std::string::npos);
  CHECK(head.ends_with("Content-Length: 2\r\nConnection: close\r\n\r\n"));
  CHECK_FALSE(parse(head, "{}").keep_alive());
  http::render_head(res, {10, true, false}, head);
  CHECK(head.starts_with("HTTP/1.0 404"));
  CHECK(head.ends_with("Connection: keep-alive\r\n\r\n"));
  CHECK(parse(head, "{}").keep_alive());
}

TEST_CASE("HEAD, 204 and 304 answers carry no body; only HEAD keeps the length") {
  auto res = answer(200, "0123456789");
  std::string head;
  http::head_options head_request{11, true, true};
  http::render_head(res, head_request, head);
  CHECK(head.find("Content-Length: 10\r\n") != std::string::npos);
  CHECK_FALSE(http::sends_body(res, head_request));
  for (unsigned status : {204u, 304u}) {
    auto empty = answer(status, "");
    http::render_head(empty, {}, head);
    CHECK(head.find("Content-Length") == std::string::npos);
    CHECK_FALSE(http::sends_body(empty, {}));
  }
}

TEST_CASE("a payload's head lines follow the response's fields") {
  auto res = answer(200, "x");
  res.body().set_head_lines("ETag: \"s/1.m4s\"\r\nAccept-Ranges: bytes\r\n");
  std::string head;
  http::render_head(res, {}, head);
  auto back = parse(head, "x");
  CHECK(back[bhttp::field::etag] == "\"s/1.m4s\"");
  CHECK(back[bhttp::field::accept_ranges] == "bytes");
  CHECK(back[bhttp::field::cache_control] == "max-age=1");
  CHECK(back.body() == "x");
}
