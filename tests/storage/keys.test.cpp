#include "storage/keys.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

using namespace aethex::storage;

TEST_CASE("event keys sort by stream, then numerically by seq") {
  std::vector<std::uint64_t> seqs{1, 2, 9, 10, 255, 256, 65535, 65536, 1ULL << 40, UINT64_MAX - 1};
  std::vector<std::string> encoded;
  for (auto s : seqs)
    encoded.push_back(keys::event_key("channel/alice", s));
  CHECK(std::is_sorted(encoded.begin(), encoded.end()));
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    auto parts = keys::parse_event_key(encoded[i]);
    REQUIRE(parts);
    CHECK(parts->stream == "channel/alice");
    CHECK(parts->seq == seqs[i]);
  }
}

TEST_CASE("stream prefixes are isolated: 'a' never bleeds into 'ab'") {
  const auto a_last = keys::event_key("a", UINT64_MAX);
  const auto ab_first = keys::event_key("ab", 1);
  CHECK(a_last < ab_first);
  CHECK_FALSE(ab_first.starts_with(keys::stream_prefix("a")));
  CHECK(a_last.starts_with(keys::stream_prefix("a")));
}

TEST_CASE("global positions sort numerically") {
  CHECK(keys::be64(255) < keys::be64(256));
  CHECK(keys::be64(1) < keys::be64(1ULL << 63));
  CHECK(keys::read_be64(keys::be64(0x0102030405060708ULL)) == 0x0102030405060708ULL);
}

TEST_CASE("event record round-trips and rejects damage") {
  event e{"channel.created", 3, 1700000000123, R"({"name":"alice"})"};
  auto back = keys::decode_event(keys::encode_event(e, 77));
  REQUIRE(back);
  CHECK(back->global_position == 77);
  CHECK(back->data.type == e.type);
  CHECK(back->data.schema == 3);
  CHECK(back->data.timestamp_ms == e.timestamp_ms);
  CHECK(back->data.payload == e.payload);

  auto record = keys::encode_event(e, 77);
  CHECK_FALSE(keys::decode_event(record.substr(0, 10)));
  record[0] = 99;  // unknown format
  CHECK_FALSE(keys::decode_event(record));
}

TEST_CASE("snapshot value round-trips") {
  auto s = keys::decode_snapshot(keys::encode_snapshot({42, "state"}));
  REQUIRE(s);
  CHECK(s->version == 42);
  CHECK(s->state == "state");
}
