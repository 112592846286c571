// tips/<channel>: a channel's tips (donations with an on-stream alert), its fundraising campaign
// and the gift bundles viewers buy for each other. Contract: docs/monetization.md#tips.
//
// Money never passes through here: the routes start a checkout at payments/<provider>
// (actors/payments/checkout.hpp) with fulfil {kind: "tips", id: channel}; payments books the
// money and then tells this entity (payment_fulfil_atom), once per payment id.
//
// Events: tips.settings {min_amount, tts_min, alerts, alert_duration_s}, tips.received {tip},
// tips.reversed {payment, reason}, tips.campaign_started {id, title, goal, ends_at_ms},
// tips.campaign_ended {id, status}, tips.gift_received {gift}, tips.gift_credited {payment},
// tips.gift_reversed {payment}.
//
// Frames to the channel's chat room (chat_relay_atom): {"type":"tip",…} per tip (when alerts are
// on), {"type":"campaign",…} on every change of the campaign, {"type":"gift",…} per gift.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "actors/core/money.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using tips_prepare_atom = caf::atom_constant<caf::atom("tipprep")>;
using tips_gift_prepare_atom = caf::atom_constant<caf::atom("tipgiftprp")>;
using tips_list_atom = caf::atom_constant<caf::atom("tiplist")>;
using tips_recent_atom = caf::atom_constant<caf::atom("tiprecent")>;
using tips_settings_atom = caf::atom_constant<caf::atom("tipsetget")>;
using tips_configure_atom = caf::atom_constant<caf::atom("tipsetput")>;
using tips_campaign_atom = caf::atom_constant<caf::atom("tipcamp")>;
using tips_campaign_start_atom = caf::atom_constant<caf::atom("tipcampgo")>;
using tips_campaign_end_atom = caf::atom_constant<caf::atom("tipcampend")>;
using tips_gifts_of_atom = caf::atom_constant<caf::atom("tipgiftsof")>;
using tips_tick_atom = caf::atom_constant<caf::atom("tiptick")>;

struct tip_limits {
  static constexpr std::int64_t min_amount = 100;  // 1.00: below, the fee eats the tip
  static constexpr std::int64_t max_amount = 50'000'000;
  static constexpr std::size_t max_message = 300;  // code points
  static constexpr std::int64_t default_tts_min = 300;
  static constexpr std::uint32_t default_alert_s = 8;
  static constexpr std::uint32_t max_alert_s = 60;
  static constexpr std::size_t max_title = 60;
  static constexpr std::size_t tips_kept = 2000;   // newest tips the entity keeps in memory
  static constexpr std::size_t gifts_kept = 2000;  // newest gifts likewise
  static constexpr std::size_t cosmetics_per_user = 100;
  static constexpr std::size_t max_page = 100;
};

/// Gift bundles on sale (docs/monetization.md#gift-bundles): price in minor units.
struct gift_catalog {
  static constexpr std::int64_t price_per_1000_points = 100;
  static constexpr std::int64_t max_points = 100'000;
  static constexpr std::int64_t emote_price = 299;
  static constexpr std::int64_t badge_price = 499;
};

/// Protocol of tips/<channel>; JSON text in and out. The caller checked who asks and that the
/// channel exists.
///  (tips_prepare_atom, payer, body)       -> checkout request for payments (product "tip")
///                                            | invalid_argument (amount, message, settings)
///  (tips_gift_prepare_atom, payer, body)  -> checkout request (product "gift") | invalid_arg
///  (payment_fulfil_atom, payment)         -> {"tip"|"gift": id, "duplicate"?} once recorded
///  (payment_reversed_atom, payment)       -> {"reversed": id} | {"unknown": id}
///  (tips_list_atom, limit)                -> {"tips":[…]} newest first (the creator's view)
///  (tips_recent_atom)                     -> {"tips":[…]} the last public ones
///  (tips_settings_atom)                   -> settings
///  (tips_configure_atom, patch)           -> settings | invalid_argument
///  (tips_campaign_atom)                   -> campaign or null
///  (tips_campaign_start_atom, body)       -> campaign | invalid_argument | conflict (one active)
///  (tips_campaign_end_atom)               -> campaign | not_found
///  (tips_gifts_of_atom, user)             -> {"gifts":[…]} the user's gifted cosmetics
///  (tips_tick_atom)                       -> campaign or null, after ending a due campaign
struct tips_protocol {
  static constexpr std::string_view kind = "tips";
  static std::string reply_to(tips_prepare_atom, std::string payer, std::string body);
  static std::string reply_to(tips_gift_prepare_atom, std::string payer, std::string body);
  static std::string reply_to(payment_fulfil_atom, std::string payment);
  static std::string reply_to(payment_reversed_atom, std::string payment);
  static std::string reply_to(tips_list_atom, std::uint32_t limit);
  static std::string reply_to(tips_recent_atom);
  static std::string reply_to(tips_settings_atom);
  static std::string reply_to(tips_configure_atom, std::string patch);
  static std::string reply_to(tips_campaign_atom);
  static std::string reply_to(tips_campaign_start_atom, std::string body);
  static std::string reply_to(tips_campaign_end_atom);
  static std::string reply_to(tips_gifts_of_atom, std::string user);
  static std::string reply_to(tips_tick_atom);
};

void add_tips_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
