// How a payment is booked in ledger/main and reversed (docs/monetization.md): the ledger
// requests as JSON, built without I/O. Transfer ids derive from the payment id, so a retried
// booking or reversal books nothing twice.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/node_config.hpp"

namespace aethex::actors::payments {

struct payment_split {
  std::int64_t share = 0;  // the creator's
  std::int64_t cut = 0;    // the platform's
  std::int64_t fee = 0;    // processing
};

/// cut = amount × cut_bp / 10000 and fee = amount × fee_bp / 10000 + fee_fixed, each rounded half
/// up; the fee is capped at what the cut leaves; share = the rest. `product`: sub, tip or gift.
payment_split split_payment(std::int64_t amount, std::string_view product,
                            const runtime::monetization_config& money);

std::string provider_account(std::string_view provider);
std::string earnings_account(std::string_view channel);
inline constexpr std::string_view revenue_account = "platform:revenue";
inline constexpr std::string_view processing_account = "platform:processing";

/// {"accounts": [...]}: the provider's, the channel's earnings (never below zero), revenue and
/// processing, in `currency`. Opening them again answers `exists`.
nlohmann::json booking_accounts(std::string_view provider, std::string_view channel,
                                std::string_view currency);

struct booking_input {
  std::string_view payment, provider, channel, product;
  payment_split split;
};
/// {"transfers": [...]}: the linked chain earn:<p> (pending, no timeout), cut:<p>, fee:<p>;
/// zero legs left out.
nlohmann::json booking_transfers(const booking_input& in);

/// Reversal, step 1: void the hold {"id": "void:<p>", "void": "earn:<p>"}.
nlohmann::json reversal_void(std::string_view payment);
/// Step 2 (the hold was already posted): channel earnings → provider, id rev:earn:<p>.
nlohmann::json reversal_from_earnings(const booking_input& in, std::string_view reason);
/// Step 2b (the earnings were paid out already): platform:revenue → provider, id rev:short:<p>,
/// code "earnings_shortfall": the platform carries what it cannot take back.
nlohmann::json reversal_from_revenue(const booking_input& in);
/// Step 3: the cut and fee back to the provider, linked (rev:cut:<p>, rev:fee:<p>); null when
/// both are zero.
nlohmann::json reversal_cut_and_fee(const booking_input& in, std::string_view reason);

/// The status of every result of a ledger answer is ok or exists.
bool ledger_all_ok(const nlohmann::json& answer);
/// The status of result `i` ("" when absent).
std::string ledger_status(const nlohmann::json& answer, std::size_t i);

}  // namespace aethex::actors::payments
