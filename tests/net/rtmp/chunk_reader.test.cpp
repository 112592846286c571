#include "net/rtmp/chunk_reader.hpp"
#include "net/rtmp/chunk_writer.hpp"

#include <doctest/doctest.h>

#include <numeric>
#include <random>

using namespace aethex::net::rtmp;
using bytes = std::vector<std::uint8_t>;

namespace {

bytes seq(std::size_t n, std::uint8_t start = 0) {
  bytes b(n);
  std::iota(b.begin(), b.end(), start);
  return b;
}
void append(bytes& to, const bytes& from) { to.insert(to.end(), from.begin(), from.end()); }

std::vector<message> parse_whole(const bytes& in, chunk_reader_limits lim = {}) {
  chunk_reader r{lim};
  std::vector<message> out;
  auto st = r.feed(in, out);
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.message()));
  return out;
}

std::vector<message> parse_bytewise(const bytes& in) {
  chunk_reader r;
  std::vector<message> out;
  for (auto b : in) {
    auto st = r.feed(std::span{&b, 1}, out);
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.message()));
  }
  return out;
}

std::string parse_error(const bytes& in, chunk_reader_limits lim = {}) {
  chunk_reader r{lim};
  std::vector<message> out;
  auto st = r.feed(in, out);
  REQUIRE_FALSE(st.ok());
  CHECK(r.failed());
  return st.message();
}

}  // namespace

TEST_CASE("chunk_reader: type-0 single chunk") {
  // csid 3, ts 1000, length 5, type 20, stream id 1 (little endian)
  const bytes in{0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x05, 0x14, 0x01,
                 0x00, 0x00, 0x00, 'h',  'e',  'l',  'l',  'o'};
  for (const auto& msgs : {parse_whole(in), parse_bytewise(in)}) {
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].csid == 3);
    CHECK(msgs[0].timestamp == 1000);
    CHECK(msgs[0].type == 20);
    CHECK(msgs[0].stream_id == 1);
    CHECK(msgs[0].payload == bytes{'h', 'e', 'l', 'l', 'o'});
  }
}

TEST_CASE("chunk_reader: a message spans chunks of the default size 128") {
  const bytes body = seq(300);
  bytes in{0x06, 0, 0, 0, 0x00, 0x01, 0x2C, 0x09, 1, 0, 0, 0};
  in.insert(in.end(), body.begin(), body.begin() + 128);
  in.push_back(0xC6);
  in.insert(in.end(), body.begin() + 128, body.begin() + 256);
  in.push_back(0xC6);
  in.insert(in.end(), body.begin() + 256, body.end());
  for (const auto& msgs : {parse_whole(in), parse_bytewise(in)}) {
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].payload == body);
    CHECK(msgs[0].type == 9);
  }
}

TEST_CASE("chunk_reader: type 1/2/3 headers carry timestamp deltas") {
  bytes in{0x04, 0x00, 0x00, 0x64, 0, 0, 2, 8, 1, 0, 0, 0, 'a', 'b'};  // fmt0 ts=100
  append(in, {0x44, 0x00, 0x00, 0x21, 0, 0, 1, 9, 'c'});  // fmt1 delta 33, len 1, type 9
  append(in, {0x84, 0x00, 0x00, 0x0A, 'd'});              // fmt2 delta 10
  append(in, {0xC4, 'e'});                                // fmt3: new message, delta 10 again
  for (const auto& msgs : {parse_whole(in), parse_bytewise(in)}) {
    REQUIRE(msgs.size() == 4);
    CHECK(msgs[0].timestamp == 100);
    CHECK(msgs[0].type == 8);
    CHECK(msgs[1].timestamp == 133);
    CHECK(msgs[1].type == 9);
    CHECK(msgs[1].stream_id == 1);  // inherited from the type-0 header
    CHECK(msgs[2].timestamp == 143);
    CHECK(msgs[3].timestamp == 153);
    CHECK(msgs[3].payload == bytes{'e'});
  }
}

