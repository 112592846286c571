// Parsing of the SRT `streamid` a publisher sends in its handshake.
//
// Two forms carry the stream key:
//   KEY                                   plain
//   #!::r=live/KEY,m=publish              SRT access-control form (keys in any order; `r=KEY`
//                                         without the application works too)
// Socket-free so that it can be unit-tested and fuzzed. Error reasons never contain the key.
#pragma once

#include <string>
#include <string_view>

namespace aethex::net::srt {

enum class streamid_error {
  none,
  malformed,         // syntax error, empty or oversized key, duplicate or empty fields
  unsupported_mode,  // m=request (playback) or m=bidirectional
  unsupported_type,  // t=file / t=auth: only live streams are accepted
  unknown_app,       // r=APP/KEY with an application other than "live"
};

struct streamid_result {
  std::string key;  // secret: never log it; empty when error != none
  streamid_error error = streamid_error::none;
  std::string reason;  // human-readable, safe to log (never contains the key)

  explicit operator bool() const { return error == streamid_error::none; }
};

/// The longest streamid SRT carries (SRTO_STREAMID limit).
inline constexpr std::size_t max_streamid_length = 512;
/// The longest stream key we accept.
inline constexpr std::size_t max_key_length = 128;

/// Extracts the stream key of a publish request.
streamid_result parse_streamid(std::string_view streamid);

/// The SRT rejection code (SRT_REJX_*) that tells a caller why its streamid was refused.
int reject_code(streamid_error error);

}  // namespace aethex::net::srt
