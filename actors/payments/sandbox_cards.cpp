// Stripe's test cards in the sandbox (sandbox_cards.hpp).
#include "actors/payments/sandbox_cards.hpp"

#include <array>
#include <chrono>

#include "runtime/errors.hpp"

namespace aethex::actors::sandbox {
namespace {

constexpr std::array<test_card, 6> cards_table{{
  {"4242424242424242", "visa", "succeeds", card_class::succeeds},
  {"4000000000000002", "visa", "declined: card_declined", card_class::declined},
  {"4000000000009995", "visa", "declined: insufficient_funds", card_class::insufficient_funds},
  {"4000002500003155", "visa",
   "asks for 3-D Secure on the pay page; declined off-session (authentication_required)",
   card_class::requires_3ds},
  {"4000000000000341", "visa",
   "can be saved and the first payment succeeds; later off-session charges are declined "
   "(card_declined)",
   card_class::declines_later},
  {"4000000000000259", "visa", "succeeds, then a dispute opens at once", card_class::disputed},
}};

constexpr std::array<std::string_view, 7> class_names{
  "succeeds",       "declined", "insufficient_funds", "requires_3ds",
  "declines_later", "disputed", "not_a_test_card"};

std::string brand_of_card(std::string_view digits) {
  if (digits.starts_with("4"))
    return "visa";
  if (digits.size() >= 2 && digits[0] == '5' && digits[1] >= '1' && digits[1] <= '5')
    return "mastercard";
  if (digits.starts_with("34") || digits.starts_with("37"))
    return "amex";
  if (digits.starts_with("6011") || digits.starts_with("65"))
    return "discover";
  return "card";
}

caf::error card_error(std::string message, std::string reason) {
  return make_error(errc::invalid_argument, std::move(message), std::move(reason));
}

}  // namespace

std::string_view to_string(card_class c) { return class_names.at(static_cast<std::size_t>(c)); }

card_class card_class_of(std::string_view name) {
  for (std::size_t i = 0; i < class_names.size(); ++i)
    if (class_names[i] == name)
      return static_cast<card_class>(i);
  return card_class::not_a_test_card;
}

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (d < 0 || d > 9)
      return false;
    if (twice && (d *= 2) > 9)
      d -= 9;
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

caf::expected<checked_card> check_card(std::string_view number, int exp_month, int exp_year,
                                       std::string_view cvc, std::int64_t now_ms) {
  std::string digits;
  for (char c : number) {
    if (c >= '0' && c <= '9')
      digits.push_back(c);
    else if (c != ' ' && c != '-')
      return card_error("the card number may only hold digits", "invalid_number");
    if (digits.size() > 19)
      break;
  }
  if (digits.size() < 12 || digits.size() > 19 || !luhn_valid(digits))
    return card_error("the card number is not valid", "invalid_number");
  if (exp_month < 1 || exp_month > 12)
    return card_error("the expiry month must be 1-12", "invalid_expiry_month");
  if (exp_year >= 0 && exp_year < 100)
    exp_year += 2000;
  using namespace std::chrono;
  year_month_day today{floor<days>(sys_time<milliseconds>{milliseconds{now_ms}})};
  int this_year = static_cast<int>(today.year());
  int this_month = static_cast<int>(static_cast<unsigned>(today.month()));
  if (exp_year < this_year || (exp_year == this_year && exp_month < this_month))
    return card_error("the card has expired", "expired_card");
  if (exp_year > this_year + 50)
    return card_error("the expiry year is not valid", "invalid_expiry_year");
  if (cvc.size() < 3 || cvc.size() > 4 ||
      cvc.find_first_not_of("0123456789") != std::string_view::npos)
    return card_error("the security code (CVC) must be 3 or 4 digits", "invalid_cvc");
  checked_card card;
  card.brand = brand_of_card(digits);
  card.last4 = digits.substr(digits.size() - 4);
  card.exp_month = exp_month;
  card.exp_year = exp_year;
  for (const auto& t : cards_table)
    if (t.number == digits)
      card.behaviour = t.behaviour;
  return card;
}

std::span<const test_card> test_cards() { return cards_table; }

std::string_view off_session_decline(card_class c) {
  switch (c) {
    case card_class::succeeds:
    case card_class::disputed: return {};
    case card_class::insufficient_funds: return "insufficient_funds";
    case card_class::requires_3ds: return "authentication_required";
    case card_class::declined:
    case card_class::declines_later:
    case card_class::not_a_test_card: break;
  }
  return "card_declined";
}

}  // namespace aethex::actors::sandbox
