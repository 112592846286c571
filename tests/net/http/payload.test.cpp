// payload: response bodies of text or shared chunks, written and parsed through Beast.
#include "net/http/payload.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <sstream>
#include <string>

#include <boost/beast/http.hpp>

#include "net/http/server.hpp"

namespace http = aethex::net::http;
namespace bhttp = boost::beast::http;

namespace {

http::shared_bytes chunk(std::string_view text) {
  auto bytes = std::make_shared<std::vector<std::byte>>(text.size());
  std::memcpy(bytes->data(), text.data(), text.size());
  return bytes;
}

std::string wire(http::response res) {
  res.prepare_payload();
  std::ostringstream out;
  out << res;
  return out.str();
}

}  // namespace

TEST_CASE("shared chunks are one body, in order, without empty chunks") {
  auto first = chunk("moof-");
  auto body = http::payload::shared({first, chunk(""), chunk("mdat-"), nullptr, chunk("end")});
  CHECK(body.size() == 13);
  CHECK(body.str() == "moof-mdat-end");
  std::string scratch;
  CHECK(body.buffers(scratch).size() == 3);
  CHECK(body.buffers(scratch)[0].data() == first->data());  // the muxer's bytes, not a copy
  CHECK(scratch.empty());
}

TEST_CASE("a byte range across chunk boundaries") {
  auto body = http::payload::shared({chunk("0123"), chunk("4567"), chunk("89")});
  body.keep_range(3, 4);
  CHECK(body.str() == "3456");
  CHECK(body.size() == 4);
  std::string scratch;
  CHECK(body.buffers(scratch).size() == 2);
  body.keep_range(1, 100);  // within the kept window, clamped
  CHECK(body.str() == "456");
  body.keep_range(10, 5);
  CHECK(body.empty());
  CHECK(body.buffers(scratch).empty());

  http::payload text{std::string{"abcdef"}};
  text.keep_range(4, 9);
  CHECK(text == "ef");
}

TEST_CASE("a file range is its bytes, narrowed by a byte range, and Beast writes it too") {
  auto file = aethex::runtime::memory_file::create();
  REQUIRE(file);
  const std::string text = "init-part0-part1-";
  std::vector<std::byte> bytes(text.size());
  std::memcpy(bytes.data(), text.data(), text.size());
  REQUIRE(file->append(bytes));
  auto body = http::payload::file_range(file, 5, 12);
  REQUIRE(body.file() == file.get());
  CHECK(body.file_offset() == 5);
  CHECK(body.size() == 12);
  CHECK(body.str() == "part0-part1-");
  body.keep_range(6, 100);
  CHECK(body.file_offset() == 11);
  CHECK(body.str() == "part1-");
  CHECK(http::payload::file_range(file, 0, 0).file() == nullptr);  // nothing to send

  http::response res{bhttp::status::ok, 11};
  res.body() = http::payload::file_range(file, 0, 4);
  auto out = wire(std::move(res));
  CHECK(out.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(out.ends_with("\r\n\r\ninit"));
}

TEST_CASE("Beast writes text and shared payloads with their length") {
  http::response shared{bhttp::status::ok, 11};
  shared.body() = http::payload::shared({chunk("abc"), chunk("def")});
  auto out = wire(std::move(shared));
  CHECK(out.find("Content-Length: 6\r\n") != std::string::npos);
  CHECK(out.ends_with("\r\n\r\nabcdef"));

  http::response text{bhttp::status::ok, 11};
  text.body() = std::string{"{}"};
  CHECK(wire(std::move(text)).ends_with("Content-Length: 2\r\n\r\n{}"));

  http::response empty{bhttp::status::no_content, 11};
  CHECK(wire(std::move(empty)).ends_with("\r\n\r\n"));
}

TEST_CASE("a parsed response is a text payload") {
  std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  bhttp::response_parser<http::payload_body> parser;
  parser.eager(true);  // head and body in one put
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(raw), ec);
  REQUIRE(!ec);
  REQUIRE(parser.is_done());
  CHECK(parser.get().body() == "hello");

  auto body = http::payload::shared({chunk("ab")});
  body.append("cd");  // a shared payload becomes text first
  CHECK(body == "abcd");
}