TEST_CASE("chunk_reader: extended timestamps, also repeated in type-3 continuation chunks") {
  const bytes body = seq(200);
  bytes in{0x05, 0xFF, 0xFF, 0xFF, 0, 0, 200, 9, 1, 0, 0, 0, 0x01, 0x02, 0x03, 0x04};
  in.insert(in.end(), body.begin(), body.begin() + 128);
  append(in, {0xC5, 0x01, 0x02, 0x03, 0x04});
  in.insert(in.end(), body.begin() + 128, body.end());
  for (const auto& msgs : {parse_whole(in), parse_bytewise(in)}) {
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].timestamp == 0x01020304u);
    CHECK(msgs[0].payload == body);
  }
}

TEST_CASE("chunk_reader: two- and three-byte chunk stream ids") {
  bytes in{0x00, 0x00, 0, 0, 1, 0, 0, 1, 8, 0, 0, 0, 0, 'x'};            // csid 64
  append(in, {0x00, 0xFF, 0, 0, 2, 0, 0, 1, 8, 0, 0, 0, 0, 'y'});        // csid 319
  append(in, {0x01, 0x00, 0x01, 0, 0, 3, 0, 0, 1, 8, 0, 0, 0, 0, 'z'});  // csid 64 + 256 = 320
  append(in, {0x01, 0xFF, 0xFF, 0, 0, 4, 0, 0, 1, 8, 0, 0, 0, 0, 'w'});  // csid 65599
  for (const auto& msgs : {parse_whole(in), parse_bytewise(in)}) {
    REQUIRE(msgs.size() == 4);
    CHECK(msgs[0].csid == 64);
    CHECK(msgs[1].csid == 319);
    CHECK(msgs[2].csid == 320);
    CHECK(msgs[3].csid == 65599);
    CHECK(msgs[3].timestamp == 4);
  }
}

TEST_CASE("chunk_reader: Set Chunk Size applies to the following chunks and is consumed") {
  const bytes body = seq(1000);
  bytes in{0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x10, 0x00};  // 4096
  append(in, {0x06, 0, 0, 0, 0x00, 0x03, 0xE8, 0x09, 1, 0, 0, 0});
  append(in, body);
  for (const auto& msgs : {parse_whole(in), parse_bytewise(in)}) {
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].payload == body);
  }
  chunk_reader r;
  std::vector<message> out;
  REQUIRE(r.feed(in, out).ok());
  CHECK(r.chunk_size() == 4096);
}

TEST_CASE("chunk_reader: invalid Set Chunk Size is rejected") {
  CHECK(parse_error({0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0, 0, 0, 0})
          .find("Set Chunk Size of 0") != std::string::npos);
  CHECK(parse_error({0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x80, 0, 0, 1}).find("top bit") !=
        std::string::npos);
  CHECK(parse_error({0x02, 0, 0, 0, 0, 0, 2, 0x01, 0, 0, 0, 0, 0, 1}).find("short") !=
        std::string::npos);
  // The largest legal value is accepted.
  const bytes max{0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF};
  chunk_reader r;
  std::vector<message> out;
  REQUIRE(r.feed(max, out).ok());
  CHECK(r.chunk_size() == 0x7FFFFFFFu);
}

TEST_CASE("chunk_reader: Abort drops the partial message of a chunk stream") {
  bytes in{0x06, 0, 0, 0, 0x00, 0x01, 0x00, 0x09, 1, 0, 0, 0};         // 256-byte message...
  append(in, seq(128));                                                // ...only half sent
  append(in, {0x02, 0, 0, 0, 0, 0, 4, 0x02, 0, 0, 0, 0, 0, 0, 0, 6});  // abort csid 6
  append(in, {0x06, 0, 0, 0, 0, 0, 1, 0x08, 1, 0, 0, 0, 'a'});         // a fresh message on csid 6
  const auto msgs = parse_whole(in);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].type == 8);
  CHECK(msgs[0].payload == bytes{'a'});
}

