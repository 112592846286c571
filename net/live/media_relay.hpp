// WebSocket playback on a node that does not ingest the channel: the node pulls one copy of the
// stream from the ingest node (media/fmp4_relay.hpp) into a local hub shared by all its viewers,
// and lets it go when it has had no viewer for a while.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::live {

/// Messages: (relay_atom, stream) -> media::media_outputs whose fmp4 hub carries the stream from
/// its ingest node | not_found when the channel is offline, ingested here, or (for a rendition)
/// not transcoded there. `stream` is media::relay_key(channel, rendition): the source or one
/// rendition, each relayed once per node.
caf::actor spawn_edge_relays(caf::actor_system& sys, caf::actor registry, caf::actor membership,
                             std::string self_node);

}  // namespace aethex::live
