// RTMP ingest listener: accepts publishers and feeds their media to an ingest_handler.
//
// Each socket gets a connection on its own strand; the protocol itself lives in `session`.
// The handler must outlive the io_context's run (connections call it until they finish), and the
// server must be destroyed before its io_context.
//
// Resource limits: connections are capped in total and per client address (runtime::address_key)
// so one account cannot hold every ingest place; a connection counts from accept until it
// closes, and one that has not started publishing within publish_timeout is closed. Refused
// connections are closed at once. Accept errors such as EMFILE pause accepting (50..500 ms).
#pragma once

#include "net/ingest/ingest_handler.hpp"
#include "net/rtmp/session.hpp"

#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <memory>

namespace aethex::net::rtmp {

struct server_options {
  std::chrono::milliseconds publish_timeout{10'000};  // handshake..publish accepted
  std::chrono::milliseconds idle_timeout{30'000};     // no bytes while publishing
  std::size_t max_pending_output = 1024 * 1024;       // unsent bytes before we drop a peer
  std::size_t max_connections = 256;                  // 0 = no cap
  std::size_t max_connections_per_address = 4;        // 0 = no cap
  std::size_t read_buffer_size = 64 * 1024;
  // With at least read_batch_from publishers on this server, a publishing socket wakes the node
  // once about read_batch of media has arrived (SO_RCVLOWAT from the measured bitrate) instead of
  // once per packet: ~45 % less CPU per publisher for up to ~40 ms more latency. 0: never.
  std::chrono::milliseconds read_batch{20};
  std::size_t read_batch_from = 16;
  session_options session{};
};

class server {
 public:
  /// Binds and starts accepting at once; throws boost::system::system_error if binding fails.
  server(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint,
         ingest::ingest_handler& handler, server_options options = {});
  /// Accepts on `io`; each publisher's connection runs on the loop `connection_loop` returns.
  server(boost::asio::io_context& io, std::function<boost::asio::io_context&()> connection_loop,
         boost::asio::ip::tcp::endpoint endpoint, ingest::ingest_handler& handler,
         server_options options = {});
  ~server();  // stop()s
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The bound port (useful when constructed with port 0).
  unsigned short port() const;
  /// Stops accepting and closes every connection (their sinks get close()). Thread-safe.
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace aethex::net::rtmp
