#include "net/rtmp/handshake.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <string>

namespace aethex::net::rtmp {

handshake::handshake() : s1_(packet_size) {
  // S1: our time, four zero bytes, then random filler (only has to differ between sessions).
  const auto now = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now().time_since_epoch())
                                                .count());
  for (int i = 0; i < 4; ++i)
    s1_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(now >> (24 - 8 * i));
  std::minstd_rand rng{std::random_device{}()};
  for (std::size_t i = 8; i < packet_size; ++i)
    s1_[i] = static_cast<std::uint8_t>(rng());
}

result<std::size_t> handshake::feed(std::span<const std::uint8_t> in,
                                    std::vector<std::uint8_t>& out) {
  if (state_ == state::failed)
    return error{"rtmp handshake: already failed"};
  std::size_t used = 0;
  while (used < in.size() && state_ != state::done) {
    if (state_ == state::c0c1 && buf_.empty() && in[used] != version) {
      state_ = state::failed;
      return error{"rtmp handshake: unsupported version " + std::to_string(in[used]) +
                   " (only 3 is accepted; is this an RTMPE/RTMPS client or not RTMP at all?)"};
    }
    const std::size_t want = state_ == state::c0c1 ? 1 + packet_size : packet_size;
    const std::size_t take = std::min(want - buf_.size(), in.size() - used);
    buf_.insert(buf_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
                in.begin() + static_cast<std::ptrdiff_t>(used + take));
    used += take;
    if (buf_.size() < want)
      break;
    if (state_ == state::c0c1) {
      out.push_back(version);                               // S0
      out.insert(out.end(), s1_.begin(), s1_.end());        // S1
      out.insert(out.end(), buf_.begin() + 1, buf_.end());  // S2 = C1 echoed
      state_ = state::c2;
    } else {
      // C2 should echo S1; clients that tried the digest scheme send something else, and nothing
      // about ingest depends on it, so it is not checked.
      state_ = state::done;
    }
    buf_.clear();
  }
  return used;
}

}  // namespace aethex::net::rtmp
