// SRT ingest listener (libsrt, live mode): accepts publishers and feeds their MPEG-TS to an
// ingest_handler.
//
// The stream key travels in the SRT `streamid` (see streamid.hpp). A malformed streamid, a play
// request or a full server is refused during the handshake, from libsrt's listen callback. The key
// itself is checked asynchronously by the handler after accept; a refused key closes the socket.
// One thread runs an srt_epoll loop over the listener and every connection.
// Resource limits: connections are capped in total and per client address (runtime::address_key),
// checked in the handshake and again at accept; a connection counts until it closes, and one
// whose key was not accepted within open_timeout is closed.
// The handler must outlive the server.
#pragma once

#include "net/ingest/ingest_handler.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace aethex::net::srt {

struct endpoint {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal
  std::uint16_t port = 9000;          // 0 picks a free port
};

struct server_options {
  std::chrono::milliseconds open_timeout{10'000};   // accept..handler answered
  std::chrono::milliseconds idle_timeout{30'000};   // no bytes while publishing
  std::size_t max_connections = 64;                 // 0 = no cap
  std::size_t max_connections_per_address = 4;      // 0 = no cap
  std::size_t max_pending_bytes = 4 * 1024 * 1024;  // held while the handler decides
  std::chrono::milliseconds latency{120};           // SRTO_RCVLATENCY; the larger side wins
  /// AES passphrase (10..79 characters); empty = no encryption. Secret: never logged.
  std::string passphrase;
  int pbkeylen = 16;  // AES key length in bytes: 16, 24 or 32
};

class server {
 public:
  /// Binds and starts listening at once; throws std::runtime_error if that fails and
  /// std::invalid_argument for bad options.
  server(endpoint ep, ingest::ingest_handler& handler, server_options options = {});
  ~server();  // stop()s
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The bound port (useful when constructed with port 0).
  unsigned short port() const;
  /// Stops listening and closes every connection (their sinks get close()); returns when the
  /// receiver thread has finished. Thread-safe; call it from any thread but the handler's
  /// callbacks.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace aethex::net::srt
