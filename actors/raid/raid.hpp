// raid/<channel>: a channel's raids, both ways — the one it is counting down to (the
// broadcaster picked a live target; after `raid_countdown` or "raid now" every viewer's player
// moves there) and the raids it takes in (its settings: from everyone, only from channels its
// owner follows, or from nobody, and the channels it blocked from raiding).
//
// Events: raid.started {"target","viewers","go_at_ms"}, raid.cancelled {}, raid.completed
// {"target","viewers"}, raid.received {"from","viewers"}, raid.settings_changed {"accept"},
// raid.blocked {"channel"}, raid.unblocked {"channel"}.
//
// Frames (through the chat rooms, to every viewer): in the raider's room {"type":"raid",
// "target","viewers","go_at_ms"}, {"type":"raid_cancelled"}, {"type":"raid_go","target"}; in
// the target's room {"type":"raided","from","viewers"}.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using raid_start_atom = caf::atom_constant<caf::atom("raidstart")>;
using raid_go_atom = caf::atom_constant<caf::atom("raidgo")>;
using raid_cancel_atom = caf::atom_constant<caf::atom("raidcancel")>;
using raid_accept_atom = caf::atom_constant<caf::atom("raidaccept")>;
using raid_arrive_atom = caf::atom_constant<caf::atom("raidarrive")>;
using raid_tick_atom = caf::atom_constant<caf::atom("raidtick")>;
using raid_settings_atom = caf::atom_constant<caf::atom("raidset")>;
using raid_block_atom = caf::atom_constant<caf::atom("raidblock")>;

/// Twitch's countdown before the viewers move.
inline constexpr std::chrono::seconds raid_countdown{90};
/// Channels one channel may block from raiding it.
inline constexpr std::size_t max_raid_blocks = 1000;

/// Who may raid a channel.
namespace raid_accept {
inline constexpr std::string_view everyone = "everyone";
inline constexpr std::string_view followed = "followed";  // channels its owner follows
inline constexpr std::string_view nobody = "nobody";
}  // namespace raid_accept

struct raid_status {
  std::string channel;
  std::string target;  // empty: no raid counting down
  std::uint64_t viewers = 0;
  std::int64_t go_at_ms = 0;
  std::string state = "none";  // none | countdown | done (the answer to "raid now")
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, raid_status& x) {
  return f(caf::meta::type_name("raid_status"), x.channel, x.target, x.viewers, x.go_at_ms,
           x.state);
}

struct raid_settings {
  std::string accept{raid_accept::everyone};
  std::vector<std::string> blocked;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, raid_settings& x) {
  return f(caf::meta::type_name("raid_settings"), x.accept, x.blocked);
}

/// Protocol of raid/<channel>:
///  (raid_start_atom, target, viewers) -> raid_status (countdown) | conflict (one is counting)
///  (raid_go_atom)                     -> raid_status (done) | not_found (no raid counting)
///  (raid_cancel_atom)                 -> raid_status (none) | not_found
///  (raid_tick_atom)                   -> (no reply) goes when the countdown is over
///  (get_atom)                         -> raid_status
///  (raid_accept_atom, from)           -> std::string the accept setting ("followed" leaves
///                                        the follow check to the caller) | forbidden
///  (raid_arrive_atom, from, viewers)  -> (no reply) recorded and shown in this room
///  (raid_settings_atom)               -> raid_settings
///  (raid_settings_atom, accept)       -> raid_settings | invalid_argument
///  (raid_block_atom, channel, block)  -> raid_settings | forbidden (too many blocks)
/// The caller checks that the channels exist, the target is live and the asker is the owner.
struct raid_protocol {
  static constexpr std::string_view kind = "raid";
  static raid_status reply_to(raid_start_atom, std::string target, std::uint64_t viewers);
  static raid_status reply_to(raid_go_atom);
  static raid_status reply_to(raid_cancel_atom);
  static void reply_to(raid_tick_atom);
  static raid_status reply_to(get_atom);
  static std::string reply_to(raid_accept_atom, std::string from);
  static void reply_to(raid_arrive_atom, std::string from, std::uint64_t viewers);
  static raid_settings reply_to(raid_settings_atom);
  static raid_settings reply_to(raid_settings_atom, std::string accept);
  static raid_settings reply_to(raid_block_atom, std::string channel, bool block);
};

void add_raid_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
