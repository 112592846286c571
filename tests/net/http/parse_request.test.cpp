// parse_request: what one connection reads, with the server's own parser and limits.
#include <doctest/doctest.h>

#include <string>

#include "net/http/server.hpp"

using aethex::net::http::max_header_bytes;
using aethex::net::http::parse_request;
using status = aethex::net::http::parsed_request::status;

TEST_CASE("a request with a body, then a pipelined one") {
  std::string first = "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
  std::string second = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  auto a = parse_request(first + second, 1024);
  REQUIRE(a.result == status::complete);
  CHECK(a.consumed == first.size());
  CHECK(a.req.target() == "/api/v1/auth/login");
  CHECK(a.req.body() == "{}");
  auto b = parse_request(std::string_view{first + second}.substr(a.consumed), 1024);
  REQUIRE(b.result == status::complete);
  CHECK(b.req.method() == boost::beast::http::verb::get);
}

TEST_CASE("partial input needs more; a cut body too") {
  CHECK(parse_request("GET / HTTP/1.1\r\nHost:", 1024).result == status::need_more);
  CHECK(parse_request("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", 1024).result ==
        status::need_more);
  CHECK(parse_request("", 1024).result == status::need_more);
}

TEST_CASE("limits: a declared body over the limit is refused before it arrives") {
  CHECK(parse_request("POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", 1024).result ==
        status::too_large);
  std::string head = "GET / HTTP/1.1\r\nX: " + std::string(max_header_bytes, 'a') + "\r\n\r\n";
  CHECK(parse_request(head, 1024).result == status::malformed);
}

TEST_CASE("malformed heads") {
  CHECK(parse_request("GET\r\n\r\n", 1024).result == status::malformed);
  CHECK(parse_request("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 1024).result ==
        status::malformed);
  CHECK(parse_request("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 1024)
          .result == status::malformed);
}
