// Domain errors travel as caf::error with our own category, so every front end (HTTP, RTMP,
// console) can turn them into its own clear message without string matching.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace aethex {

enum class errc : std::uint8_t {
  invalid_argument = 1,  // malformed or out-of-range input (HTTP 400)
  unauthorized,          // missing/invalid credentials (401)
  forbidden,             // authenticated but not allowed (403)
  not_found,             // entity does not exist (404)
  conflict,              // already exists / busy / version conflict (409)
  unavailable,           // storage or node failure (503)
  internal,              // bug or unexpected state (500)
};

inline constexpr caf::atom_value error_category = caf::atom("aethex");

inline caf::error make_error(errc code, std::string message) {
  return caf::error{static_cast<std::uint8_t>(code), error_category,
                    caf::make_message(std::move(message))};
}

/// Code of an aethex error, or errc::internal for errors from other categories.
errc code_of(const caf::error& err);
/// The human-readable message carried by an aethex error (or CAF's rendering of other errors).
std::string message_of(const caf::error& err);
/// Stable snake_case name used in JSON error bodies ("not_found").
const char* to_string(errc code);

}  // namespace aethex
