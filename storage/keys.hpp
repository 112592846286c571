// Byte layouts of RocksDB keys and event records. Kept in one place so tests can check that
// the orderings the store relies on (seq order within a stream, no prefix bleed) hold.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/event_store.hpp"

namespace aethex::storage::keys {

/// Big-endian so that lexicographic byte order equals numeric order.
void append_be64(std::string& out, std::uint64_t value);
std::string be64(std::uint64_t value);
/// Reads 8 big-endian bytes; `bytes` must hold at least 8.
std::uint64_t read_be64(std::string_view bytes);
void append_be32(std::string& out, std::uint32_t value);
/// Reads 4 big-endian bytes; `bytes` must hold at least 4.
std::uint32_t read_be32(std::string_view bytes);

/// events CF: stream + 0x00 + be64(seq). The 0x00 separator keeps "a" and "ab" apart because
/// stream names never contain 0x00 (validated on append).
std::string event_key(std::string_view stream, std::uint64_t seq);
/// Prefix of all event keys of a stream (stream + 0x00).
std::string stream_prefix(std::string_view stream);

struct event_key_parts {
  std::string_view stream;
  std::uint64_t seq = 0;
};
std::optional<event_key_parts> parse_event_key(std::string_view key);

/// meta CF keys. Distinct prefixes so version keys, the head and user records never collide.
inline constexpr std::string_view global_head_key = "global-head";
inline constexpr std::string_view version_prefix = "ver:";
inline constexpr std::string_view user_prefix = "user:";
std::string version_key(std::string_view stream);
std::string user_meta_key(std::string_view key);

/// On-disk event record, format 1:
///   u8 format(=1) | be64 global_position | be32 schema | be64 timestamp_ms | be32 type_len |
///   type | payload (rest)
/// The global position is stored so stream reads return it without a reverse index.
std::string encode_event(const event& e, std::uint64_t global_position);

struct stored_event {
  std::uint64_t global_position = 0;
  event data;
};
/// Returns nullopt for a record that is truncated or has an unknown format.
std::optional<stored_event> decode_event(std::string_view record);

/// snapshots CF value: be64 version | state.
std::string encode_snapshot(const snapshot& s);
std::optional<snapshot> decode_snapshot(std::string_view value);

}  // namespace aethex::storage::keys
