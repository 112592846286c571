// payment_events/stripe: every Stripe webhook event this platform accepted, once
// (docs/payments.md).
//
// Event: payments.stripe_event_received {"id","type","created","object_id","object_type","stale"}.
//
// Stripe delivers at least once and retries for up to three days, in no guaranteed order. The
// entity remembers the ids of the last `stripe_dedupe_window` events (the oldest forgotten
// first), so a redelivery is answered as a duplicate and recorded nothing; and per object id
// (data.object.id) the newest `created` applied, so an event older than one already applied for
// its object is recorded for audit with "stale": true, and later payment logic skips it. An
// object's mark is forgotten with the last remembered event about it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using stripe_event_atom = caf::atom_constant<caf::atom("stripeevt")>;

/// Event ids remembered: Stripe retries for at most 3 days, and 100,000 events in 3 days is
/// more than this platform expects (about 10 MiB of memory while the entity is active).
inline constexpr std::size_t stripe_dedupe_window = 100'000;

/// The one entity id of Stripe's events: one ordered stream, so duplicates and stale events are
/// decided in one place.
inline constexpr std::string_view stripe_events_id = "stripe";

/// Protocol of payment_events/stripe. The caller checked the signature and the event's shape.
///  (stripe_event_atom, id, type, created, object_id, object_type)
///      -> {"received": true, "duplicate": true} for an id already recorded (nothing recorded),
///         else {"received": true, "duplicate": false, "stale": bool} once durable
struct payment_events_protocol {
  static constexpr std::string_view kind = "payment_events";
  static std::string reply_to(stripe_event_atom, std::string id, std::string type,
                              std::int64_t created, std::string object_id, std::string object_type);
};

/// `window`: event ids remembered (tests make it small to see the oldest forgotten).
void add_payment_event_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                             const runtime::clock& clock = runtime::system_clock(),
                             std::size_t window = stripe_dedupe_window);

}  // namespace aethex::actors
