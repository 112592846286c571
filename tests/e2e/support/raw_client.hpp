// A plain TCP client for hostile tests: sends exactly the bytes a test chooses (malformed frames,
// oversized lengths, half requests) where a real client library would refuse to.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace aethex::test {

class raw_client {
 public:
  /// Connects to 127.0.0.1:port; throws when the connection is refused.
  explicit raw_client(unsigned short port);
  ~raw_client();
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  /// Writes all of `bytes`; false when the peer has closed the connection.
  bool send(std::string_view bytes);
  /// Reads until `n` bytes came, the peer closed, or `timeout` passed.
  std::string read(std::size_t n, std::chrono::milliseconds timeout);
  /// Reads until `marker` appears (inclusive), the peer closed, or `timeout` passed.
  std::string read_until(std::string_view marker, std::chrono::milliseconds timeout);
  /// True when the peer closes (or resets) the connection within `timeout`; bytes it sends
  /// meanwhile are discarded.
  bool closed_within(std::chrono::milliseconds timeout);

  /// Sends a WebSocket upgrade for `path` and reads the answer's head.
  std::string upgrade(std::string_view path);

 private:
  int fd_ = -1;
};

/// A masked client WebSocket frame (RFC 6455) with `payload`; `first` is FIN + opcode.
std::string ws_client_frame(unsigned char first, std::string_view payload);

/// How long GET `target` takes on 127.0.0.1:port until the answer's head arrived, or a negative
/// duration when none came within 5 s.
std::chrono::milliseconds time_get(unsigned short port, const std::string& target);

}  // namespace aethex::test
