// Web Push message encryption (RFC 8291, "aes128gcm" of RFC 8188) and VAPID (RFC 8292) over
// OpenSSL's primitives (ECDH and ECDSA on P-256, HMAC-SHA-256 for HKDF, AES-128-GCM).
//
// Why written here: Debian ships no Web Push library for C or C++ (the maintained ones are
// JavaScript, Python, Go, Rust and Java), while libssl-dev is already a dependency of the node.
// Only the framing is ours; every primitive is OpenSSL's. tests/actors/push reproduces RFC 8291
// Appendix A byte for byte, and the e2e test decrypts and verifies with python3-cryptography.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aethex::actors::webpush {

/// A P-256 key pair as raw bytes: the uncompressed point (65 bytes, 0x04 || x || y) and the
/// private scalar (32 bytes). The private half is a secret: never logged.
struct key_pair {
  std::string public_key;
  std::string private_key;
};

/// A fresh P-256 key pair; nullopt when OpenSSL fails (no entropy).
std::optional<key_pair> generate_keys();

/// The public point of `private_key` (32 bytes), or nullopt when it is not a valid scalar.
std::optional<std::string> public_of(std::string_view private_key);

/// Unpadded base64url (RFC 4648 §5), the encoding Web Push uses for keys and JWTs.
std::string base64url_encode(std::string_view bytes);
/// Accepts padded or unpadded base64url; nullopt on any other character.
std::optional<std::string> base64url_decode(std::string_view text);

/// Record size written in the aes128gcm header; one record carries the whole message.
inline constexpr std::uint32_t record_size = 4096;
/// The largest plaintext one record carries (record size − 16-byte tag − 1 delimiter byte).
inline constexpr std::size_t max_plaintext = record_size - 17;

/// RFC 8291 §3-4: encrypts `plaintext` for the subscription whose public key is `ua_public`
/// (65 bytes) and authentication secret `auth_secret` (16 bytes), with the sender's ephemeral
/// key pair `as` and the 16-byte `salt`. Returns the body: salt || rs || idlen || keyid ||
/// ciphertext. nullopt on bad key sizes, a point off the curve, or a plaintext too long.
std::optional<std::string> encrypt(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret, const key_pair& as,
                                   std::string_view salt);
/// The same with a fresh ephemeral key pair and a random salt (what a real push uses).
std::optional<std::string> encrypt(std::string_view plaintext, std::string_view ua_public,
                                   std::string_view auth_secret);

/// "scheme://host[:port]" of an absolute URL: the JWT's `aud` (RFC 8292 §2); empty when
/// `url` has no scheme or host.
std::string origin_of(std::string_view url);

/// RFC 8292 §2: the ES256 JWT {"aud", "exp", "sub"} signed with the VAPID key; nullopt when
/// signing fails. `exp_s` is seconds since the epoch (at most 24 h ahead, by the caller).
std::optional<std::string> vapid_jwt(const key_pair& vapid, std::string_view audience,
                                     std::int64_t exp_s, std::string_view subject);
/// The Authorization header's value: "vapid t=<jwt>, k=<public key, base64url>".
std::string vapid_authorization(const key_pair& vapid, const std::string& jwt);

/// Whether `jwt`'s ES256 signature verifies with `public_key` (65 bytes): tests and checks.
bool verify_jwt(std::string_view jwt, std::string_view public_key);

}  // namespace aethex::actors::webpush
