// The chat WebSocket (/ws): the transport of the chat's viewer sessions, RFC 6455 framing of our
// own (ws_frame.hpp) over Asio sockets, so an idle viewer costs a few hundred bytes. Reads text
// frames up to a size limit and hands them to the connection's session; writes frames
// non-blocking, straight to the socket, queueing only what the kernel does not take.
// Frames that meet in a lane run or in a connection's queue go out as one JSON array message.
//
// Connections are spread over a few write lanes (one strand each). A room's fan-out hands every
// lane a frame once and the lane writes it to all of its sockets in one go, so delivering one
// message costs one hop per lane, not one per viewer, and the lanes run on all I/O threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/beast/core/tcp_stream.hpp>
#include <caf/actor_system.hpp>

#include "actors/chat/viewer_session.hpp"
#include "net/http/server.hpp"

namespace aethex::net::ws {

struct chat_socket_options {
  std::size_t max_frame_bytes = 16 * 1024;   // larger client messages close with 1009
  std::size_t max_queue_bytes = 256 * 1024;  // a connection holding this much unsent is dropped
  std::chrono::seconds idle_timeout{
    60};                              // checked every half: silent peers are pinged, then closed
  int send_buffer_bytes = 64 * 1024;  // kernel send buffer (bounds memory per viewer)
  std::size_t lanes = 0;              // write lanes; 0: one per hardware thread
};

/// The chat front end of one io_context (its write lanes, the sessions' context).
class chat_endpoint {
 public:
  chat_endpoint(caf::actor_system& sys, actors::viewer_context ctx,
                chat_socket_options options = {});
  ~chat_endpoint();
  chat_endpoint(const chat_endpoint&) = delete;
  chat_endpoint& operator=(const chat_endpoint&) = delete;

  /// Takes over an upgraded HTTP connection: completes the WebSocket handshake and serves the
  /// chat protocol on it. Call on the connection's strand (the HTTP server's upgrade hook does).
  void serve(boost::beast::tcp_stream&& stream, http::request&& req, std::string peer);

  struct shared;

 private:
  std::shared_ptr<shared> shared_;
};

}  // namespace aethex::net::ws
