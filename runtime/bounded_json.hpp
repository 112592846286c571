// Parsing JSON that comes from clients. nlohmann's parser is iterative, but dumping, comparing and
// copying recurse once per nesting level, so a 120 KB body of '[' can overflow a thread's stack
// anywhere it is used later. Every client-supplied JSON text (HTTP bodies, chat frames, console
// input) is parsed here, which refuses nesting beyond a small depth before building anything.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aethex::runtime {

/// Deepest nesting of arrays and objects a client may send (real requests use 2 or 3).
inline constexpr std::size_t max_json_depth = 64;

enum class json_refusal : std::uint8_t { none, invalid, too_deep };

/// Nesting depth of the arrays/objects in `text` (strings skipped), stopping early once it
/// passes `limit`; malformed text is measured as far as it goes.
std::size_t json_depth(std::string_view text, std::size_t limit);

/// Parses `text`; on invalid or too deeply nested input returns a discarded value and says why
/// in `why` (when given).
nlohmann::json parse_client_json(std::string_view text, json_refusal* why = nullptr,
                                 std::size_t max_depth = max_json_depth);

}  // namespace aethex::runtime
