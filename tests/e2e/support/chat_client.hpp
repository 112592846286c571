// A real chat client over a Beast WebSocket, for end-to-end tests: a background thread reads
// every frame (batched frames are split into their events) into a queue the test waits on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

namespace aethex::test {

class chat_client {
 public:
  struct options {
    bool read = true;        // false: never read (a stalled consumer)
    int receive_buffer = 0;  // SO_RCVBUF before connecting, 0 = system default
  };

  /// Connects to ws://127.0.0.1:port/ws. Throws on failure.
  chat_client(unsigned short port, options opts);
  explicit chat_client(unsigned short port) : chat_client(port, options{}) {}
  ~chat_client();
  chat_client(const chat_client&) = delete;
  chat_client& operator=(const chat_client&) = delete;

  void send(const nlohmann::json& frame);
  void send_text(const std::string& text);

  /// Oldest frame whose "type" is `type` (others stay queued); null when none came in `timeout`.
  nlohmann::json next(const std::string& type,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Next frame of any type; null after `timeout`.
  nlohmann::json next_any(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Drops every frame received so far.
  void clear();

  /// Convenience: auth as guest and join, waiting for both answers (and the history frame,
  /// which is returned).
  nlohmann::json guest_join(const std::string& guest, const std::string& channel);
  nlohmann::json join(const std::string& channel);

  /// True once the connection ended; `close_code` / `close_reason` tell how (0 when the socket
  /// dropped without a close frame).
  bool closed(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  int close_code() const;
  std::string close_reason() const;
  /// Starts reading on a client created with read=false; returns how many frames it had
  /// waiting before the connection ended (or `timeout` passed).
  std::size_t drain(std::chrono::milliseconds timeout);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

/// A client signed in with the node's admin token (the broadcaster of every room) that joined
/// `channel`.
std::unique_ptr<chat_client> admin_chat(const test_node& node, const std::string& channel);

/// Lets guests write in `channel`'s room, as its broadcaster would: rooms start with guests off.
/// Signs in with the node's admin token on a connection of its own.
void allow_guests(const test_node& node, const std::string& channel);

}  // namespace aethex::test
