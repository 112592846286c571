// The chat WebSocket (/ws): Beast websocket transport for one viewer session actor per
// connection. Reads text frames up to a size limit and hands them to the session; writes frames
// from a bounded queue, coalescing whatever queued up while the previous write was in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <boost/beast/core/tcp_stream.hpp>
#include <caf/actor_system.hpp>

#include "actors/viewer_session.hpp"
#include "net/http/server.hpp"

namespace aethex::net::ws {

struct chat_socket_options {
  std::size_t max_frame_bytes = 16 * 1024;   // larger client messages close with 1009
  std::size_t max_queue_frames = 1024;       // a connection this far behind is dropped ...
  std::size_t max_queue_bytes = 1024 * 1024;  // ... or holding this much unsent
  std::chrono::seconds idle_timeout{60};     // pings at half of it; silent peers are closed
  int send_buffer_bytes = 64 * 1024;         // kernel send buffer (bounds memory per viewer)
};

/// Takes over an upgraded HTTP connection: completes the WebSocket handshake and starts a viewer
/// session for it. Call on the connection's strand (the HTTP server's upgrade hook does).
void serve_chat_socket(boost::beast::tcp_stream&& stream, http::request&& req, std::string peer,
                       caf::actor_system& sys, const actors::viewer_context& ctx,
                       const chat_socket_options& options = {});

}  // namespace aethex::net::ws
