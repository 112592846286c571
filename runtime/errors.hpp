// The one error type of the project: a caf::error in our own category. Domain refusals travel as
// one (so an entity on another node can refuse), and every front end (HTTP, WebSocket, RTMP,
// console) turns it into its own clear message through the one table in errors.cpp — no string
// matching, no per-front-end switch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace aethex {

enum class errc : std::uint8_t {
  invalid_argument = 1,    // malformed or out-of-range input (HTTP 400)
  unauthorized,            // missing/invalid credentials (401)
  forbidden,               // authenticated but not allowed (403)
  not_found,               // entity does not exist (404)
  conflict,                // already exists / busy / version conflict (409)
  unavailable,             // storage or node failure, or a full queue (503)
  internal,                // bug or unexpected state (500)
  invalid_json,            // a request body that is not the JSON it must be (400)
  rate_limited,            // too many requests from this client; retry later (429)
  payload_too_large,       // a body over the route's own size limit (413)
  unsupported_media_type,  // a body of a format the route does not take (415)
};

inline constexpr caf::atom_value error_category = caf::atom("aethex");

/// `reason` refines the code for clients that act on it (a chat notice's "slow_mode"); empty
/// means the code's own name. `retry_after_s` > 0 tells the client when to come back.
inline caf::error make_error(errc code, std::string message, std::string reason = {},
                             std::uint32_t retry_after_s = 0) {
  return caf::error{static_cast<std::uint8_t>(code), error_category,
                    caf::make_message(std::move(message), std::move(reason), retry_after_s)};
}

/// Code of an aethex error, or errc::internal for errors from other categories (a timed-out
/// request counts as errc::unavailable).
errc code_of(const caf::error& err);
/// The human-readable message carried by an aethex error (or CAF's rendering of other errors).
std::string message_of(const caf::error& err);
/// The reason a client sees: the error's own reason, else the code's name ("not_found").
std::string reason_of(const caf::error& err);
/// Seconds after which a retry may succeed, 0 when the error does not say.
std::uint32_t retry_after_of(const caf::error& err);

/// Stable snake_case name used in JSON error bodies ("not_found").
const char* to_string(errc code);
/// HTTP status of a code (the same table serves the WebSocket and console front ends, which
/// use the names).
unsigned http_status_of(errc code);

}  // namespace aethex
