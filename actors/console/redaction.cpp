#include "actors/console/redaction.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// Fields the rule would mask although they hold no secret, per event type: a domain whose event
// has, say, a "keyframe_interval_ms" adds {"<event type>", "keyframe_interval_ms"} here. Every
// entry is a decision that the field is safe to show to an operator; none is needed yet.
constexpr std::array<std::pair<std::string_view, std::string_view>, 0> allowed{};

bool allowed_field(std::string_view event_type, std::string_view field) {
  return std::any_of(allowed.begin(), allowed.end(), [&](auto& entry) {
    return entry.first == event_type && entry.second == field;
  });
}

void redact(json& value, std::string_view event_type) {
  if (value.is_object()) {
    for (auto& [field, inner] : value.items()) {
      if (secret_field_name(field) && !allowed_field(event_type, field))
        inner = "[redacted]";
      else
        redact(inner, event_type);
    }
  } else if (value.is_array()) {
    for (auto& inner : value)
      redact(inner, event_type);
  }
}

}  // namespace

bool secret_field_name(std::string_view field) {
  std::string lower{field};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::array<std::string_view, 7> parts{
    "password", "hash", "token", "key", "secret", "passphrase", "credential"};
  if (lower == "email")
    return true;
  return std::any_of(parts.begin(), parts.end(),
                     [&](std::string_view part) { return lower.find(part) != std::string::npos; });
}

json redact_payload(std::string_view payload_json, std::string_view event_type) {
  // Stored payloads were written by our entities, but depth is bounded anyway: redaction
  // recurses.
  auto body = json::parse(payload_json, nullptr, false);
  if (body.is_discarded())
    return json(std::string{payload_json});
  redact(body, event_type);
  return body;
}

}  // namespace aethex::actors
