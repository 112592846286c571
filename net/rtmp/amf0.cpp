#include "net/rtmp/amf0.hpp"

#include <bit>
#include <cstring>

namespace aethex::net::rtmp::amf0 {

value value::number(double n) {
  value v;
  v.kind_ = kind::number;
  v.num_ = n;
  return v;
}
value value::boolean(bool b) {
  value v;
  v.kind_ = kind::boolean;
  v.flag_ = b;
  return v;
}
value value::string(std::string s) {
  value v;
  v.kind_ = kind::string;
  v.str_ = std::move(s);
  return v;
}
value value::null() {
  value v;
  v.kind_ = kind::null;
  return v;
}
value value::undefined() { return value{}; }
value value::object(std::vector<property> props) {
  value v;
  v.kind_ = kind::object;
  v.props_ = std::move(props);
  return v;
}
value value::ecma_array(std::vector<property> props) {
  value v;
  v.kind_ = kind::ecma_array;
  v.props_ = std::move(props);
  return v;
}
value value::strict_array(std::vector<value> items) {
  value v;
  v.kind_ = kind::strict_array;
  v.items_ = std::move(items);
  return v;
}
value value::date(double ms, std::int16_t tz) {
  value v;
  v.kind_ = kind::date;
  v.num_ = ms;
  v.tz_ = tz;
  return v;
}

std::string_view value::as_string() const noexcept {
  return kind_ == kind::string ? std::string_view{str_} : std::string_view{};
}

const value* value::get(std::string_view key) const noexcept {
  for (const auto& p : props_)
    if (p.key == key)
      return &p.val;
  return nullptr;
}

bool operator==(const value& a, const value& b) {
  if (a.kind_ != b.kind_)
    return false;
  switch (a.kind_) {
    case kind::number: return a.num_ == b.num_;
    case kind::boolean: return a.flag_ == b.flag_;
    case kind::string: return a.str_ == b.str_;
    case kind::null:
    case kind::undefined: return true;
    case kind::object:
    case kind::ecma_array: return a.props_ == b.props_;
    case kind::strict_array: return a.items_ == b.items_;
    case kind::date: return a.num_ == b.num_ && a.tz_ == b.tz_;
  }
  return false;
}

namespace {

void put_u8(std::vector<std::uint8_t>& out, std::uint8_t b) { out.push_back(b); }
void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_double(std::vector<std::uint8_t>& out, double d) {
  put_be(out, std::bit_cast<std::uint64_t>(d), 8);
}
void put_key(std::vector<std::uint8_t>& out, std::string_view s) {
  // Property names are short strings; longer ones cannot be represented and are truncated.
  const auto n = s.size() > 0xFFFF ? std::size_t{0xFFFF} : s.size();
  put_be(out, n, 2);
  out.insert(out.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
}
void put_props(std::vector<std::uint8_t>& out, const std::vector<property>& props) {
  for (const auto& p : props) {
    put_key(out, p.key);
    encode(p.val, out);
  }
  put_be(out, 0, 2);
  put_u8(out, static_cast<std::uint8_t>(marker::object_end));
}

// Bounds-checked reader over the input span.
struct cursor {
  std::span<const std::uint8_t> in;
  std::size_t& pos;
  std::size_t& values_left;  // shared by every value of one decode/decode_all call

  bool has(std::size_t n) const { return in.size() - pos >= n; }
  std::uint64_t be(int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v = (v << 8) | in[pos++];
    return v;
  }
  std::string str(std::size_t n) {
    std::string s(reinterpret_cast<const char*>(in.data() + pos), n);
    pos += n;
    return s;
  }
};

result<value> decode_value(cursor& c, int depth);

// Reads key/value pairs up to the 00 00 09 end marker.
result<std::vector<property>> decode_props(cursor& c, int depth) {
  std::vector<property> props;
  for (;;) {
    if (!c.has(2))
      return error{"amf0: truncated property name"};
    const auto n = static_cast<std::size_t>(c.be(2));
    if (n == 0) {
      if (!c.has(1))
        return error{"amf0: missing object end marker"};
      if (c.in[c.pos] != static_cast<std::uint8_t>(marker::object_end))
        return error{"amf0: empty property name without object end marker"};
      ++c.pos;
      return props;
    }
    if (!c.has(n))
      return error{"amf0: truncated property name"};
    std::string key = c.str(n);
    auto v = decode_value(c, depth + 1);
    if (!v)
      return v.err();
    props.push_back(property{std::move(key), std::move(*v)});
  }
}

result<value> decode_value(cursor& c, int depth) {
  if (depth > max_depth)
    return error{"amf0: nesting too deep"};
  if (c.values_left == 0)
    return error{"amf0: more than 4096 values"};
  --c.values_left;
  if (!c.has(1))
    return error{"amf0: truncated value"};
  const auto m = c.in[c.pos++];
  switch (static_cast<marker>(m)) {
    case marker::number:
      if (!c.has(8))
        return error{"amf0: truncated number"};
      return value::number(std::bit_cast<double>(c.be(8)));
    case marker::boolean:
      if (!c.has(1))
        return error{"amf0: truncated boolean"};
      return value::boolean(c.be(1) != 0);
    case marker::string: {
      if (!c.has(2))
        return error{"amf0: truncated string length"};
      const auto n = static_cast<std::size_t>(c.be(2));
      if (!c.has(n))
        return error{"amf0: truncated string"};
      return value::string(c.str(n));
    }
    case marker::long_string: {
      if (!c.has(4))
        return error{"amf0: truncated long string length"};
      const auto n = static_cast<std::size_t>(c.be(4));
      if (!c.has(n))
        return error{"amf0: truncated long string"};
      return value::string(c.str(n));
    }
    case marker::object: {
      auto props = decode_props(c, depth);
      if (!props)
        return props.err();
      return value::object(std::move(*props));
    }
    case marker::null: return value::null();
    case marker::undefined: return value::undefined();
    case marker::ecma_array: {
      // The count is only a hint (encoders disagree on it); the end marker is authoritative.
      if (!c.has(4))
        return error{"amf0: truncated ecma array count"};
      c.be(4);
      auto props = decode_props(c, depth);
      if (!props)
        return props.err();
      return value::ecma_array(std::move(*props));
    }
    case marker::strict_array: {
      if (!c.has(4))
        return error{"amf0: truncated strict array count"};
      const auto n = c.be(4);
      // Every element takes at least one byte, so a count larger than the rest is a lie; checking
      // first also avoids reserving memory on the peer's word.
      if (n > c.in.size() - c.pos)
        return error{"amf0: strict array count exceeds input"};
      if (n > c.values_left)
        return error{"amf0: more than 4096 values"};
      std::vector<value> items;
      items.reserve(static_cast<std::size_t>(n));  // at most max_values
      for (std::uint64_t i = 0; i < n; ++i) {
        auto v = decode_value(c, depth + 1);
        if (!v)
          return v.err();
        items.push_back(std::move(*v));
      }
      return value::strict_array(std::move(items));
    }
    case marker::date: {
      if (!c.has(10))
        return error{"amf0: truncated date"};
      const double ms = std::bit_cast<double>(c.be(8));
      const auto tz = static_cast<std::int16_t>(static_cast<std::uint16_t>(c.be(2)));
      return value::date(ms, tz);
    }
    case marker::object_end: return error{"amf0: unexpected object end marker"};
  }
  return error{"amf0: unsupported marker 0x" + std::string{"0123456789abcdef"[m >> 4]} +
               "0123456789abcdef"[m & 15]};
}

}  // namespace

void encode(const value& v, std::vector<std::uint8_t>& out) {
  switch (v.type()) {
    case kind::number:
      put_u8(out, static_cast<std::uint8_t>(marker::number));
      put_double(out, v.as_number());
      break;
    case kind::boolean:
      put_u8(out, static_cast<std::uint8_t>(marker::boolean));
      put_u8(out, v.as_bool() ? 1 : 0);
      break;
    case kind::string: {
      const auto s = v.as_string();
      if (s.size() > 0xFFFF) {
        put_u8(out, static_cast<std::uint8_t>(marker::long_string));
        put_be(out, s.size(), 4);
      } else {
        put_u8(out, static_cast<std::uint8_t>(marker::string));
        put_be(out, s.size(), 2);
      }
      out.insert(out.end(), s.begin(), s.end());
      break;
    }
    case kind::object:
      put_u8(out, static_cast<std::uint8_t>(marker::object));
      put_props(out, v.properties());
      break;
    case kind::null: put_u8(out, static_cast<std::uint8_t>(marker::null)); break;
    case kind::undefined: put_u8(out, static_cast<std::uint8_t>(marker::undefined)); break;
    case kind::ecma_array:
      put_u8(out, static_cast<std::uint8_t>(marker::ecma_array));
      put_be(out, v.properties().size(), 4);
      put_props(out, v.properties());
      break;
    case kind::strict_array:
      put_u8(out, static_cast<std::uint8_t>(marker::strict_array));
      put_be(out, v.elements().size(), 4);
      for (const auto& e : v.elements())
        encode(e, out);
      break;
    case kind::date:
      put_u8(out, static_cast<std::uint8_t>(marker::date));
      put_double(out, v.as_number());
      put_be(out, static_cast<std::uint16_t>(v.timezone()), 2);
      break;
  }
}

std::vector<std::uint8_t> encode_all(std::span<const value> values) {
  std::vector<std::uint8_t> out;
  for (const auto& v : values)
    encode(v, out);
  return out;
}

result<value> decode(std::span<const std::uint8_t> in, std::size_t& pos) {
  if (pos > in.size())
    return error{"amf0: position past end of input"};
  std::size_t p = pos;
  std::size_t budget = max_values;
  cursor c{in, p, budget};
  auto v = decode_value(c, 0);
  if (v)
    pos = p;
  return v;
}

result<std::vector<value>> decode_all(std::span<const std::uint8_t> in) {
  std::vector<value> out;
  std::size_t pos = 0;
  std::size_t budget = max_values;
  cursor c{in, pos, budget};
  while (pos < in.size()) {
    auto v = decode_value(c, 0);
    if (!v)
      return v.err();
    out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace aethex::net::rtmp::amf0
