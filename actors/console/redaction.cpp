#include "actors/console/redaction.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>

#include "actors/core/text.hpp"

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
  auto lower = ascii_lower(field);
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

nlohmann::json event_json(const storage::recorded_event& rec) {
  return nlohmann::json{{"seq", rec.seq},
                        {"global", rec.global_position},
                        {"type", rec.data.type},
                        {"schema", rec.data.schema},
                        {"time", iso_time(rec.data.timestamp_ms)},
                        {"ts_ms", rec.data.timestamp_ms},
                        {"payload", redact_payload(rec.data.payload, rec.data.type)}};
}

std::string iso_time(std::int64_t unix_ms) {
  std::time_t seconds = unix_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string{text, n} + millis;
}

}  // namespace aethex::actors
