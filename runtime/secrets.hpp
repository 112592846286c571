// Random secrets (stream keys, tokens) and their safe comparison/hashing.
#pragma once

#include <string>
#include <string_view>

namespace aethex::runtime {

/// `bytes` random bytes from the OS CSPRNG, hex encoded (2 * bytes characters).
std::string random_hex(std::size_t bytes);
/// Comparison whose duration does not depend on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);
/// Hex SHA-256 of a high-entropy token; used to store tokens without keeping them.
std::string token_digest(std::string_view token);
/// Hex HMAC-SHA-256 of `text` under `key`: capabilities carried in URLs (the media links of a
/// VOD that not everyone may see), checked without a lookup.
std::string keyed_digest(std::string_view key, std::string_view text);

}  // namespace aethex::runtime
