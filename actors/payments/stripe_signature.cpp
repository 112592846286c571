// Stripe-Signature verification (stripe_signature.hpp). The HMAC key is the secret string as
// configured, of any length: libsodium's init/update/final API takes such keys (the one-shot
// crypto_auth_hmacsha256 wants exactly 32 bytes).
#include "actors/payments/stripe_signature.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include <sodium.h>

namespace aethex::actors::stripe {
namespace {

using digest = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// Decimal seconds only: no sign, no spaces, at most 18 digits (so now - t cannot overflow).
std::optional<std::int64_t> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.front() == '-')
    return std::nullopt;
  return value;
}

// A v1 that is not 64 hex digits can match nothing; it still counts as a v1 that was sent.
std::optional<digest> parse_signature(std::string_view hex) {
  digest out{};
  std::size_t written = 0;
  const char* end = nullptr;
  if (hex.size() != out.size() * 2 ||
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &written, &end) !=
        0 ||
      written != out.size() || end != hex.data() + hex.size())
    return std::nullopt;
  return out;
}

digest hmac_of(std::string_view secret, std::string_view timestamp, std::string_view payload) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(timestamp.data()),
                                timestamp.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(payload.data()),
                                payload.size());
  digest out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);  // it holds the key's pads
  return out;
}

}  // namespace

std::string_view to_string(signature_verdict verdict) {
  switch (verdict) {
    case signature_verdict::valid: return "valid";
    case signature_verdict::missing_header: return "missing_header";
    case signature_verdict::malformed_header: return "malformed_header";
    case signature_verdict::timestamp_outside_tolerance: return "timestamp_outside_tolerance";
    case signature_verdict::no_matching_signature: return "no_matching_signature";
  }
  return "malformed_header";
}

signature_check verify_stripe_signature(std::string_view header, std::string_view payload,
                                        std::span<const std::string> secrets, std::int64_t now_s,
                                        std::int64_t tolerance_s) {
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready)
    throw std::runtime_error("libsodium failed to initialise");
  header = trim_spaces(header);
  if (header.empty())
    return {signature_verdict::missing_header};

  std::optional<std::string_view> timestamp_text;
  std::vector<std::optional<digest>> signatures;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = trim_spaces(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (item.empty())
      continue;  // "a=1,,b=2": nothing to misread
    auto equals = item.find('=');
    if (equals == std::string_view::npos)
      return {signature_verdict::malformed_header};
    auto key = item.substr(0, equals);
    auto value = item.substr(equals + 1);
    if (key == "t") {
      if (timestamp_text)
        return {signature_verdict::malformed_header};  // two times: which one was signed?
      timestamp_text = value;
    } else if (key == "v1") {
      signatures.push_back(parse_signature(value));
    }  // other schemes (v0, test-mode extras) are not ours to check
  }
  auto timestamp = timestamp_text ? parse_timestamp(*timestamp_text) : std::nullopt;
  if (!timestamp || signatures.empty())
    return {signature_verdict::malformed_header};

  // Every secret against every v1, without stopping early: the time taken says nothing.
  bool matched = false;
  for (const auto& secret : secrets) {
    if (secret.empty())
      continue;
    auto expected = hmac_of(secret, *timestamp_text, payload);
    for (const auto& signature : signatures)
      if (signature && sodium_memcmp(expected.data(), signature->data(), expected.size()) == 0)
        matched = true;
  }
  if (!matched)
    return {signature_verdict::no_matching_signature, *timestamp};
  auto age = now_s - *timestamp;
  if (age > tolerance_s || age < -tolerance_s)
    return {signature_verdict::timestamp_outside_tolerance, *timestamp};
  return {signature_verdict::valid, *timestamp};
}

}  // namespace aethex::actors::stripe
