// One actor per chat connection: who is connected (anonymous, guest, signed-in user or admin),
// which room they joined, and the client side of the chat protocol (docs/chat-protocol.md).
//
// The front end hands it every text frame as (ws_text_atom, std::string) and tells it
// (ws_closed_atom) when the connection ends; everything the client should see goes to the sink.
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/chat_types.hpp"

namespace aethex::actors {

struct viewer_context {
  caf::actor registry;
  caf::actor hub;                  // spawn_chat_hub
  std::string admin_token_digest;  // SHA-256 hex of the node's admin token
  chat_options options;
};

caf::actor spawn_viewer_session(caf::actor_system& sys, const viewer_context& ctx,
                                chat_sink_ptr sink, std::string peer);

}  // namespace aethex::actors
