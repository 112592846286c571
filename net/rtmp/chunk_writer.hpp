// Serialises outgoing RTMP messages into chunks of our chunk size.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace aethex::net::rtmp {

/// Chunk stream ids we send on (conventional values that ffmpeg/OBS/FMS use).
namespace csid {
inline constexpr std::uint32_t control = 2;
inline constexpr std::uint32_t command = 3;
inline constexpr std::uint32_t stream_status = 5;
}  // namespace csid

class chunk_writer {
 public:
  explicit chunk_writer(std::uint32_t chunk_size = 128)
      : chunk_size_(chunk_size ? chunk_size : 128) {}

  /// Takes effect for the next message; send Set Chunk Size to the peer first.
  void set_chunk_size(std::uint32_t size) {
    if (size)
      chunk_size_ = size;
  }
  std::uint32_t chunk_size() const noexcept { return chunk_size_; }

  /// Appends `payload` as one message: a type-0 chunk, then type-3 continuation chunks.
  void write(std::uint32_t chunk_stream, std::uint8_t type, std::uint32_t stream_id,
             std::uint32_t timestamp, std::span<const std::uint8_t> payload,
             std::vector<std::uint8_t>& out) const;

 private:
  std::uint32_t chunk_size_;
};

}  // namespace aethex::net::rtmp
