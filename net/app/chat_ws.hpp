// The chat endpoint `/ws` (docs/chat-protocol.md): hands each upgraded connection to the chat
// WebSocket transport, with a viewer session actor of its own.
#pragma once

#include <caf/actor.hpp>

#include "actors/chat_types.hpp"
#include "net/app/http_routes.hpp"

namespace aethex::app {

/// The `/ws` endpoint (register it with make_upgrade_handler). `hub` is spawn_chat_hub's actor.
ws_module make_chat_ws(const http_context& ctx, const caf::actor& hub,
                       const actors::chat_options& options = {});

}  // namespace aethex::app
