#include "runtime/bounded_json.hpp"

namespace aethex::runtime {

std::size_t json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > deepest && (deepest = depth) > limit)
          return deepest;
        break;
      case ']':
      case '}':
        if (depth > 0)
          --depth;
        break;
      default: break;
    }
  }
  return deepest;
}

nlohmann::json parse_client_json(std::string_view text, json_refusal* why, std::size_t max_depth) {
  auto refuse = [why](json_refusal reason) {
    if (why)
      *why = reason;
    return nlohmann::json(nlohmann::json::value_t::discarded);
  };
  if (json_depth(text, max_depth) > max_depth)
    return refuse(json_refusal::too_deep);
  auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded())
    return refuse(json_refusal::invalid);
  if (why)
    *why = json_refusal::none;
  return value;
}

}  // namespace aethex::runtime
