// poll/<channel>: a channel's polls — the active one with every viewer's votes, and the archive
// of the last 50 that ended (results only). Contract: docs/engagement.md, section Polls.
//
// Events: poll.started {"id","title","choices","duration_s","points_per_vote","ends_at_ms"},
// poll.voted {"user","choice","votes","points"}, poll.ended {"id","by": "time"|"manager"}.
//
// Votes are written in batches: a vote is checked against the state and the votes still on
// their way, then waits (at most `vote_batch_delay` or until `vote_batch_max` are waiting) to be
// appended with the others in one write; every waiting request is answered once that write is
// durable. Paid votes (points_per_vote > 0: every vote but a viewer's first) are paid first, by
// asking engagement/<channel> to spend the points, and refunded if they cannot be recorded.
//
// Frames, through the channel's chat room to every viewer: {"type":"poll","poll":{…}} on start,
// at most every `poll_frame_every` while votes come in, and once at the end.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using poll_start_atom = caf::atom_constant<caf::atom("pollstart")>;
using poll_get_atom = caf::atom_constant<caf::atom("pollget")>;
using poll_vote_atom = caf::atom_constant<caf::atom("pollvote")>;
using poll_end_atom = caf::atom_constant<caf::atom("pollend")>;
using poll_archive_atom = caf::atom_constant<caf::atom("pollarch")>;
using poll_tick_atom = caf::atom_constant<caf::atom("polltick")>;

/// Longest a vote waits for others to share its write, and the most one write takes.
inline constexpr std::chrono::milliseconds vote_batch_delay{20};
inline constexpr std::size_t vote_batch_max = 500;
/// Live results go to the chat room at most this often.
inline constexpr std::chrono::milliseconds poll_frame_every{500};
/// Votes accepted and not yet answered (being paid for or waiting for their write); beyond it
/// a vote is refused as unavailable (503), to be retried.
inline constexpr std::size_t votes_in_flight_max = 20'000;

/// Protocol of poll/<channel>. Answers are poll JSON text (docs/engagement.md); the caller
/// checked who may do what and that the channel exists where that matters.
///  (poll_start_atom, body JSON)          -> poll | invalid_argument (a limit) | invalid_json
///                                          | conflict (one is active)
///  (poll_get_atom, user)                 -> the active poll, or the last one ended < 5 min
///                                          ago, with "my_votes" when user != "" | not_found
///  (poll_vote_atom, user, choice, votes) -> poll with my_votes, once durable | not_found (no
///                                          poll) | conflict (ended, already voted, not enough
///                                          points, …) | invalid_argument | unavailable (busy)
///  (poll_end_atom)                       -> the ended poll | not_found (none active)
///  (poll_archive_atom, limit)            -> {"polls": [poll, …]} newest first
///  (poll_tick_atom)                      -> summary (as get_atom) after ending a poll whose
///                                          time is up and sending a due frame
///  (get_atom)                            -> {"channel","poll","votes_in_flight","archived"}
struct poll_protocol {
  static constexpr std::string_view kind = "poll";
  static std::string reply_to(poll_start_atom, std::string body);
  static std::string reply_to(poll_get_atom, std::string user);
  static std::string reply_to(poll_vote_atom, std::string user, std::int64_t choice,
                              std::int64_t votes);
  static std::string reply_to(poll_end_atom);
  static std::string reply_to(poll_archive_atom, std::int64_t limit);
  static std::string reply_to(poll_tick_atom);
  static std::string reply_to(get_atom);
};

void add_poll_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
