// Node-local chat fan-out: for every room with viewers on this node, one fan-out actor holds
// those viewers' sinks. The room sends each frame once per fan-out; the fan-out hands the same
// immutable string to each write lane once (the lane writes it to its sockets) and pushes it to
// sinks without a lane (a non-blocking, bounded queue per socket).
//
// A fan-out is just an actor that understands (chat_deliver_atom, std::string) and subscribes
// itself with (chat_sub_atom, self); a remote node's fan-out can subscribe the same way.
#pragma once

#include <string>
#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/chat/chat_types.hpp"

namespace aethex::actors {

/// The hub owns this node's fan-outs (spawned on the first viewer of a room, stopped after the
/// last one leaves). Protocol:
///  (chat_join_atom, channel, chat_sink_ptr sink)  -> (no reply)
///      The sink first gets the room's history frame, then every live frame.
///  (chat_leave_atom, channel, chat_sink_ptr sink) -> (no reply)
/// Sessions link to the hub; an exit of the hub (node shutdown) takes them and the fan-outs down.
caf::actor spawn_chat_hub(caf::actor_system& sys, const caf::actor& registry);

}  // namespace aethex::actors
