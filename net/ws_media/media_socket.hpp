// One WebSocket viewer of a live channel (`/ws/media/<channel>`): it receives a text message
// describing the stream, the init segment, then fMP4 fragments as binary messages.
//
// The socket knows nothing of media sessions: whoever accepts it attaches a source that pushes
// packets from any thread. Each socket has a bounded queue; a viewer that falls behind drops
// what is queued and resumes at the next keyframe, so a slow link never stalls the others nor
// plays ever further behind live.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/beast/core/tcp_stream.hpp>

#include "net/http/server.hpp"

namespace aethex::net::ws_media {

struct packet {
  std::string control;  // JSON text message sent before `data`, may be empty
  std::shared_ptr<const std::vector<std::byte>> data;
  bool init = false;
  bool keyframe = false;  // a video fragment starting with a sync sample
};

struct socket_options {
  std::size_t max_queue_bytes = 1u << 20;  // past this the viewer skips to the next keyframe
  /// A write that has not completed after this long (checked as packets arrive) closes the
  /// socket: the viewer is gone or cannot keep up with even the skips.
  std::chrono::milliseconds write_stall{30'000};
};

class viewer {
 public:
  virtual ~viewer() = default;
  /// Queues packets handed over together (a batch): they go out in one write. Thread-safe and
  /// never blocks.
  virtual void push_all(std::vector<packet> run) = 0;
  void push(packet p) {
    std::vector<packet> run;
    run.push_back(std::move(p));
    push_all(std::move(run));
  }
  /// Closes the socket after what is queued, with a reason ("offline", "ended").
  virtual void end(std::string reason) = 0;
  /// Keeps `source` (the subscription feeding this viewer) alive as long as the socket is open.
  virtual void hold(std::shared_ptr<void> source) = 0;
  /// Times the viewer fell behind and skipped ahead.
  virtual std::size_t skips() const = 0;
};

/// Accepts the WebSocket upgrade on `stream`; once open, calls `on_open` with the viewer.
void accept(boost::beast::tcp_stream&& stream, http::request&& req, std::string peer,
            std::function<void(std::shared_ptr<viewer>)> on_open, socket_options options = {});

}  // namespace aethex::net::ws_media
