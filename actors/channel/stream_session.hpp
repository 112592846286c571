// stream/<channel>-<session id>: one broadcast of a channel, from go-live to offline.
//
// Events: stream.started {"channel","session"}, stream.peak_viewers {"peak"}, stream.ended {}.
// The channel entity starts and ends it when it goes live / offline; the media side reports
// viewer counts with (update_atom, viewers), and only a new peak is written.
#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using end_atom = caf::atom_constant<caf::atom("end")>;

struct stream_session_view {
  std::string channel;
  std::string session_id;
  std::int64_t started_at_ms = 0;
  std::int64_t ended_at_ms = 0;  // 0 while live
  std::uint32_t peak_viewers = 0;
  std::int64_t duration_ms = 0;  // so far while live
  bool live = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_session_view& x) {
  return f(caf::meta::type_name("stream_session_view"), x.channel, x.session_id, x.started_at_ms,
           x.ended_at_ms, x.peak_viewers, x.duration_ms, x.live);
}

/// Protocol of ("stream", "<channel>-<session id>"):
///  (create_atom, channel)       -> stream_session_view | conflict (already started)
///  (get_atom)                   -> stream_session_view | not_found
///  (update_atom, uint32 viewers)-> stream_session_view (peak raised when exceeded; ignored
///                                   once ended) | not_found
///  (end_atom)                   -> stream_session_view (idempotent) | not_found
caf::actor spawn_stream_session(caf::actor_system& sys, const caf::actor& registry,
                                storage::event_store& store, const std::string& id,
                                const runtime::clock& clock = runtime::system_clock());

/// The typed protocol of stream/<channel>-<session> (actors/core/entity_ref.hpp).
struct stream_session_protocol {
  static constexpr std::string_view kind = "stream";
  static stream_session_view reply_to(create_atom, std::string channel);
  static stream_session_view reply_to(get_atom);
  static stream_session_view reply_to(update_atom, std::uint32_t viewers);
  static stream_session_view reply_to(end_atom);
};

/// Entity id of a channel's publish session: "<channel>-<session id>".
std::string stream_session_id(const std::string& channel, const std::string& session_id);

/// Registers the "stream" kind with its store; its entities read `clock` (which must outlive
/// them) for event times, durations and idleness.
void add_stream_session_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                             const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
