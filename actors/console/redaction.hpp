// What the console and its tail show of stored events (event_json, iso_time): every field whose
// name suggests a secret or personal data is masked, at any depth, by rule rather than by a list of
// exact names (a new event type with a "password_hash" or "api_token" field is masked without
// anyone remembering).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/event_store.hpp"

namespace aethex::actors {

/// True for field names the rule masks: containing "password", "hash", "token", "key",
/// "secret", "passphrase" or "credential", or equal to "email" (case-insensitive).
bool secret_field_name(std::string_view field);

/// The payload with every secret field's value replaced by "[redacted]". Fields that match the
/// rule but hold no secret (e.g. "keyframe_interval_ms") are shown when `event_type`'s allow
/// list names them. Text that is not JSON is returned as a string.
nlohmann::json redact_payload(std::string_view payload_json, std::string_view event_type = {});

/// One stored event as the console shows it: seq, positions, type, schema, time, redacted
/// payload.
nlohmann::json event_json(const storage::recorded_event& rec);

/// "2026-11-01T12:00:00.123Z"
std::string iso_time(std::int64_t unix_ms);

}  // namespace aethex::actors
