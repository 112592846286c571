// The audio analysis WebSocket, `/api/v1/channels/<channel>/audio/ws` (docs/music.md): JSON text
// frames at ~20 Hz while the channel is live in DJ mode, public, on any node. Each socket's
// actor subscribes to audio/<channel> through the registry, so a viewer on a node that does not
// ingest the channel is served like one on the node that does (the entity fans out to every
// node); the socket closes with "offline" when nothing is analysed and "ended" when the session
// ends.
#pragma once

#include "net/live/live_context.hpp"

namespace aethex::live {

ws_module make_audio_ws(const live_context& ctx);

}  // namespace aethex::live
