#include "actors/chat/follow_gate.hpp"

#include "actors/social/follows.hpp"

namespace aethex::actors {

std::optional<std::int64_t> follow_gate::since(const std::string& user, std::int64_t now_ms) const {
  auto it = users_.find(user);
  if (it == users_.end() || now_ms - it->second.fetched_ms >= remember_ms)
    return std::nullopt;
  return it->second.since_ms;
}

void follow_gate::remember(const follows_view& view, std::string_view channel,
                           std::int64_t now_ms) {
  if (users_.size() >= max_users)
    std::erase_if(users_,
                  [now_ms](auto& kv) { return now_ms - kv.second.fetched_ms >= remember_ms; });
  if (users_.size() >= max_users)
    users_.clear();  // all fresh: forgetting costs only asks
  auto since_ms = not_following;
  for (auto& followed : view.channels)
    if (followed.channel == channel)
      since_ms = followed.since_ms;
  users_[view.user] = {since_ms, now_ms};
}

std::optional<std::string> followers_only_refusal(std::int64_t since_ms, std::uint32_t min_s,
                                                  std::int64_t now_ms, std::string_view channel) {
  if (since_ms == follow_gate::not_following)
    return "this chat is followers-only: follow " + std::string{channel} + " to chat";
  auto wait_ms = since_ms + std::int64_t{min_s} * 1000 - now_ms;
  if (wait_ms <= 0)
    return std::nullopt;
  auto minutes = (wait_ms + 59'999) / 60'000;
  return "this chat is followers-only for followers of " + std::to_string((min_s + 59) / 60) +
         " minutes or more: wait " + std::to_string(minutes) + " more minute" +
         (minutes == 1 ? "" : "s");
}

}  // namespace aethex::actors
