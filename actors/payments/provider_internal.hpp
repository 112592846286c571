// The provider entity's live state and the steps shared by its command handlers (provider.cpp)
// and its money flow (provider_flow.cpp): booking, notices to payouts and the seller, reversals.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/payments/booking.hpp"
#include "actors/payments/provider_state.hpp"

namespace aethex::actors::payments {

/// Waits for a payment to be booked: called with none once it is, or with the reason it is not.
using booked_waiter = std::function<void(const caf::error&)>;

struct provider_live : provider_state {
  const runtime::node_config* config = nullptr;
  // Not journaled: requests on their way and callers waiting for a booking.
  std::unordered_set<std::string> in_flight;  // "<step>:<payment>"
  std::unordered_map<std::string, std::vector<booked_waiter>> waiters;
  bool keep_active() const { return !unsettled.empty() || !waiters.empty(); }
  void on_passivate() {
    for (auto& [id, list] : waiters)
      for (auto& w : list)
        w(make_error(errc::unavailable, "the payment provider is moving; try again"));
    waiters.clear();
  }
};

using provider_actor = caf::stateful_actor<event_sourced<provider_live>>;

/// The payment as the seller and the payer see it (docs/monetization.md) plus "status".
nlohmann::json payment_json(const payment_rec& p, std::string_view provider);
booking_input booking_of(const payment_rec& p, std::string_view provider);

/// Books payment `id` in the ledger (once), then tells payouts and the seller.
void book_payment(provider_actor* self, const std::string& id);
/// Sends whatever notice payment `id` still owes (hold, fulfilment, reversal).
void deliver_notices(provider_actor* self, const std::string& id);
/// Reverses payment `id` in the ledger, marks it reversed with `reason` ("refund" or
/// "dispute_lost") and tells the seller; `done` gets the answer for the caller.
void reverse_payment(provider_actor* self, const std::string& id, const std::string& reason,
                     std::function<void(caf::expected<std::string>)> done);
/// `prefix` + 24 random hex digits (96 bits): pay_…, cs_…, pm_… ids cannot be guessed.
std::string new_payment_id(std::string_view prefix);
/// A payment of checkout `c`'s purchase, not yet recorded.
payment_rec payment_from(const checkout_rec& c);
/// Records payment `p` (id, split and times filled in here; a dispute opened with it when
/// `disputed`) and books it; `waiter` hears when it is booked.
caf::error record_payment(provider_actor* self, payment_rec p, bool disputed, booked_waiter waiter);
/// Applies Stripe event `type` of `object` (JSON text): a completion records and books the
/// checkout's payment once; a refund or a lost dispute reverses it.
caf::result<std::string> apply_stripe_event(provider_actor* self, const std::string& type,
                                            const std::string& object);
/// Closes payment `payment`'s open dispute: "won" is recorded; "lost" reverses the payment.
caf::result<std::string> settle_dispute(provider_actor* self, const std::string& payment,
                                        const std::string& outcome);
/// Retries every unsettled payment's next step (at most a bounded number per call).
void retry_unsettled(provider_actor* self);

}  // namespace aethex::actors::payments
