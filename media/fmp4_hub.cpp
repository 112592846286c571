#include "media/fmp4_hub.hpp"

#include <algorithm>

namespace aethex::media {

void fmp4_hub::publish(fmp4_packet packet) {
  std::lock_guard lock{mutex_};
  if (closed_)
    return;
  if (packet.init) {
    // A new init (caps change) invalidates the cached fragments.
    init_ = packet;
    gop_.clear();
    gop_bytes_ = 0;
    gop_valid_ = false;
  } else if (packet.keyframe) {
    gop_.clear();
    gop_bytes_ = 0;
    gop_valid_ = true;
  }
  if (!packet.init && gop_valid_) {
    gop_bytes_ += packet.data->size();
    if (gop_bytes_ > max_cached_bytes) {
      gop_.clear();
      gop_bytes_ = 0;
      gop_valid_ = false;
    } else {
      gop_.push_back(packet);
    }
  }
  std::erase_if(subscribers_, [&](const std::weak_ptr<fmp4_subscriber>& weak) {
    auto sub = weak.lock();
    if (!sub)
      return true;
    sub->on_packet(packet);
    return false;
  });
}

void fmp4_hub::subscribe(const std::shared_ptr<fmp4_subscriber>& subscriber) {
  std::lock_guard lock{mutex_};
  if (closed_) {
    subscriber->on_end();
    return;
  }
  if (init_) {
    subscriber->on_packet(*init_);
    for (auto& packet : gop_)
      subscriber->on_packet(packet);
  }
  subscribers_.push_back(subscriber);
}

void fmp4_hub::close() {
  std::vector<std::weak_ptr<fmp4_subscriber>> subscribers;
  {
    std::lock_guard lock{mutex_};
    if (closed_)
      return;
    closed_ = true;
    subscribers.swap(subscribers_);
    gop_.clear();
  }
  for (auto& weak : subscribers)
    if (auto sub = weak.lock())
      sub->on_end();
}

std::size_t fmp4_hub::subscribers() const {
  std::lock_guard lock{mutex_};
  return static_cast<std::size_t>(std::count_if(subscribers_.begin(), subscribers_.end(),
                                                [](auto& weak) { return !weak.expired(); }));
}

std::size_t fmp4_hub::viewers() const {
  std::lock_guard lock{mutex_};
  std::size_t total = 0;
  for (auto& weak : subscribers_)
    if (auto subscriber = weak.lock())
      total += subscriber->viewers();
  return total;
}

bool fmp4_hub::closed() const {
  std::lock_guard lock{mutex_};
  return closed_;
}

std::size_t fmp4_hub::cached_packets() const {
  std::lock_guard lock{mutex_};
  return gop_.size();
}

}  // namespace aethex::media
