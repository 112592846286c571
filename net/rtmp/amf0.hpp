// AMF0 (Action Message Format 0) values, the encoding of RTMP commands and metadata.
//
// Decoding treats its input as hostile: every length is checked against the remaining bytes, and
// nesting is bounded so a crafted message cannot exhaust the stack.
#pragma once

#include "net/rtmp/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aethex::net::rtmp::amf0 {

enum class marker : std::uint8_t {
  number = 0x00,
  boolean = 0x01,
  string = 0x02,
  object = 0x03,
  null = 0x05,
  undefined = 0x06,
  ecma_array = 0x08,
  object_end = 0x09,
  strict_array = 0x0A,
  date = 0x0B,
  long_string = 0x0C,
};

enum class kind : std::uint8_t {
  number,
  boolean,
  string,
  object,
  null,
  undefined,
  ecma_array,
  strict_array,
  date,
};

struct property;

class value {
 public:
  value() = default;  // undefined

  static value number(double n);
  static value boolean(bool b);
  static value string(std::string s);  // encoded as long string when longer than 65535 bytes
  static value null();
  static value undefined();
  static value object(std::vector<property> props);
  static value ecma_array(std::vector<property> props);
  static value strict_array(std::vector<value> items);
  static value date(double ms_since_epoch, std::int16_t tz_minutes = 0);

  kind type() const noexcept { return kind_; }
  bool is(kind k) const noexcept { return kind_ == k; }

  // Lenient accessors: a wrong kind yields a neutral value, which suits optional command fields.
  double as_number() const noexcept {
    return kind_ == kind::number || kind_ == kind::date ? num_ : 0.0;
  }
  bool as_bool() const noexcept { return kind_ == kind::boolean && flag_; }
  std::string_view as_string() const noexcept;
  std::int16_t timezone() const noexcept { return tz_; }

  /// Properties of an object or ECMA array (empty otherwise), in wire order.
  const std::vector<property>& properties() const noexcept { return props_; }
  /// Elements of a strict array (empty otherwise).
  const std::vector<value>& elements() const noexcept { return items_; }
  /// First property named `key` of an object or ECMA array, or nullptr.
  const value* get(std::string_view key) const noexcept;

  friend bool operator==(const value& a, const value& b);

 private:
  kind kind_ = kind::undefined;
  bool flag_ = false;
  std::int16_t tz_ = 0;
  double num_ = 0.0;
  std::string str_;
  std::vector<property> props_;
  std::vector<value> items_;
};

struct property {
  std::string key;
  value val;
  friend bool operator==(const property&, const property&) = default;
};

/// Appends the encoding of `v` to `out`.
void encode(const value& v, std::vector<std::uint8_t>& out);
/// Convenience: encodes each value in order.
std::vector<std::uint8_t> encode_all(std::span<const value> values);

inline constexpr int max_depth = 32;
/// Most values (nested ones included) one decode or decode_all call builds. Real commands and
/// metadata hold a few dozen; a count taken on the peer's word could ask for gigabytes.
inline constexpr std::size_t max_values = 4096;

/// Decodes one value starting at `pos`; on success advances `pos` past it.
result<value> decode(std::span<const std::uint8_t> in, std::size_t& pos);
/// Decodes consecutive values until the input is exhausted.
result<std::vector<value>> decode_all(std::span<const std::uint8_t> in);

}  // namespace aethex::net::rtmp::amf0