TEST_CASE("chunk_reader: limits and malformed framing") {
  chunk_reader_limits small;
  small.max_message_size = 1000;
  CHECK(parse_error({0x06, 0, 0, 0, 0x00, 0x03, 0xE9, 0x09, 1, 0, 0, 0}, small)
          .find("exceeds the limit") != std::string::npos);
  CHECK(parse_error({0x46, 0, 0, 0, 0, 0, 1, 9}).find("without a type-0 header") !=
        std::string::npos);
  CHECK(parse_error({0xC7}).find("without a type-0 header") != std::string::npos);

  bytes many;
  for (std::uint8_t cs = 0; cs < 65; ++cs)
    append(many, {0x00, cs, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0});
  small.max_chunk_streams = 64;
  CHECK(parse_error(many, small).find("too many chunk streams") != std::string::npos);

  // Partial messages on many chunk streams cannot pin more than max_buffered bytes in total.
  chunk_reader_limits tight;
  tight.max_buffered = 1000;
  bytes partials;
  for (std::uint8_t cs = 2; cs < 12; ++cs) {
    append(partials, {cs, 0, 0, 0, 0x00, 0x01, 0x00, 0x09, 1, 0, 0, 0});  // 256-byte message...
    append(partials, seq(128));                                           // ...half of it
  }
  CHECK(parse_error(partials, tight).find("too much data in partial messages") !=
        std::string::npos);

  bytes interleaved{0x06, 0, 0, 0, 0x00, 0x01, 0x00, 0x09, 1, 0, 0, 0};
  append(interleaved, seq(128));
  append(interleaved, {0x06, 0, 0, 0, 0, 0, 1, 0x08, 1, 0, 0, 0});
  CHECK(parse_error(interleaved).find("before the previous message completed") !=
        std::string::npos);

  // Once failed, the reader refuses further input.
  chunk_reader r;
  std::vector<message> out;
  CHECK_FALSE(r.feed(bytes{0xC7}, out).ok());
  CHECK_FALSE(r.feed(bytes{0x03, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0}, out).ok());
  CHECK(out.empty());
}

TEST_CASE("chunk_reader: zero-length messages complete at once") {
  const auto msgs = parse_whole({0x03, 0, 0, 5, 0, 0, 0, 0x14, 0, 0, 0, 0, 0xC3});
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].payload.empty());
  CHECK(msgs[1].timestamp == 10);
}

TEST_CASE("chunk_writer output parses back through chunk_reader in any fragmentation") {
  std::mt19937 rng{42};
  for (std::uint32_t chunk_size : {1u, 128u, 4096u}) {
    chunk_writer w{chunk_size};
    bytes wire;
    if (chunk_size != 128) {
      chunk_writer{}.write(2, msg_type::set_chunk_size, 0, 0,
                           bytes{std::uint8_t(chunk_size >> 24), std::uint8_t(chunk_size >> 16),
                                 std::uint8_t(chunk_size >> 8), std::uint8_t(chunk_size)},
                           wire);
    }
    std::vector<message> sent;
    for (int i = 0; i < 30; ++i) {
      message m;
      m.csid = std::uniform_int_distribution<std::uint32_t>{2, 400}(rng);
      m.type = static_cast<std::uint8_t>(i % 2 ? 8 : 9);
      m.stream_id = 1;
      m.timestamp = i % 5 == 0 ? 0xFFFFFF00u + static_cast<std::uint32_t>(i)
                               : static_cast<std::uint32_t>(i * 33);
      m.payload = seq(std::uniform_int_distribution<std::size_t>{0, 9000}(rng),
                      static_cast<std::uint8_t>(i));
      w.write(m.csid, m.type, m.stream_id, m.timestamp, m.payload, wire);
      sent.push_back(std::move(m));
    }
    chunk_reader r;
    std::vector<message> got;
    std::size_t pos = 0;
    while (pos < wire.size()) {
      const auto n = std::min(wire.size() - pos,
                              std::uniform_int_distribution<std::size_t>{1, 700}(rng));
      REQUIRE(r.feed(std::span{wire.data() + pos, n}, got).ok());
      pos += n;
    }
    REQUIRE(got.size() == sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
      CHECK(got[i].csid == sent[i].csid);
      CHECK(got[i].timestamp == sent[i].timestamp);
      CHECK(got[i].type == sent[i].type);
      CHECK(got[i].payload == sent[i].payload);
    }
  }
}
