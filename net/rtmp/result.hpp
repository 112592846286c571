// A small std::expected stand-in (the toolchain's C++20 library has none): parsers return a value
// or a human-readable error, and never throw on malformed network input.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace aethex::net::rtmp {

struct error {
  std::string message;
};

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& err() const { return std::get<1>(v_); }
  const std::string& message() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, error> v_;
};

using status = result<std::monostate>;
inline status ok() { return std::monostate{}; }

}  // namespace aethex::net::rtmp
