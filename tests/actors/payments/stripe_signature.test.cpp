// The Stripe-Signature check against signatures computed here with libsodium on its own (and one
// fixed vector from another HMAC implementation): valid, tampered, wrong secret, stale and future
// timestamps, malformed headers, v0 only, several v1, two secrets while rotating.
#include "actors/payments/stripe_signature.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/actors/payments/stripe_signing.hpp"

using namespace aethex::actors::stripe;

namespace {

const std::string secret = "whsec_test_secret";
const std::string body = R"({"id":"evt_test_1","object":"event"})";
constexpr std::int64_t signed_at = 1700000000;

std::string sign(const std::string& key, std::int64_t t, const std::string& payload) {
  return aethex::test::stripe_sign(key, t, payload);
}

signature_verdict check(const std::string& header, const std::string& payload = body,
                        std::vector<std::string> secrets = {secret},
                        std::int64_t now = signed_at + 10) {
  return verify_stripe_signature(header, payload, secrets, now).verdict;
}

std::string header_of(std::int64_t t, const std::string& v1) {
  return "t=" + std::to_string(t) + ",v1=" + v1;
}

}  // namespace

TEST_CASE("the signature computed here matches an independent HMAC-SHA256 implementation") {
  // Python: hmac.new(b"whsec_test_secret", b"1700000000." + body, hashlib.sha256).hexdigest()
  CHECK(sign(secret, signed_at, body) ==
        "29ab30b7065c11b28e53ac114fac5d6c492ed811a12d11ed2c2aad5bb4cf9809");
}

TEST_CASE("a correctly signed, fresh request is valid") {
  auto header = header_of(signed_at, sign(secret, signed_at, body));
  auto result = verify_stripe_signature(header, body, std::vector{secret}, signed_at + 10);
  CHECK(result.valid());
  CHECK(result.timestamp == signed_at);
  // Stripe's own form: test-mode v0 alongside, spaces after commas.
  CHECK(check("t=1700000000, v1=" + sign(secret, signed_at, body) + ", v0=abcdef") ==
        signature_verdict::valid);
  // Upper-case hex is the same signature.
  auto upper = sign(secret, signed_at, body);
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(check(header_of(signed_at, upper)) == signature_verdict::valid);
}

TEST_CASE("a tampered body or another secret matches no signature") {
  auto header = header_of(signed_at, sign(secret, signed_at, body));
  CHECK(check(header, body + " ") == signature_verdict::no_matching_signature);
  CHECK(check(header, R"({"id":"evt_test_2","object":"event"})") ==
        signature_verdict::no_matching_signature);
  CHECK(check(header, body, {"whsec_other"}) == signature_verdict::no_matching_signature);
  CHECK(check(header, body, {}) == signature_verdict::no_matching_signature);
  CHECK(check(header, body, {""}) == signature_verdict::no_matching_signature);
  // The timestamp is signed too: another t with the same v1 fails.
  CHECK(check(header_of(signed_at + 1, sign(secret, signed_at, body))) ==
        signature_verdict::no_matching_signature);
  // Not 64 hex digits.
  CHECK(check(header_of(signed_at, "zz")) == signature_verdict::no_matching_signature);
  CHECK(check(header_of(signed_at, sign(secret, signed_at, body) + "00")) ==
        signature_verdict::no_matching_signature);
}

TEST_CASE("timestamps more than 300 s away either way are refused; 300 s is accepted") {
  auto header = header_of(signed_at, sign(secret, signed_at, body));
  CHECK(check(header, body, {secret}, signed_at + 300) == signature_verdict::valid);
  CHECK(check(header, body, {secret}, signed_at - 300) == signature_verdict::valid);
  CHECK(check(header, body, {secret}, signed_at + 301) ==
        signature_verdict::timestamp_outside_tolerance);
  CHECK(check(header, body, {secret}, signed_at - 301) ==
        signature_verdict::timestamp_outside_tolerance);
  CHECK(check(header, body, {secret}, signed_at + 86400) ==
        signature_verdict::timestamp_outside_tolerance);
  // Only an authentic request learns that it is stale.
  CHECK(check(header, body, {"whsec_other"}, signed_at + 301) ==
        signature_verdict::no_matching_signature);
}

TEST_CASE("missing and malformed headers") {
  auto v1 = sign(secret, signed_at, body);
  CHECK(check("") == signature_verdict::missing_header);
  CHECK(check("   ") == signature_verdict::missing_header);
  CHECK(check("v1=" + v1) == signature_verdict::malformed_header);  // no t
  CHECK(check("t=,v1=" + v1) == signature_verdict::malformed_header);
  CHECK(check("t=soon,v1=" + v1) == signature_verdict::malformed_header);
  CHECK(check("t=-5,v1=" + v1) == signature_verdict::malformed_header);
  CHECK(check("t=1700000000x,v1=" + v1) == signature_verdict::malformed_header);
  CHECK(check("t=99999999999999999999,v1=" + v1) == signature_verdict::malformed_header);
  CHECK(check("t=1700000000,t=1700000001,v1=" + v1) == signature_verdict::malformed_header);
  CHECK(check("t=1700000000") == signature_verdict::malformed_header);  // no v1
  CHECK(check("t=1700000000,v1" + v1) == signature_verdict::malformed_header);
  CHECK(check("garbage") == signature_verdict::malformed_header);
}

TEST_CASE("v0 signatures are ignored: v0 alone is no v1") {
  auto v0 = sign(secret, signed_at, body);  // even a correct HMAC under another scheme name
  CHECK(check("t=1700000000,v0=" + v0) == signature_verdict::malformed_header);
}

TEST_CASE("any of several v1 signatures may match") {
  auto good = sign(secret, signed_at, body);
  auto other = sign("whsec_retired", signed_at, body);
  CHECK(check("t=1700000000,v1=" + other + ",v1=" + good) == signature_verdict::valid);
  CHECK(check("t=1700000000,v1=" + good + ",v1=" + other) == signature_verdict::valid);
  CHECK(check("t=1700000000,v1=" + other + ",v1=" + other) ==
        signature_verdict::no_matching_signature);
}

TEST_CASE("during a rotation either configured secret verifies") {
  std::vector<std::string> both{"whsec_old", "whsec_new"};
  for (const auto& key : both) {
    INFO(key);
    CHECK(check(header_of(signed_at, sign(key, signed_at, body)), body, both) ==
          signature_verdict::valid);
  }
  CHECK(check(header_of(signed_at, sign("whsec_gone", signed_at, body)), body, both) ==
        signature_verdict::no_matching_signature);
}

TEST_CASE("verdicts have the names clients see") {
  CHECK(to_string(signature_verdict::missing_header) == "missing_header");
  CHECK(to_string(signature_verdict::malformed_header) == "malformed_header");
  CHECK(to_string(signature_verdict::timestamp_outside_tolerance) == "timestamp_outside_tolerance");
  CHECK(to_string(signature_verdict::no_matching_signature) == "no_matching_signature");
}
