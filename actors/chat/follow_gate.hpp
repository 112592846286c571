// Followers-only chat: whether a user has followed the room's channel, and since when. The room
// asks follows/<user> when a user it knows nothing about writes, and keeps the answer for a
// minute, so a busy followers-only room costs one entity ask per chatter per minute rather
// than one per message; a user who just followed waits at most that long (Twitch's followers-
// only mode works at minute granularity too).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace aethex::actors {

struct follows_view;

class follow_gate {
 public:
  static constexpr std::int64_t remember_ms = 60'000;
  static constexpr std::size_t max_users = 20'000;  // one-off chatters must not grow it forever
  static constexpr std::int64_t not_following = -1;

  /// Since when `user` follows (ms), not_following, or nullopt when not known (any more).
  std::optional<std::int64_t> since(const std::string& user, std::int64_t now_ms) const;
  /// Remembers what `view` (the user's follows) says about `channel`.
  void remember(const follows_view& view, std::string_view channel, std::int64_t now_ms);

 private:
  struct entry {
    std::int64_t since_ms;
    std::int64_t fetched_ms;
  };
  std::unordered_map<std::string, entry> users_;
};

/// Why a user who follows since `since_ms` (or not_following) may not write in a followers-only
/// room that asks for `min_s` seconds of following; nullopt when they may.
std::optional<std::string> followers_only_refusal(std::int64_t since_ms, std::uint32_t min_s,
                                                  std::int64_t now_ms, std::string_view channel);

}  // namespace aethex::actors
