#include "storage/keys.hpp"

namespace aethex::storage::keys {
namespace {

constexpr std::uint8_t event_format_v1 = 1;
constexpr std::size_t event_header_size = 1 + 8 + 4 + 8 + 4;

}  // namespace

void append_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}

std::uint32_t read_be32(std::string_view bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i)
    value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  return value;
}

void append_be64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}

std::string be64(std::uint64_t value) {
  std::string out;
  out.reserve(8);
  append_be64(out, value);
  return out;
}

std::uint64_t read_be64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i)
    value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  return value;
}

std::string event_key(std::string_view stream, std::uint64_t seq) {
  std::string key = stream_prefix(stream);
  append_be64(key, seq);
  return key;
}

std::string stream_prefix(std::string_view stream) {
  std::string key;
  key.reserve(stream.size() + 9);
  key.append(stream);
  key.push_back('\0');
  return key;
}

std::optional<event_key_parts> parse_event_key(std::string_view key) {
  if (key.size() < 9 || key[key.size() - 9] != '\0')
    return std::nullopt;
  return event_key_parts{key.substr(0, key.size() - 9), read_be64(key.substr(key.size() - 8))};
}

std::string version_key(std::string_view stream) {
  std::string key(version_prefix);
  key.append(stream);
  return key;
}

std::string user_meta_key(std::string_view key) {
  std::string out(user_prefix);
  out.append(key);
  return out;
}

std::string encode_event(const event& e, std::uint64_t global_position) {
  std::string out;
  out.reserve(event_header_size + e.type.size() + e.payload.size());
  out.push_back(static_cast<char>(event_format_v1));
  append_be64(out, global_position);
  append_be32(out, e.schema);
  append_be64(out, static_cast<std::uint64_t>(e.timestamp_ms));
  append_be32(out, static_cast<std::uint32_t>(e.type.size()));
  out.append(e.type);
  out.append(e.payload);
  return out;
}

std::optional<stored_event> decode_event(std::string_view record) {
  constexpr std::size_t header = event_header_size;
  if (record.size() < header || static_cast<std::uint8_t>(record[0]) != event_format_v1)
    return std::nullopt;
  stored_event out;
  out.global_position = read_be64(record.substr(1));
  event& e = out.data;
  e.schema = read_be32(record.substr(9));
  e.timestamp_ms = static_cast<std::int64_t>(read_be64(record.substr(13)));
  const std::uint32_t type_len = read_be32(record.substr(21));
  if (record.size() - header < type_len)
    return std::nullopt;
  e.type.assign(record.substr(header, type_len));
  e.payload.assign(record.substr(header + type_len));
  return out;
}

std::string encode_snapshot(const snapshot& s) {
  std::string out = be64(s.version);
  out.append(s.state);
  return out;
}

std::optional<snapshot> decode_snapshot(std::string_view value) {
  if (value.size() < 8)
    return std::nullopt;
  return snapshot{read_be64(value), std::string(value.substr(8))};
}

}  // namespace aethex::storage::keys
