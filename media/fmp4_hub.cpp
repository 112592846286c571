#include "media/fmp4_hub.hpp"

#include <algorithm>
#include <cmath>

namespace aethex::media {

namespace {

// Phases k = 0, 1, 2… at the golden ratio's fractions spread evenly over [0, 1) for any count of
// subscribers, without renumbering when some leave.
double phase_of(std::uint64_t k) {
  constexpr double golden = 0.6180339887498949;
  double whole = 0;
  return std::modf(static_cast<double>(k) * golden, &whole);
}

}  // namespace

void fmp4_hub::publish(fmp4_packet packet) {
  std::lock_guard lock{mutex_};
  if (closed_)
    return;
  cache(packet);
  bool init = packet.init;
  if (!init)
    newest_media_s_ = packet.media_time_s;
  history_.push_back(std::move(packet));
  deliver(init);
}

bool fmp4_hub::due(const subscription& s, unsigned interval_ms) const {
  auto waiting = history_base_ + history_.size() - s.next;
  if (interval_ms == 0 || waiting >= max_batch_packets)
    return waiting > 0;
  // A source that never marks burst ends is still delivered, late.
  auto held_ms = (newest_media_s_ - s.delivered_media_s) * 1000;
  if (held_ms >= 2.0 * interval_ms)
    return true;
  if (!history_.back().burst_end)
    return false;
  // Its batches end at the first burst past phase + k × interval on the media clock: about
  // one interval apart whatever the fragments' jitter, and offset from other subscribers'.
  auto slot = [&](double media_s) { return std::floor(media_s * 1000 / interval_ms - s.phase); };
  return slot(newest_media_s_) > slot(s.delivered_media_s);
}

void fmp4_hub::deliver(bool everyone) {
  auto interval_ms = batching_.interval_for(subscriptions_.size());
  auto end = history_base_ + history_.size();
  std::erase_if(subscriptions_, [&](subscription& s) {
    if (s.next == end || !(everyone || due(s, interval_ms)))
      return false;  // a gone subscriber is dropped when it is next due
    auto subscriber = s.subscriber.lock();
    if (!subscriber)
      return true;
    subscriber->on_packets(std::span{history_}.subspan(s.next - history_base_));
    s.next = end;
    s.delivered_media_s = newest_media_s_;
    return false;
  });
  auto oldest = end;
  for (auto& s : subscriptions_)
    oldest = std::min(oldest, s.next);
  history_.erase(history_.begin(),
                 history_.begin() + static_cast<std::ptrdiff_t>(oldest - history_base_));
  history_base_ = oldest;
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
  // The GOP cache reaches the newest packet: the subscriber's history starts after it.
  if (init_) {
    subscriber->on_packet(*init_);
    subscriber->on_packets(gop_);
  }
  subscriptions_.push_back({subscriber, history_base_ + history_.size(), newest_media_s_,
                            phase_of(joined_++)});
}

void fmp4_hub::close() {
  std::vector<subscription> subscriptions;
  {
    std::lock_guard lock{mutex_};
    if (closed_)
      return;
    deliver(true);
    closed_ = true;
    subscriptions.swap(subscriptions_);
    gop_.clear();
    history_.clear();
  }
  for (auto& s : subscriptions)
    if (auto subscriber = s.subscriber.lock())
      subscriber->on_end();
}

std::size_t fmp4_hub::subscribers() const {
  std::lock_guard lock{mutex_};
  return static_cast<std::size_t>(std::count_if(subscriptions_.begin(), subscriptions_.end(),
                                                [](const subscription& s) {
                                                  return !s.subscriber.expired();
                                                }));
}

std::size_t fmp4_hub::viewers() const {
  std::lock_guard lock{mutex_};
  std::size_t total = 0;
  for (auto& s : subscriptions_)
    if (auto subscriber = s.subscriber.lock())
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
