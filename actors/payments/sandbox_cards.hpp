// The sandbox provider's cards: Stripe's test card numbers and what each does
// (docs/payments.md), so a node takes test payments offline the way Stripe's test mode would.
// Pure functions: the pay route checks a card here, and only its class, brand, last 4 digits
// and expiry ever reach the provider entity (a card number is never stored or logged).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace aethex::actors::sandbox {

/// What a test card does.
enum class card_class : std::uint8_t {
  succeeds,            // 4242 4242 4242 4242
  declined,            // 4000 0000 0000 0002: card_declined
  insufficient_funds,  // 4000 0000 0000 9995
  requires_3ds,        // 4000 0025 0000 3155: 3-D Secure on session, authentication_required off
  declines_later,      // 4000 0000 0000 0341: saved, first checkout succeeds, later charges decline
  disputed,            // 4000 0000 0000 0259: succeeds, then a dispute opens at once
  not_a_test_card,     // any other valid number: declined, use a test card
};

std::string_view to_string(card_class c);
/// card_class from its name (a saved method's); not_a_test_card for an unknown name.
card_class card_class_of(std::string_view name);

struct checked_card {
  card_class behaviour = card_class::not_a_test_card;
  std::string brand;  // "visa", "mastercard", "amex", "discover", "card"
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;  // four digits
};

/// Checks a card as entered: digits (spaces and dashes allowed) passing Luhn, 12–19 long; expiry
/// month 1–12 and year (2 or 4 digits) not before this month (`now_ms`); CVC of 3–4 digits.
/// errc::invalid_argument with a message for the person typing it.
caf::expected<checked_card> check_card(std::string_view number, int exp_month, int exp_year,
                                       std::string_view cvc, std::int64_t now_ms);

/// Luhn check of a digit string.
bool luhn_valid(std::string_view digits);

struct test_card {
  std::string_view number;
  std::string_view brand;
  std::string_view outcome;  // what happens, for the test-cards page
  card_class behaviour;
};
/// The cards of the test-cards page, in its order.
std::span<const test_card> test_cards();

/// The outcome of charging a saved card of class `c` without the payer present (renewals):
/// empty when it succeeds, else the decline code.
std::string_view off_session_decline(card_class c);

}  // namespace aethex::actors::sandbox
