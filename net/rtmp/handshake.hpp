// Server side of the RTMP simple handshake: C0+C1 -> S0+S1+S2, then wait for C2.
//
// The simple form (S2 echoes C1, no digests) is what ffmpeg and OBS accept when publishing; our S1
// carries a zero version field, which tells clients not to expect the digest scheme.
#pragma once

#include "net/rtmp/result.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace aethex::net::rtmp {

class handshake {
 public:
  static constexpr std::size_t packet_size = 1536;
  static constexpr std::uint8_t version = 3;

  handshake();

  /// Consumes handshake bytes from `in`, appending our replies to `out`. Returns how many bytes it
  /// used; once done(), the rest of `in` belongs to the chunk stream.
  result<std::size_t> feed(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out);
  bool done() const noexcept { return state_ == state::done; }

 private:
  enum class state { c0c1, c2, done, failed };
  state state_ = state::c0c1;
  std::vector<std::uint8_t> buf_;
  std::vector<std::uint8_t> s1_;
};

}  // namespace aethex::net::rtmp
