// engagement/<channel>: a channel's channel points (balances, watch-time earning, bonuses), its
// custom rewards and their redemption queue, its prediction and its hype train — one actor, so
// every mutation of the points ledger is serialized and no balance can go negative, however
// many redemptions, stakes and paid poll votes arrive at once. Contract: docs/engagement.md.
//
// Complex answers are JSON text (the routes pass them through), so no domain struct has to be
// registered as a CAF message type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

// Points ledger.
using points_spend_atom = caf::atom_constant<caf::atom("ptspend")>;
using points_refund_atom = caf::atom_constant<caf::atom("ptrefund")>;
using points_watch_atom = caf::atom_constant<caf::atom("ptwatch")>;
using points_follow_atom = caf::atom_constant<caf::atom("ptfollow")>;
using points_raid_atom = caf::atom_constant<caf::atom("ptraid")>;
using points_raided_atom = caf::atom_constant<caf::atom("ptraided")>;
using points_me_atom = caf::atom_constant<caf::atom("ptme")>;
using points_claim_atom = caf::atom_constant<caf::atom("ptclaim")>;
// Points another viewer bought as a gift (actors/tips): minted like earnings, never refunded.
using points_grant_atom = caf::atom_constant<caf::atom("ptgrant")>;
// Custom rewards and redemptions.
using reward_list_atom = caf::atom_constant<caf::atom("rwlist")>;
using reward_put_atom = caf::atom_constant<caf::atom("rwput")>;
using reward_delete_atom = caf::atom_constant<caf::atom("rwdel")>;
using reward_redeem_atom = caf::atom_constant<caf::atom("rwredeem")>;
using redemption_list_atom = caf::atom_constant<caf::atom("rdlist")>;
using redemption_set_atom = caf::atom_constant<caf::atom("rdset")>;
// Predictions.
using prediction_create_atom = caf::atom_constant<caf::atom("pdcreate")>;
using prediction_get_atom = caf::atom_constant<caf::atom("pdget")>;
using prediction_stake_atom = caf::atom_constant<caf::atom("pdstake")>;
using prediction_lock_atom = caf::atom_constant<caf::atom("pdlock")>;
using prediction_resolve_atom = caf::atom_constant<caf::atom("pdresolve")>;
using prediction_cancel_atom = caf::atom_constant<caf::atom("pdcancel")>;
// Hype train and timers.
using hype_train_atom = caf::atom_constant<caf::atom("hypetrain")>;
using engagement_tick_atom = caf::atom_constant<caf::atom("engtick")>;

/// Protocol of engagement/<channel>. `user` is an account name; the caller checked the channel
/// exists and who may do what. Errors are errc with a clear message (the HTTP binding's 4xx).
///  (points_spend_atom, user, amount, reason)  -> int64 new balance | conflict "not enough
///                                                channel points" | invalid_argument (amount<1)
///  (points_refund_atom, user, amount, reason) -> int64 new balance (gives back what a spend
///                                                took; the caller refunds only its own spends)
///  (points_watch_atom, user, seconds)         -> (no reply) verified watch time (≤ one beat)
///  (points_follow_atom, user)                 -> (no reply) a follow: 300 the first time ever
///  (points_raid_atom, user, raid)             -> (no reply) arrived with raid `raid`: 250 once;
///                                                "" names the raid that arrived last, if that
///                                                was less than 5 minutes ago (else nothing)
///  (points_raided_atom, from)                 -> (no reply) a raid from channel `from` arrived
///  (points_me_atom, user)                     -> JSON {"balance","claim_available","watch_s"}
///  (points_claim_atom, user)                  -> JSON as points_me | conflict (none available)
///  (points_grant_atom, user, amount)          -> int64 new balance: a paid gift bundle (tips;
///                                                the caller grants each payment once)
///  (reward_list_atom)                         -> JSON {"rewards":[reward]}
///  (reward_put_atom, id, body JSON)           -> JSON reward (id "" creates) | invalid_argument
///                                                | not_found | conflict (50 rewards)
///  (reward_delete_atom, id)                   -> JSON reward removed | not_found
///  (reward_redeem_atom, user, id, input, stream) -> JSON redemption | conflict (points,
///                                                cooldown, caps, disabled) | not_found;
///                                                `stream` names the live session ("" offline)
///  (redemption_list_atom, status)             -> JSON {"redemptions":[...]} oldest first
///  (redemption_set_atom, id, status)          -> JSON redemption | not_found | conflict
///  (prediction_create_atom, body JSON)        -> JSON prediction | invalid_argument | conflict
///  (prediction_get_atom, user)                -> JSON prediction (my_stake when user != "")
///                                                | not_found
///  (prediction_stake_atom, user, outcome, points) -> JSON prediction | conflict | invalid_arg
///  (prediction_lock_atom)                     -> JSON prediction | conflict | not_found
///  (prediction_resolve_atom, outcome)         -> JSON prediction | conflict | invalid_argument
///  (prediction_cancel_atom)                   -> JSON prediction | conflict | not_found
///  (hype_train_atom)                          -> JSON train
///  (engagement_tick_atom)                     -> JSON summary, after firing due timers (the
///                                                window's lock, the train's end)
///  (get_atom)                                 -> JSON summary (console)
struct engagement_protocol {
  static constexpr std::string_view kind = "engagement";
  static std::int64_t reply_to(points_spend_atom, std::string user, std::int64_t amount,
                               std::string reason);
  static std::int64_t reply_to(points_refund_atom, std::string user, std::int64_t amount,
                               std::string reason);
  static void reply_to(points_watch_atom, std::string user, std::int64_t seconds);
  static void reply_to(points_follow_atom, std::string user);
  static void reply_to(points_raid_atom, std::string user, std::string raid);
  static void reply_to(points_raided_atom, std::string from);
  static std::string reply_to(points_me_atom, std::string user);
  static std::string reply_to(points_claim_atom, std::string user);
  static std::int64_t reply_to(points_grant_atom, std::string user, std::int64_t amount);
  static std::string reply_to(reward_list_atom);
  static std::string reply_to(reward_put_atom, std::string id, std::string body);
  static std::string reply_to(reward_delete_atom, std::string id);
  static std::string reply_to(reward_redeem_atom, std::string user, std::string id,
                              std::string input, std::string stream);
  static std::string reply_to(redemption_list_atom, std::string status);
  static std::string reply_to(redemption_set_atom, std::string id, std::string status);
  static std::string reply_to(prediction_create_atom, std::string body);
  static std::string reply_to(prediction_get_atom, std::string user);
  static std::string reply_to(prediction_stake_atom, std::string user, std::int64_t outcome,
                              std::int64_t points);
  static std::string reply_to(prediction_lock_atom);
  static std::string reply_to(prediction_resolve_atom, std::int64_t outcome);
  static std::string reply_to(prediction_cancel_atom);
  static std::string reply_to(hype_train_atom);
  static std::string reply_to(engagement_tick_atom);
  static std::string reply_to(get_atom);
};

void add_engagement_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
