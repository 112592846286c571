// subscriptions/<channel>: a channel's paid subscriptions (docs/monetization.md, "Subscriptions").
//
// Events: subscriptions.tiers_set {"tiers":[{tier,name,price,enabled}],"by"},
// subscriptions.granted {"payment","user","tier","kind","gifted_by","anonymous","payment_method",
// "period_end_ms"} (one per recipient of a payment), subscriptions.past_due {"user","attempt",
// "retry_at_ms","grace_until_ms","code"}, subscriptions.cancel_set {"user","cancel"},
// subscriptions.ended {"user","reason"}.
//
// Purchases go through payments/<provider> (actors/payments/checkout.hpp); the entity applies
// each payment id once. Renewals are charged on a tick (the node's renewer asks the channels
// the read model says are due) against the saved payment method. Every change of a subscriber
// is told to the channel's chat room (chat_subscriber_atom) for badges, subscribers-only mode
// and sub emotes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "actors/core/money.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/node_config.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using sub_tiers_atom = caf::atom_constant<caf::atom("subtiers")>;
using sub_tiers_set_atom = caf::atom_constant<caf::atom("subtierset")>;
using sub_checkout_atom = caf::atom_constant<caf::atom("subcheckou")>;
using sub_cancel_atom = caf::atom_constant<caf::atom("subcancel")>;
using sub_status_atom = caf::atom_constant<caf::atom("substatus")>;
using sub_list_atom = caf::atom_constant<caf::atom("sublist")>;
using sub_tick_atom = caf::atom_constant<caf::atom("subtick")>;

/// Twitch's shape: 30-day periods, 3 days of grace with a retry a day after a failed renewal.
struct subscription_limits {
  static constexpr std::int64_t period_ms = 30LL * 24 * 3600 * 1000;
  static constexpr std::int64_t grace_ms = 3LL * 24 * 3600 * 1000;
  static constexpr std::int64_t retry_ms = 24LL * 3600 * 1000;
  static constexpr std::int64_t min_price = 100;
  static constexpr std::int64_t max_price = 100'000;
  static constexpr std::size_t max_name = 40;
  static constexpr std::size_t max_gift = 100;
  static constexpr std::size_t max_candidates = 200;        // followers drawn for random gifts
  static constexpr std::size_t max_records = 100'000;       // ended ones are forgotten past this
  static constexpr std::size_t remembered_payments = 4096;  // for idempotence and reversals
};

/// Protocol of subscriptions/<channel>; JSON text in and out. The routes checked who asks.
///  (sub_tiers_atom)                      -> {"currency","tiers":[{tier,id,name,price,enabled}]}
///  (sub_tiers_set_atom, patch, by)       -> the tiers | invalid_argument
///  (sub_checkout_atom, request)          -> {"checkout","url"} | invalid_argument | conflict
///      request = {"buyer","tier","kind":"subscribe"|"gift","count"?,"recipients"?,
///                 "candidates"?,"anonymous"?,"return_path"?}
///  (sub_cancel_atom, user, cancel)       -> the user's status | not_found
///  (sub_status_atom, user)               -> {"subscribed","tier","months","status",...}
///  (sub_list_atom)                       -> {"subscribers":[…]}
///  (sub_tick_atom)                       -> (no reply) ends, renews, retries what is due
///  (payment_fulfil_atom, payment)        -> "fulfilled" | "already" (payments retries)
///  (payment_reversed_atom, payment)      -> "reversed"
struct subscriptions_protocol {
  static constexpr std::string_view kind = "subscriptions";
  static std::string reply_to(sub_tiers_atom);
  static std::string reply_to(sub_tiers_set_atom, std::string patch, std::string by);
  static std::string reply_to(sub_checkout_atom, std::string request);
  static std::string reply_to(sub_cancel_atom, std::string user, bool cancel);
  static std::string reply_to(sub_status_atom, std::string user);
  static std::string reply_to(sub_list_atom);
  static void reply_to(sub_tick_atom);
  static std::string reply_to(payment_fulfil_atom, std::string payment);
  static std::string reply_to(payment_reversed_atom, std::string payment);
};

/// The tier number of "basic"/"premium"/"vip" or "1"–"3"; 0 when none.
int subscription_tier_of(std::string_view name);

void add_subscription_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                            const runtime::node_config& config,
                            const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
