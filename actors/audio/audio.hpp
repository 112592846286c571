// audio/<channel>: what the audio analysis of a channel's live session says (docs/music.md,
// "Stream metadata and audio analysis"). Not event-sourced: it holds the latest summary and
// fans the ~20 Hz analysis frames out to the WebSocket viewers of every node. The media session
// on the node that ingests the channel feeds it (media/audio_analyzer.hpp); the entity may live
// on another member (its partition's), which is what lets viewers on any node subscribe.
//
// All messages carry built-in types (JSON text, actors): no type id block is needed.
#pragma once

#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/atom.hpp>

#include "runtime/entity_registry.hpp"

namespace aethex::actors {

using audio_summary_atom = caf::atom_constant<caf::atom("audiosum")>;
using audio_frame_atom = caf::atom_constant<caf::atom("audioframe")>;
using audio_end_atom = caf::atom_constant<caf::atom("audioend")>;
using audio_subscribe_atom = caf::atom_constant<caf::atom("audiosub")>;
using audio_get_atom = caf::atom_constant<caf::atom("audioget")>;

namespace audio_limits {
inline constexpr std::size_t subscribers_max = 10'000;  // per channel, across the cluster
inline constexpr std::size_t message_max = 16 * 1024;   // a frame or a summary, JSON text
}  // namespace audio_limits

/// Protocol of audio/<channel>:
///  (audio_summary_atom, json)    from the media session, every second while live: the GET
///                                answer's fields without "live"
///  (audio_frame_atom, json)      from the media session: one analysis frame; goes to every
///                                subscriber as (audio_frame_atom, json)
///  (audio_end_atom)              the live session ended; subscribers get (audio_end_atom)
///  (audio_subscribe_atom, sink)  -> whether frames come (the channel is live and analysed; a
///                                sink told false gets nothing); dropped when it goes down
///  (audio_get_atom)              -> {"live", …summary} (JSON text; {"live": false} when offline)
struct audio_protocol {
  static constexpr std::string_view kind = "audio";
  static void reply_to(audio_summary_atom, std::string);
  static void reply_to(audio_frame_atom, std::string);
  static void reply_to(audio_end_atom);
  static bool reply_to(audio_subscribe_atom, caf::actor);
  static std::string reply_to(audio_get_atom);
};

void add_audio_kind(runtime::entity_kinds& kinds);

}  // namespace aethex::actors
