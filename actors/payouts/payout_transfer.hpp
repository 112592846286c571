// Stripe mode: a payout reserved in the ledger leaves as a Stripe Transfer to the channel's
// connected account (docs/monetization.md#payouts). Built and read here without I/O; the payouts
// entity sends it through node_env::send_http and posts or voids the reservation by the answer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "actors/core/outbound_http.hpp"
#include "actors/payouts/payouts.hpp"
#include "actors/payouts/payouts_events.hpp"

namespace aethex::actors::payout_transfer {

/// POST /v1/transfers of payout `p` to `account`, Idempotency-Key "transfer:payout:<c>:<n>": a
/// retry after a lost answer or a restart is the same Transfer to Stripe, never a second one.
outbound_request request(const payout_settings& settings, const std::string& account,
                         const payout_events::payout& p);

enum class verdict {
  sent,        // Stripe created the Transfer: the reservation is posted, the payout paid
  refused,     // Stripe said no (no balance, account not ready…): the reservation is voided
  unreachable  // no answer, or Stripe was busy: asked again at the next check
};

struct outcome {
  verdict what = verdict::unreachable;
  std::string message;  // why, for the payout's history when refused
};

/// What Stripe's answer (`status` 0: the transport failed) means for the payout.
outcome interpret(long status, const nlohmann::json& body);

}  // namespace aethex::actors::payout_transfer
