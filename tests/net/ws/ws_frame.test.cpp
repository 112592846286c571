#include "net/ws/ws_frame.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace aethex::net::ws;

namespace {

// A masked client frame, as a browser sends it.
std::string client_frame(std::uint8_t first, std::string_view payload,
                         std::string_view key = "\x01\x02\x03\x04") {
  std::string out{static_cast<char>(first)};
  if (payload.size() < 126) {
    out += static_cast<char>(0x80 | payload.size());
  } else {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xff);
  }
  out += key;
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(payload[i] ^ key[i % 4]);
  return out;
}

}  // namespace

TEST_CASE("ws_frame: answers the RFC 6455 sample handshake") {
  aethex::net::http::request req{boost::beast::http::verb::get, "/ws", 11};
  req.set(boost::beast::http::field::upgrade, "websocket");
  req.set(boost::beast::http::field::connection, "Upgrade");
  req.set(boost::beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(boost::beast::http::field::sec_websocket_version, "13");
  auto answer = answer_handshake(req);
  CHECK(answer.ok);
  CHECK(answer.bytes.rfind("HTTP/1.1 101 ", 0) == 0);
  CHECK(answer.bytes.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") !=
        std::string::npos);
  req.set(boost::beast::http::field::sec_websocket_version, "8");
  CHECK_FALSE(answer_handshake(req).ok);
  req.erase(boost::beast::http::field::sec_websocket_key);
  CHECK_FALSE(answer_handshake(req).ok);
}

TEST_CASE("ws_frame: parses masked frames, whole or in pieces") {
  std::string text(300, 'x');
  auto bytes = client_frame(0x81, text) + client_frame(0x89, "hi");
  auto f = parse_frame(bytes, 0, 16384);
  REQUIRE(f.result == parsed_frame::status::ok);
  CHECK(f.op == opcode::text);
  CHECK(f.fin);
  CHECK(f.payload == text);
  CHECK(f.consumed == 2 + 2 + 4 + 300);
  auto g = parse_frame(std::string_view{bytes}.substr(f.consumed), 0, 16384);
  REQUIRE(g.result == parsed_frame::status::ok);
  CHECK(g.op == opcode::ping);
  CHECK(g.payload == "hi");
  for (std::size_t n = 0; n < f.consumed; ++n)
    CHECK(parse_frame(std::string_view{bytes}.substr(0, n), 0, 16384).result ==
          parsed_frame::status::need_more);
}

TEST_CASE("ws_frame: refuses oversized, unmasked and malformed frames") {
  auto big = client_frame(0x81, std::string(200, 'a'));
  auto f = parse_frame(std::string_view{big}.substr(0, 8), 0, 100);
  CHECK(f.result == parsed_frame::status::too_big);
  CHECK(f.consumed == big.size());
  CHECK(parse_frame(client_frame(0x00, std::string(60, 'a')), 50, 100).result ==
        parsed_frame::status::too_big);
  CHECK(parse_frame(std::string{"\x81\x02hi", 4}, 0, 100).result ==
        parsed_frame::status::protocol_error);  // unmasked
  CHECK(parse_frame(client_frame(0xc1, "x"), 0, 100).result ==
        parsed_frame::status::protocol_error);  // reserved bit
  CHECK(parse_frame(client_frame(0x09, "x"), 0, 100).result ==
        parsed_frame::status::protocol_error);  // fragmented ping
  CHECK(parse_frame(client_frame(0x83, "x"), 0, 100).result ==
        parsed_frame::status::protocol_error);  // unknown opcode
}

TEST_CASE("ws_frame: server frames and UTF-8") {
  std::array<char, 11> head{};
  CHECK(frame_head(head, opcode::text, 5) == 2);
  CHECK(static_cast<unsigned char>(head[0]) == 0x81);
  CHECK(frame_head(head, opcode::text, 70000) == 10);
  CHECK(frame_head(head, opcode::text, 300) == 4);
  CHECK(close_frame(1009, "big") == std::string{"\x88\x05\x03\xf1"
                                                "big"});
  CHECK(control_frame(opcode::pong, "") == std::string{"\x8a\x00", 2});
  CHECK(valid_utf8("h\xc3\xa9llo"));
  CHECK_FALSE(valid_utf8("\xc3"));
  CHECK_FALSE(valid_utf8("\xff"));
}

TEST_CASE("64-bit lengths with the top bit set are protocol errors, never a wrapped size") {
  // 2^64 - 14: `head + len` would wrap to 0 and stall the reader (found in review).
  std::string head{"\x81\xff", 2};
  for (int i = 0; i < 7; ++i)
    head += '\xff';
  head += '\xf2';
  head += "\x01\x02\x03\x04";
  auto f = parse_frame(head, 0, 1 << 20);
  CHECK(f.result == parsed_frame::status::protocol_error);

  // 2^62 bytes: legal framing, but over the limit; the size it reports does not wrap.
  std::string big{"\x81\xff\x40", 3};
  big += std::string(7, '\0');
  big += "\x01\x02\x03\x04";
  auto g = parse_frame(big, 0, 1 << 20);
  CHECK(g.result == parsed_frame::status::too_big);
  CHECK(g.consumed == 14 + (std::size_t{1} << 62));

  // A message already past the limit is too big whatever the next frame's size.
  auto h = parse_frame(client_frame(0x00, "x"), (1 << 20) + 1, 1 << 20);
  CHECK(h.result == parsed_frame::status::too_big);
}
