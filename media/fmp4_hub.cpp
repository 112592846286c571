#include "media/fmp4_hub.hpp"

#include <algorithm>

namespace aethex::media {

void fmp4_hub::publish(fmp4_packet packet) {
  std::lock_guard lock{mutex_};
  if (closed_)
    return;
  cache(packet);
  auto interval_ms = batching_.interval_for(subscribers_.size());
  pending_.push_back(std::move(packet));
  const auto& last = pending_.back();
  if (interval_ms == 0 || last.init)
    return deliver_pending();
  // Fragments are cut ~100 ms apart with jitter: a batch is due a tenth early rather than a
  // whole fragment late. A source that never marks burst ends is still delivered, late.
  auto held_ms = (last.media_time_s - delivered_media_s_) * 1000;
  if ((last.burst_end && held_ms >= interval_ms * 0.9) || held_ms >= 2.0 * interval_ms ||
      pending_.size() >= max_batch_packets)
    deliver_pending();
}

void fmp4_hub::deliver_pending() {
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it)
    if (!it->init) {
      delivered_media_s_ = it->media_time_s;
      break;
    }
  std::erase_if(subscribers_, [&](const std::weak_ptr<fmp4_subscriber>& weak) {
    auto sub = weak.lock();
    if (!sub)
      return true;
    for (auto& packet : pending_)
      sub->on_packet(packet);
    return false;
  });
  pending_.clear();
}

void fmp4_hub::cache(const fmp4_packet& packet) {
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
}

void fmp4_hub::subscribe(const std::shared_ptr<fmp4_subscriber>& subscriber) {
  std::lock_guard lock{mutex_};
  if (closed_) {
    subscriber->on_end();
    return;
  }
  // The GOP cache already holds the batch in waiting: the others get it now, so that nobody
  // receives those packets twice.
  deliver_pending();
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
    deliver_pending();
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
