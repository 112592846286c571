// WebSocket playback on a node that does not ingest the channel: the node pulls one copy of the
// stream from the ingest node (media/fmp4_relay.hpp) into a local hub shared by all its viewers,
// and lets it go when it has had no viewer for a while.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::live {

/// Messages: (relay_atom, channel) -> media::media_outputs whose fmp4 hub carries the channel's
/// stream from its ingest node | not_found when the channel is offline or ingested here.
caf::actor spawn_edge_relays(caf::actor_system& sys, caf::actor registry, caf::actor membership,
                             std::string self_node);

}  // namespace aethex::live
