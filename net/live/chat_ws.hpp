// The chat endpoint `/ws` (docs/chat-protocol.md): hands each upgraded connection to the chat
// WebSocket transport, with a viewer session actor of its own.
#pragma once

#include <caf/actor.hpp>

#include "actors/chat/chat_types.hpp"
#include "net/live/live_context.hpp"

namespace aethex::live {

/// The `/ws` endpoint (register it with make_upgrade_handler). `hub` is spawn_chat_hub's actor.
ws_module make_chat_ws(const live_context& ctx, const caf::actor& hub,
                       const actors::chat_options& options = {});
/// The same with the node's chat hub, found in the service directory.
ws_module make_chat_ws(const live_context& ctx);

}  // namespace aethex::live
