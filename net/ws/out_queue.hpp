// A chat connection's outgoing bytes that the kernel did not take yet. Frames are framed only when
// they are about to be written: all that queued up by then go out as one WebSocket message, a JSON
// array of the frames (a slow reader parses one message, not hundreds). Our own bytes (handshake
// answer, control frames) keep their place between them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>

namespace aethex::net::ws {

using shared_frame = std::shared_ptr<const std::string>;

/// True for a batch (a JSON array of frames): batches are spliced into others, never nested.
inline bool is_batch(const std::string& frame) { return !frame.empty() && frame.front() == '['; }

class out_queue {
 public:
  static constexpr std::size_t max_buffers = 96;
  using buffers = std::array<boost::asio::const_buffer, max_buffers>;

  bool empty() const { return items_.empty(); }
  /// Bytes queued (counting the framing of sealed frames).
  std::size_t bytes() const { return bytes_; }

  /// A text frame whose header and first `sent` bytes were already written.
  void push_started(shared_frame frame, std::size_t sent);
  /// A text frame not written yet; it may join a batch.
  void push(shared_frame frame);
  /// Bytes written as they are.
  void push_raw(std::string bytes);

  /// Fixes the framing of what is queued and fills `out` from the front (unused slots stay
  /// empty); returns the number of bytes in `out`.
  std::size_t gather(buffers& out);
  /// Drops `written` bytes from the front.
  void consume(std::size_t written);
  /// Forgets everything and frees the memory.
  void clear();

 private:
  struct item {
    shared_frame payload;
    std::string raw;
    std::array<char, 11> head{};  // frame header, plus '[' when this frame opens a batch
    std::uint8_t head_len = 0;
    char tail = 0;  // ',' or ']' inside a batch
    std::uint8_t tail_len = 0;
    bool trim = false;     // the payload is a batch: written without its brackets
    bool sealed = false;   // framing fixed (writing may have begun)
    std::size_t sent = 0;  // of head + payload + tail (or raw)

    std::size_t body() const { return payload ? payload->size() - (trim ? 2 : 0) : raw.size(); }
    std::size_t size() const { return head_len + body() + tail_len; }
  };

  void seal();

  std::vector<item> items_;  // a vector: idle connections hold no allocation
  std::size_t bytes_ = 0;
};

}  // namespace aethex::net::ws
