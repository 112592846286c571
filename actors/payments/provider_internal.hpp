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
#include "actors/payments/stripe_requests.hpp"

namespace aethex::actors::payments {

/// Waits for a payment to be booked: called with none once it is, or with the reason it is not.
using booked_waiter = std::function<void(const caf::error&)>;

/// An answer from Stripe's API: the parsed body on any HTTP status, or the transport's error.
using stripe_answer = std::function<void(caf::expected<std::pair<long, nlohmann::json>>)>;

struct provider_live : provider_state {
  const runtime::node_config* config = nullptr;
  http_sender send_http;
  // Not journaled: requests to Stripe on their way (answered as messages, by number) and
  // the callers of checkouts being opened there, by key (one session per key).
  std::uint64_t next_request = 0;
  std::unordered_map<std::uint64_t, stripe_answer> stripe_waiting;
  std::unordered_map<std::string, std::vector<caf::typed_response_promise<std::string>>> opening;
  // Not journaled: requests on their way and callers waiting for a booking.
  std::unordered_set<std::string> in_flight;  // "<step>:<payment>"
  std::unordered_map<std::string, std::vector<booked_waiter>> waiters;
  bool keep_active() const {
    return !unsettled.empty() || !waiters.empty() || !stripe_waiting.empty();
  }
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

/// Requests to Stripe waiting for an answer at once; more are refused (provider_unavailable).
inline constexpr std::size_t max_stripe_waiting = 1000;
/// The message the transport's answer comes back as: (atom, number, error, status, body).
using provider_stripe_answer_atom = caf::atom_constant<caf::atom("paystrans")>;
/// Sends `request` to Stripe; `done` runs inside the entity once the answer arrives.
void call_stripe(provider_actor* self, stripe::api_request request, stripe_answer done);
/// Hands the answer numbered `n` to its waiting callback.
void stripe_answered(provider_actor* self, std::uint64_t n, const std::string& error, long status,
                     const std::string& body);
/// Stripe mode: creates checkout `c`'s Checkout Session, then records the checkout with it and
/// answers `rp` (and any caller of the same key meanwhile) with {"checkout","url","status"}.
void open_stripe_checkout(provider_actor* self, checkout_rec c,
                          caf::typed_response_promise<std::string> rp);
/// Stripe mode: charges saved method `m` off-session for purchase `c` (a PaymentIntent), then
/// records and books the payment; answers as the sandbox's charge does.
void charge_with_stripe(provider_actor* self, checkout_rec c, const method_rec& m,
                        caf::typed_response_promise<std::string> rp);
/// Stripe mode: asks Stripe to refund payment `p` in full; the ledger is reversed when Stripe's
/// charge.refunded arrives (the money only comes back once Stripe has refunded it).
void refund_with_stripe(provider_actor* self, const payment_rec& p,
                        caf::typed_response_promise<std::string> rp);

}  // namespace aethex::actors::payments
