// Stripe's signature computed here with libsodium on its own, for the tests that sign requests:
// HMAC-SHA256 of "{t}.{body}" under the secret, hex (what Stripe sends as v1).
#pragma once

#include <cstdint>
#include <string>

#include <doctest/doctest.h>
#include <sodium.h>

namespace aethex::test {

inline std::string stripe_hmac_hex(const std::string& key, const std::string& text) {
  REQUIRE(sodium_init() >= 0);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                                text.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

/// The v1 signature of `payload` signed at Unix time `t`.
inline std::string stripe_sign(const std::string& key, std::int64_t t, const std::string& payload) {
  return stripe_hmac_hex(key, std::to_string(t) + "." + payload);
}

/// A whole Stripe-Signature header.
inline std::string stripe_signature_header(const std::string& key, std::int64_t t,
                                           const std::string& payload) {
  return "t=" + std::to_string(t) + ",v1=" + stripe_sign(key, t, payload);
}

}  // namespace aethex::test
