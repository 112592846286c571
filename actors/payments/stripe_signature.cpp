// Stripe-Signature verification (stripe_signature.hpp). The HMAC key is the secret string as
// configured, of any length (runtime::keyed_digest takes such keys); signatures are compared as
// hex in constant time (runtime::constant_time_equal).
#include "actors/payments/stripe_signature.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "runtime/secrets.hpp"

namespace aethex::actors::stripe {
namespace {

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
// Lower-cased, as runtime::keyed_digest writes its hex.
std::optional<std::string> parse_signature(std::string_view hex) {
  if (hex.size() != 64)
    return std::nullopt;
  std::string out{hex};
  for (auto& c : out) {
    if (c >= 'A' && c <= 'F')
      c = static_cast<char>(c - 'A' + 'a');
    else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return std::nullopt;
  }
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
  header = trim_spaces(header);
  if (header.empty())
    return {signature_verdict::missing_header};

  std::optional<std::string_view> timestamp_text;
  std::vector<std::optional<std::string>> signatures;
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
    auto expected = runtime::keyed_digest(secret, std::string{*timestamp_text} + "." +
                                                    std::string{payload});
    for (const auto& signature : signatures)
      if (signature && runtime::constant_time_equal(expected, *signature))
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
