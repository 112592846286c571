// Verification of Stripe's `Stripe-Signature` webhook header, without I/O (docs/payments.md).
//
// The header is a comma-separated list of `key=value`: `t=` the Unix time Stripe signed at, and
// one or more `v1=` hex HMAC-SHA256 signatures of "{t}.{raw body}" keyed with the endpoint's
// signing secret (the whole "whsec_..." string). Other schemes (`v0=`) are ignored. A request is
// authentic when any v1 matches any configured secret (two during a rotation), and fresh when
// |now - t| <= tolerance: a captured request cannot be replayed later.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace aethex::actors::stripe {

/// Stripe's own libraries allow five minutes either way.
inline constexpr std::int64_t signature_tolerance_s = 300;

enum class signature_verdict {
  valid,
  missing_header,               // no Stripe-Signature header (or an empty one)
  malformed_header,             // an item that is not key=value, no numeric `t`, no `v1`
  timestamp_outside_tolerance,  // authentic, but signed too long ago (or in the future)
  no_matching_signature,        // no v1 is the HMAC of the payload under any secret
};

/// The verdict's snake_case name, the error reason clients see ("no_matching_signature").
std::string_view to_string(signature_verdict verdict);

struct signature_check {
  signature_verdict verdict = signature_verdict::missing_header;
  std::int64_t timestamp = 0;  // the header's `t`, once parsed
  bool valid() const { return verdict == signature_verdict::valid; }
};

/// Checks `header` against `payload` (the raw request body, byte for byte) under `secrets`
/// at Unix time `now_s`. Signatures are compared in constant time, and before the timestamp, as
/// Stripe's libraries do: only an authentic request learns that it is stale. Empty secrets are
/// skipped.
signature_check verify_stripe_signature(std::string_view header, std::string_view payload,
                                        std::span<const std::string> secrets, std::int64_t now_s,
                                        std::int64_t tolerance_s = signature_tolerance_s);

}  // namespace aethex::actors::stripe
