// WHIP ingest endpoint (RFC 9725) on the node's HTTP port: `POST /whip/{channel}` with the
// stream key as bearer token and an SDP offer starts a WebRTC receiver whose media (FLV) goes to
// the ingest handler like an RTMP publisher's; `DELETE /whip/{channel}/{session}` ends it.
//
// The receiver itself (webrtcbin, media/webrtc_ingest) lives in the media layer, which net/ does
// not see: the composition root hands in a peer_factory. The key is checked (ingest_handler::open)
// before any WebRTC work starts, so a wrong key costs no pipeline. One watchdog timer on the
// io_context ends sessions whose answer takes too long or whose media stops; ends run there too,
// never on a GStreamer thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "net/http/server.hpp"
#include "net/ingest/ingest_handler.hpp"

namespace aethex::net::whip {

/// One running WebRTC receiver; destroying it stops it (never from one of its callbacks).
class peer {
 public:
  virtual ~peer() = default;
  /// Time since media last arrived from the browser.
  virtual std::chrono::milliseconds idle() const = 0;
};

struct peer_callbacks {
  std::function<void(std::string answer, std::string error)> answered;  // once, any thread
  std::function<void(std::span<const std::byte>)> media;                // FLV bytes, in order
  std::function<void(std::string reason)> ended;                        // at most once, any thread
};

struct peer_factory {
  /// Empty if the offer can be answered, else why not (a 400 before the key is checked).
  std::function<std::string(std::string_view offer)> offer_error;
  /// Starts a receiver for `offer` composed per `layout`; throws std::exception if it cannot.
  std::function<std::unique_ptr<peer>(std::string_view offer, const std::string& layout,
                                      peer_callbacks callbacks)>
    start;
};

struct endpoint_options {
  std::size_t max_sessions = 16;  // concurrent sessions (and pending offers)
  std::chrono::milliseconds answer_timeout{10'000};
  std::chrono::milliseconds media_timeout{10'000};  // no media from the browser this long: end
  std::chrono::milliseconds watchdog_period{500};
};

class endpoint {
 public:
  endpoint(boost::asio::io_context& io, ingest::ingest_handler& handler, peer_factory factory,
           endpoint_options options = {});
  ~endpoint();  // stop()s
  endpoint(const endpoint&) = delete;
  endpoint& operator=(const endpoint&) = delete;

  /// Answers a request whose path starts with /whip/ (false, untouched, for any other path).
  /// Callable from any thread.
  bool handle(http::request& req, std::string_view path, std::string_view query,
              const std::string& peer_address, const http::respond_fn& respond);
  /// Ends every session (their sinks get close()) and the watchdog. Call from outside the
  /// io_context's threads or after it stopped.
  void stop();
  /// Sessions running or being set up.
  std::size_t sessions() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace aethex::net::whip
