// One actor per page connection: who is connected (anonymous, guest, signed-in user or admin),
// which room they joined, the topics a signed-in user subscribed to (notifications, ...), and the
// client side of the protocol (docs/chat-protocol.md).
//
// The front end hands it every text frame as (ws_text_atom, std::string) and tells it
// (ws_closed_atom) when the connection ends; everything the client should see goes to the sink.
//
// An anonymous session with nothing in flight may park: its actor quits and the transport keeps
// the little state it had (viewer_parked); the next client frame spawns a session from it. Most
// viewers only read, so most connections hold no actor at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/chat/chat_types.hpp"
#include "actors/chat/token_bucket.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {

struct viewer_context {
  caf::actor registry;
  caf::actor hub;                  // spawn_chat_hub
  std::string admin_token_digest;  // SHA-256 hex of the node's admin token
  chat_options options;
  /// Where topic services are found ("topic:<name>", e.g. "topic:notifications"); null: none.
  std::shared_ptr<service_directory> services;
};

/// An anonymous session at rest. The fan-out keeps delivering to the sink meanwhile.
struct viewer_parked {
  std::string channel;      // joined room, empty when none
  session_budgets budgets;  // its rate budgets as they were (a new session's: full)
};

/// A sink whose transport can park sessions implements this too. The session calls it when it
/// is anonymous and idle after `frames` client frames; the transport accepts (stores `state` and
/// sends ws_park_atom to the session, which then quits) only when no frame is still on its way.
class viewer_parking {
 public:
  virtual ~viewer_parking() = default;
  virtual void offer_park(const caf::actor& session, std::uint64_t frames, viewer_parked state) = 0;
};

caf::actor spawn_viewer_session(caf::actor_system& sys, const viewer_context& ctx,
                                chat_sink_ptr sink, std::string peer, viewer_parked resume = {});

}  // namespace aethex::actors
