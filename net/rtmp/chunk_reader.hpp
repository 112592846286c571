// Incremental RTMP chunk-stream parser.
//
// Bytes may arrive in any fragmentation (one at a time included); complete messages come out in
// order. Protocol control messages that change how chunks are framed (Set Chunk Size, Abort) are
// applied here, at the exact point in the byte stream where they take effect, and not passed on.
#pragma once

#include "net/rtmp/result.hpp"

#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace aethex::net::rtmp {

/// Message type ids (RTMP spec 5.4, 7.1).
namespace msg_type {
inline constexpr std::uint8_t set_chunk_size = 1;
inline constexpr std::uint8_t abort = 2;
inline constexpr std::uint8_t acknowledgement = 3;
inline constexpr std::uint8_t user_control = 4;
inline constexpr std::uint8_t window_ack_size = 5;
inline constexpr std::uint8_t set_peer_bandwidth = 6;
inline constexpr std::uint8_t audio = 8;
inline constexpr std::uint8_t video = 9;
inline constexpr std::uint8_t data_amf3 = 15;
inline constexpr std::uint8_t shared_object_amf3 = 16;
inline constexpr std::uint8_t command_amf3 = 17;
inline constexpr std::uint8_t data_amf0 = 18;
inline constexpr std::uint8_t shared_object_amf0 = 19;
inline constexpr std::uint8_t command_amf0 = 20;
inline constexpr std::uint8_t aggregate = 22;
}  // namespace msg_type

struct message {
  std::uint32_t csid = 0;       // chunk stream id it arrived on
  std::uint32_t timestamp = 0;  // absolute, milliseconds (wraps at 2^32)
  std::uint8_t type = 0;
  std::uint32_t stream_id = 0;  // message stream id
  std::vector<std::uint8_t> payload;
};

struct chunk_reader_limits {
  std::size_t max_message_size = 16 * 1024 * 1024;
  std::size_t max_chunk_streams = 64;
  std::size_t max_buffered = 32 * 1024 * 1024;  // partial messages across all chunk streams
};

class chunk_reader {
 public:
  explicit chunk_reader(chunk_reader_limits limits = {});

  /// Parses `bytes`, appending every completed message to `out`. After an error the reader stays
  /// failed and consumes nothing more.
  status feed(std::span<const std::uint8_t> bytes, std::vector<message>& out);

  std::uint32_t chunk_size() const noexcept { return chunk_size_; }
  /// Changes the largest message accepted from now on (a session raises it once publishing).
  void set_max_message_size(std::size_t bytes) noexcept { limits_.max_message_size = bytes; }
  bool failed() const noexcept { return failed_; }

 private:
  struct stream_state {
    std::uint32_t timestamp = 0;
    std::uint32_t delta = 0;  // last timestamp field; reused by type-3 headers that start a message
    std::uint32_t length = 0;
    std::uint8_t type = 0;
    std::uint32_t stream_id = 0;
    bool extended = false;  // last type 0-2 header used an extended timestamp
    bool in_progress = false;
    std::vector<std::uint8_t> payload;
  };

  std::size_t header_size_needed() const;
  status parse_header();
  status control(const message& m);
  status fail(std::string text);

  chunk_reader_limits limits_;
  std::uint32_t chunk_size_ = 128;  // RTMP default until the peer says otherwise
  std::map<std::uint32_t, stream_state> streams_;
  std::uint8_t hdr_[18] = {};  // basic (<=3) + message (<=11) + extended timestamp (4)
  std::size_t hdr_len_ = 0;
  stream_state* current_ = nullptr;  // set while reading a chunk's payload
  std::uint32_t current_csid_ = 0;
  std::size_t chunk_left_ = 0;
  std::size_t buffered_ = 0;  // bytes held in partial messages
  bool failed_ = false;
};

}  // namespace aethex::net::rtmp
