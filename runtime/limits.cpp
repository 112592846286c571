#include "runtime/limits.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace aethex::runtime {

std::string address_key(std::string_view address) {
  std::string text{address};
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (auto zone = text.find('%'); zone != std::string::npos)
    text.resize(zone);
  std::array<unsigned char, 16> v6{};
  if (::inet_pton(AF_INET6, text.c_str(), v6.data()) != 1)
    return std::string{address};  // IPv4 (already canonical from the socket) or not an address
  constexpr std::array<unsigned char, 12> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(mapped.begin(), mapped.end(), v6.begin()))
    return std::to_string(v6[12]) + "." + std::to_string(v6[13]) + "." + std::to_string(v6[14]) +
           "." + std::to_string(v6[15]);
  char prefix[48];
  std::snprintf(prefix, sizeof prefix, "%x:%x:%x:%x::/64", (v6[0] << 8) | v6[1],
                (v6[2] << 8) | v6[3], (v6[4] << 8) | v6[5], (v6[6] << 8) | v6[7]);
  return prefix;
}

// --- window_limiter ---

window_limiter::window_limiter(options opt, steady_now_fn now) : opt_(opt), now_(std::move(now)) {}

void window_limiter::expire(std::chrono::steady_clock::time_point now) {
  while (!by_start_.empty() && now - by_start_.front().start >= opt_.window) {
    index_.erase(by_start_.front().key);
    by_start_.pop_front();
  }
}

unsigned window_limiter::admit(std::string_view key) {
  if (opt_.limit == 0)
    return 0;
  const auto now = now_();
  std::lock_guard lock{mutex_};
  expire(now);  // a key still indexed below is inside its window
  auto found = index_.find(key);
  if (found == index_.end()) {
    if (opt_.max_keys == 0)
      return 0;
    if (index_.size() >= opt_.max_keys) {
      index_.erase(by_start_.front().key);
      by_start_.pop_front();
    }
    by_start_.push_back(entry{std::string{key}, now, 0});
    found = index_.emplace(by_start_.back().key, std::prev(by_start_.end())).first;
  }
  auto& e = *found->second;
  if (e.count >= opt_.limit) {
    auto left = std::chrono::ceil<std::chrono::seconds>(e.start + opt_.window - now).count();
    return static_cast<unsigned>(std::max<long long>(left, 1));
  }
  ++e.count;
  return 0;
}

std::size_t window_limiter::size() const {
  std::lock_guard lock{mutex_};
  return index_.size();
}

// --- connection_caps ---

struct connection_caps::slot::state {
  limits lim;
  mutable std::mutex mutex;
  std::size_t total = 0;
  std::unordered_map<std::string, std::size_t> per_key;  // at most `total` entries, none at 0

  refusal check_locked(const std::string& key) const {
    if (lim.total != 0 && total >= lim.total)
      return refusal::total;
    if (lim.per_address != 0) {
      auto it = per_key.find(key);
      if (it != per_key.end() && it->second >= lim.per_address)
        return refusal::per_address;
    }
    return refusal::none;
  }
};

connection_caps::slot& connection_caps::slot::operator=(slot&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    key_ = std::move(other.key_);
  }
  return *this;
}

void connection_caps::slot::release() {
  if (!state_)
    return;
  {
    std::lock_guard lock{state_->mutex};
    --state_->total;
    if (auto it = state_->per_key.find(key_); it != state_->per_key.end() && --it->second == 0)
      state_->per_key.erase(it);
  }
  state_.reset();
}

connection_caps::connection_caps(limits lim) : state_(std::make_shared<slot::state>()) {
  state_->lim = lim;
}

connection_caps::admission connection_caps::admit(const std::string& key) {
  std::lock_guard lock{state_->mutex};
  if (auto why = state_->check_locked(key); why != refusal::none)
    return {slot{}, why};
  ++state_->total;
  ++state_->per_key[key];
  return {slot{state_, key}, refusal::none};
}

connection_caps::refusal connection_caps::check(const std::string& key) const {
  std::lock_guard lock{state_->mutex};
  return state_->check_locked(key);
}

std::size_t connection_caps::total() const {
  std::lock_guard lock{state_->mutex};
  return state_->total;
}

std::size_t connection_caps::count(const std::string& key) const {
  std::lock_guard lock{state_->mutex};
  auto it = state_->per_key.find(key);
  return it == state_->per_key.end() ? 0 : it->second;
}

const char* to_string(connection_caps::refusal why) {
  switch (why) {
    case connection_caps::refusal::none: return "admitted";
    case connection_caps::refusal::total: return "too many connections";
    case connection_caps::refusal::per_address: return "too many connections from this address";
  }
  return "refused";
}

// --- log_throttle ---

log_throttle::log_throttle(std::chrono::milliseconds interval, steady_now_fn now)
    : interval_(interval), now_(std::move(now)) {}

std::optional<std::size_t> log_throttle::admit() {
  const auto now = now_();
  std::lock_guard lock{mutex_};
  if (last_ && now - *last_ < interval_) {
    ++held_back_;
    return std::nullopt;
  }
  last_ = now;
  return std::exchange(held_back_, 0);
}

}  // namespace aethex::runtime
