#include "net/rtmp/amf0.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstring>
#include <vector>

using namespace aethex::net::rtmp;
using amf0::value;
using bytes = std::vector<std::uint8_t>;

TEST_CASE("amf0: encodes the wire forms of the RTMP spec") {
  bytes out;
  amf0::encode(value::string("connect"), out);
  CHECK(out == bytes{0x02, 0x00, 0x07, 'c', 'o', 'n', 'n', 'e', 'c', 't'});

  out.clear();
  amf0::encode(value::number(1.0), out);
  CHECK(out == bytes{0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0});

  out.clear();
  amf0::encode(value::object({{"a", value::boolean(true)}}), out);
  CHECK(out == bytes{0x03, 0x00, 0x01, 'a', 0x01, 0x01, 0x00, 0x00, 0x09});

  out.clear();
  amf0::encode(value::null(), out);
  amf0::encode(value::undefined(), out);
  CHECK(out == bytes{0x05, 0x06});
}

TEST_CASE("amf0: every kind round-trips") {
  const std::vector<value> values{
    value::number(-12.5),
    value::boolean(false),
    value::string("hello"),
    value::string(std::string(70000, 'x')),  // long string form
    value::null(),
    value::undefined(),
    value::object({{"app", value::string("live")},
                   {"n", value::number(3)},
                   {"inner", value::object({{"deep", value::null()}})}}),
    value::ecma_array({{"duration", value::number(0)}, {"width", value::number(320)}}),
    value::strict_array({value::number(1), value::string("two"), value::strict_array({})}),
    value::date(1.7e12, -60),
  };
  const auto wire = amf0::encode_all(values);
  auto back = amf0::decode_all(wire);
  REQUIRE(back.ok());
  REQUIRE(back->size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    CHECK((*back)[i] == values[i]);
  CHECK(wire[1 + 8 + 2 + 1 + 2 + 5] == 0x0C);  // the 70000-byte string went out as a long string
  CHECK((*back)[6].get("app")->as_string() == "live");
  CHECK((*back)[6].get("missing") == nullptr);
  CHECK((*back)[9].timezone() == -60);
}

TEST_CASE("amf0: decode advances the position value by value") {
  const auto wire = amf0::encode_all(std::vector<value>{value::string("@setDataFrame"),
                                                        value::string("onMetaData")});
  std::size_t pos = 0;
  auto first = amf0::decode(wire, pos);
  REQUIRE(first.ok());
  CHECK(first->as_string() == "@setDataFrame");
  CHECK(pos == 16);
  auto second = amf0::decode(wire, pos);
  REQUIRE(second.ok());
  CHECK(second->as_string() == "onMetaData");
  CHECK(pos == wire.size());
}

TEST_CASE("amf0: every truncation of a valid encoding is an error, never a crash") {
  const auto wire = amf0::encode_all(std::vector<value>{
    value::object({{"k", value::strict_array({value::number(1), value::date(5, 0)})},
                   {"e", value::ecma_array({{"s", value::string("abc")}})}})});
  for (std::size_t n = 0; n < wire.size(); ++n) {
    std::size_t pos = 0;
    auto r = amf0::decode(std::span{wire.data(), n}, pos);
    CHECK_FALSE(r.ok());
    CHECK(pos == 0);
  }
  std::size_t pos = 0;
  CHECK(amf0::decode(wire, pos).ok());
}

TEST_CASE("amf0: malformed inputs give clear errors") {
  auto fails_with = [](bytes in, const char* fragment) {
    auto r = amf0::decode_all(in);
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.message().find(fragment) != std::string::npos, r.message());
  };
  fails_with({0x02, 0x00, 0x10, 'a'}, "truncated string");
  fails_with({0x0C, 0xFF, 0xFF, 0xFF, 0xFF}, "truncated long string");
  fails_with({0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05}, "count exceeds input");
  fails_with({0x03, 0x00, 0x00, 0x05}, "without object end marker");
  fails_with({0x09}, "unexpected object end");
  fails_with({0x11, 0x00}, "unsupported marker 0x11");
  fails_with({0x07, 0x00, 0x01}, "unsupported marker 0x07");
}

TEST_CASE("amf0: nesting depth is bounded") {
  auto nested = [](int depth) {
    bytes in;
    for (int i = 0; i < depth; ++i)
      in.insert(in.end(), {0x0A, 0, 0, 0, 1});  // [[[...]]]
    in.push_back(0x05);
    return in;
  };
  CHECK(amf0::decode_all(nested(amf0::max_depth)).ok());
  auto deep = amf0::decode_all(nested(100000));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.message().find("nesting too deep") != std::string::npos);

  bytes objs;
  for (int i = 0; i < 100000; ++i)
    objs.insert(objs.end(), {0x03, 0x00, 0x01, 'k'});
  CHECK_FALSE(amf0::decode_all(objs).ok());
}

TEST_CASE("amf0: numbers keep their bit pattern") {
  const double d = 29.97;
  const auto wire = amf0::encode_all(std::vector<value>{value::number(d)});
  std::uint64_t bits = 0;
  for (int i = 1; i <= 8; ++i)
    bits = (bits << 8) | wire[static_cast<std::size_t>(i)];
  CHECK(bits == std::bit_cast<std::uint64_t>(d));
}

TEST_CASE("amf0: a strict array's count cannot make the decoder build millions of values") {
  // 16 MiB of one-byte elements: the count matches the input, so only a value budget stops it
  // (found in review: ~1.6 GB reserved before any key check).
  const std::uint32_t n = 1u << 20;
  bytes in{0x0A, static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
           static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  in.resize(in.size() + n, 0x05);
  auto r = amf0::decode_all(in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("more than 4096 values") != std::string::npos);

  // Many top-level values share the same budget.
  bytes nulls(amf0::max_values + 1, 0x05);
  CHECK_FALSE(amf0::decode_all(nulls).ok());
  nulls.pop_back();
  CHECK(amf0::decode_all(nulls).ok());
}
