// The values a console script works with, apart from running it: JSON paths into a result
// (`expect`), comparisons and durations (`sleep`, `tail --for`). Declared in interpreter.hpp.
#include <charconv>
#include <cmath>
#include <regex>

#include "net/console/interpreter.hpp"

namespace aethex::console {

std::string scalar_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::optional<json> json_at(const json& root, std::string_view path, std::string& error) {
  if (path.empty() || path.front() != '.') {
    error = "a path starts with '.', got '" + std::string{path} + "'";
    return std::nullopt;
  }
  const json* at = &root;
  json size_holder;
  std::size_t pos = 1;
  std::string where = ".";
  while (pos < path.size()) {
    if (path[pos] == '[') {
      auto close = path.find(']', pos);
      long long index = 0;
      auto text = path.substr(pos + 1, close == std::string_view::npos ? 0 : close - pos - 1);
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
      if (close == std::string_view::npos || ec != std::errc{} ||
          end != text.data() + text.size()) {
        error = "malformed index in path '" + std::string{path} + "'";
        return std::nullopt;
      }
      if (!at->is_array()) {
        error = where + " is not a list";
        return std::nullopt;
      }
      auto size = static_cast<long long>(at->size());
      if (index < 0)
        index += size;
      if (index < 0 || index >= size) {
        error = "index " + std::string{text} + " is out of range at " + where + " (size " +
                std::to_string(size) + ")";
        return std::nullopt;
      }
      at = &(*at)[static_cast<std::size_t>(index)];
      where += "[" + std::string{text} + "]";
      pos = close + 1;
      if (pos < path.size() && path[pos] == '.')
        ++pos;
      continue;
    }
    auto end = path.find_first_of(".[", pos);
    auto key = std::string{path.substr(pos, end == std::string_view::npos ? end : end - pos)};
    if (key.empty()) {
      error = "empty field name in path '" + std::string{path} + "'";
      return std::nullopt;
    }
    if (at->is_object() && at->contains(key)) {
      at = &(*at)[key];
    } else if (key == "length" && (at->is_array() || at->is_object() || at->is_string())) {
      size_holder = at->is_string() ? at->get<std::string>().size() : at->size();
      at = &size_holder;
    } else {
      error = "no field '" + key + "' at " + where;
      return std::nullopt;
    }
    where += (where == "." ? "" : ".") + key;
    pos = end == std::string_view::npos ? path.size() : end;
    if (pos < path.size() && path[pos] == '.')
      ++pos;
  }
  return *at;
}

bool is_compare_op(std::string_view w) {
  return w == "==" || w == "!=" || w == "<" || w == "<=" || w == ">" || w == ">=" ||
         w == "contains" || w == "matches";
}

bool compare(const json& actual, std::string_view op, std::string_view expected_text,
             std::string& error) {
  auto expected = json::parse(expected_text, nullptr, false);
  auto text = std::string{expected_text};
  if (expected.is_discarded())
    expected = text;
  auto equal = [&](const json& v) {
    return v == expected || (v.is_string() ? v.get<std::string>() == text : v.dump() == text);
  };
  if (op == "==")
    return equal(actual);
  if (op == "!=")
    return !equal(actual);
  if (op == "contains") {
    if (actual.is_string())
      return actual.get<std::string>().find(text) != std::string::npos;
    if (actual.is_array())
      return std::any_of(actual.begin(), actual.end(), equal);
    if (actual.is_object())
      return actual.contains(text);
    error = "contains needs a string, list or object, got " + actual.dump();
    return false;
  }
  if (op == "matches") {
    try {
      return std::regex_search(scalar_text(actual), std::regex{text});
    } catch (const std::regex_error&) {
      error = "malformed regular expression '" + text + "'";
      return false;
    }
  }
  if (!actual.is_number() || !expected.is_number()) {
    error = std::string{op} + " compares numbers, got " + actual.dump() + " and " + text;
    return false;
  }
  auto a = actual.get<double>();
  auto b = expected.get<double>();
  if (op == "<")
    return a < b;
  if (op == "<=")
    return a <= b;
  if (op == ">")
    return a > b;
  if (op == ">=")
    return a >= b;
  error = "unknown operator " + std::string{op};
  return false;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto unit_at = text.find_first_not_of("0123456789.");
  auto number = text.substr(0, unit_at);
  auto unit = unit_at == std::string_view::npos ? std::string_view{} : text.substr(unit_at);
  if (number.empty() || number.find('.') != number.rfind('.'))
    return std::nullopt;
  double value = 0;
  try {
    value = std::stod(std::string{number});
  } catch (const std::exception&) {
    return std::nullopt;
  }
  double ms_per_unit = 0;
  if (unit.empty() || unit == "s")
    ms_per_unit = 1000;
  else if (unit == "ms")
    ms_per_unit = 1;
  else if (unit == "m")
    ms_per_unit = 60'000;
  else if (unit == "h")
    ms_per_unit = 3'600'000;
  else
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<long long>(std::llround(value * ms_per_unit))};
}

}  // namespace aethex::console
