// payouts/<channel>: a creator's earnings on hold, payout requests and history, tax form
// (docs/monetization.md). Payments tells it of every new hold.
//
// Events: payouts.held {"payment","transfer","amount","currency","release_at_ms","product"?},
// payouts.released {"payment","outcome": "posted" | "dropped"}, payouts.requested {"n",
// "amount","currency","transfer"}, payouts.paid {"n"}, payouts.failed {"n","reason"},
// payouts.tax_form_filed {"key_version","nonce","ciphertext"} (never the plaintext: tax_vault),
// payouts.account_set {"stripe_account"}.
//
// Balances are the ledger's (channel:<c>:earnings): available = credits_posted - debits_posted
// - debits_pending, on hold = credits_pending. A payout is a pending ledger transfer
// channel:<c>:earnings -> payouts:outbound (id payout:<c>:<n>): the money is reserved at once,
// posted when the provider has sent it (the sandbox: settle_delay after the request), voided
// when it failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "actors/core/outbound_http.hpp"

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/node_config.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using earnings_held_atom = caf::atom_constant<caf::atom("earnheld")>;
using payout_tick_atom = caf::atom_constant<caf::atom("payouttick")>;
using payout_status_atom = caf::atom_constant<caf::atom("payoutstat")>;
using payout_request_atom = caf::atom_constant<caf::atom("payoutreq")>;
using payout_fail_atom = caf::atom_constant<caf::atom("payoutfail")>;
using payout_account_atom = caf::atom_constant<caf::atom("payoutacct")>;
using tax_form_put_atom = caf::atom_constant<caf::atom("taxformput")>;
using tax_form_get_atom = caf::atom_constant<caf::atom("taxformget")>;

/// Protocol of payouts/<channel>; JSON text in and out:
///  (earnings_held_atom, {"payment", "transfer", "amount", "currency", "release_at_ms",
///      "product"? ("sub" | "tip" | "gift": shown on statements)})
///      -> {"held": true}; the entity posts the ledger's pending transfer at release_at_ms
///         (idempotent by payment; a payment already released or dropped is not held again)
///  (payout_tick_atom)         -> {"released","dropped","paid"}: due holds and payouts settled
///  (payout_status_atom)       -> {"available","on_hold","threshold","currency","tax_form_on_file",
///                                 "in_flight","stripe_account","payouts":[…]}
///  (payout_request_atom, by)  -> the payout {"n","amount","status":"pending",…} | conflict
///                                 (below_threshold, tax_form_required, payout_in_flight,
///                                 stripe_account_required)
///  (payout_fail_atom, n, reason) -> the payout, voided | not_found | conflict (not pending)
///  (payout_account_atom, {"stripe_account": "acct_…" | null}) -> {"stripe_account"}
///  (tax_form_put_atom, form)  -> masked form; stored encrypted | invalid_argument
///  (tax_form_get_atom)        -> {"on_file": false} | {"on_file": true, masked form…}
struct payouts_protocol {
  static constexpr std::string_view kind = "payouts";
  static std::string reply_to(earnings_held_atom, std::string hold);
  static std::string reply_to(payout_tick_atom);
  static std::string reply_to(payout_status_atom);
  static std::string reply_to(payout_request_atom, std::string by);
  static std::string reply_to(payout_fail_atom, std::uint64_t n, std::string reason);
  static std::string reply_to(payout_account_atom, std::string body);
  static std::string reply_to(tax_form_put_atom, std::string form);
  static std::string reply_to(tax_form_get_atom);
};

/// What payouts/<channel> needs of the node's settings.
struct payout_settings {
  std::string currency = "USD";
  std::int64_t threshold = 5000;
  std::string provider = "sandbox";  // "stripe": a payout needs the channel's connected account
  std::filesystem::path tax_key_file;
  /// How long the sandbox takes to "send" a payout before it counts as paid.
  std::chrono::milliseconds settle_delay{std::chrono::minutes(1)};
  /// Stripe mode: the Transfer's credentials and where Stripe's API is. Secret: never logged.
  std::string stripe_api_key;
  std::string stripe_api_base = "https://api.stripe.com";
};

payout_settings payout_settings_of(const runtime::node_config& config);

/// The ledger ids payouts uses.
std::string earnings_account(std::string_view channel);  // channel:<c>:earnings
inline constexpr std::string_view payouts_outbound = "payouts:outbound";
std::string payout_transfer_id(std::string_view channel, std::uint64_t n);  // payout:<c>:<n>

void add_payouts_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock, payout_settings settings,
                      http_sender send_http = {});  // stripe mode: how Transfers leave

}  // namespace aethex::actors
