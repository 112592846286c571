// payouts/<channel>: a creator's earnings on hold, payout requests and history, tax form
// (docs/monetization.md). Payments tells it of every new hold.
#pragma once

#include <string>
#include <string_view>

#include <caf/atom.hpp>

namespace aethex::actors {

using earnings_held_atom = caf::atom_constant<caf::atom("earnheld")>;

/// Protocol of payouts/<channel>; JSON text in and out:
///  (earnings_held_atom, {"payment", "transfer", "amount", "currency", "release_at_ms"})
///      -> {"held": true}; the entity posts the ledger's pending transfer at release_at_ms
struct payouts_protocol {
  static constexpr std::string_view kind = "payouts";
  static std::string reply_to(earnings_held_atom, std::string hold);
};

}  // namespace aethex::actors
