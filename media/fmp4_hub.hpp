// Fan-out of one live fMP4 stream to many viewers. The muxer branch publishes once; each viewer
// is a subscriber that gets the init segment, then the fragments since the last video keyframe
// (GOP cache, so playback starts at once), then every new fragment. Thread-safe: publishing runs
// on a GStreamer thread, subscribing on network threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/fmp4.hpp"

namespace aethex::media {

struct fmp4_packet {
  bool init = false;
  std::shared_ptr<const fmp4::bytes> data;
  bool video = false;
  bool keyframe = false;     // a video fragment that starts with a sync sample
  double media_time_s = 0;   // start of the fragment on the track's timeline
  std::int64_t wall_ms = 0;  // wall clock (ms since epoch) when that first sample was live
  std::string mime;          // init only: MediaSource type with codecs
  bool burst_end = false;    // the last fragment the muxer cut at this moment (batches end here)
};

class fmp4_subscriber {
 public:
  virtual ~fmp4_subscriber() = default;
  /// Called in stream order under the hub's lock: must only queue, never block.
  virtual void on_packet(const fmp4_packet& packet) = 0;
  /// Packets delivered together (a batch, or the init and GOP cache of a new subscriber), in
  /// order: a subscriber that hands them over at once overrides this.
  virtual void on_packets(std::span<const fmp4_packet> run) {
    for (const auto& packet : run)
      on_packet(packet);
  }
  /// The session ended; no packets follow.
  virtual void on_end() = 0;
  /// People watching through this subscriber: one player, or the viewers of another node that
  /// relays the stream (they count on the channel, the relay itself does not).
  virtual std::size_t viewers() const { return 1; }
};

class fmp4_hub {
 public:
  /// A GOP longer than this is not cached (new viewers then wait for the next keyframe).
  static constexpr std::size_t max_cached_bytes = 16u << 20;
  /// A batch is delivered at this many packets whatever its span.
  static constexpr std::size_t max_batch_packets = 64;

  /// A large audience gets live packets in batches of about `interval_ms` of media, each ending
  /// at a burst end: a viewer socket then writes a few times a second instead of once per
  /// ~100 ms fragment, which cut the node's CPU per WebSocket viewer by ~30 % (the per-write
  /// kernel and socket costs dominate, not the bytes). The newest fragment of a batch never
  /// waits, so the live edge a player sees is unchanged; older ones wait at most interval minus
  /// one fragment. Small audiences (and every init) get each packet at once. A very large
  /// audience gets longer batches (two writes a second, fewer than an HLS player's requests):
  /// the web player sizes its buffer from the gaps between arrivals, so it trades ~0.3 s of
  /// latency for the node's capacity only where the audience is that large.
  ///
  /// Subscribers are spread over the interval (each has its own phase): every burst goes to
  /// about a fifth of a 500 ms audience, not all of it at every fifth burst. Delivering to
  /// everyone at once had each network loop write to thousands of sockets in a row, and the HTTP
  /// requests queued behind those writes (HLS players in the same loops) fell behind.
  struct batching {
    unsigned interval_ms = 200;         // 0: never batch
    std::size_t from_subscribers = 64;  // batch while at least this many subscribe
    unsigned long_interval_ms = 500;
    std::size_t long_from_subscribers = 1000;

    /// The batch interval for an audience of `subscribers` (0: every packet at once).
    unsigned interval_for(std::size_t subscribers) const {
      if (interval_ms == 0 || subscribers < from_subscribers)
        return 0;
      return subscribers >= long_from_subscribers ? std::max(interval_ms, long_interval_ms)
                                                  : interval_ms;
    }
  };

  fmp4_hub() = default;
  explicit fmp4_hub(batching rule) : batching_(rule) {}

  void publish(fmp4_packet packet);
  /// Delivers init + GOP cache now (if present), then live packets until close or expiry.
  void subscribe(const std::shared_ptr<fmp4_subscriber>& subscriber);
  void close();
  std::size_t subscribers() const;
  /// Viewers through the live subscribers (fmp4_subscriber::viewers): the WebSocket figure.
  std::size_t viewers() const;
  bool closed() const;
  /// Number of cached packets (GOP cache), for tests and diagnostics.
  std::size_t cached_packets() const;

 private:
  struct subscription {
    std::weak_ptr<fmp4_subscriber> subscriber;
    std::uint64_t next = 0;        // sequence number of the first packet it has not received
    double delivered_media_s = 0;  // media time of the newest packet it has received
    double phase = 0;              // where in each interval its batches end, [0, 1)
  };

  mutable std::mutex mutex_;
  std::optional<fmp4_packet> init_;
  std::vector<fmp4_packet> gop_;
  std::size_t gop_bytes_ = 0;
  bool gop_valid_ = false;  // false until the first keyframe, or after an oversized GOP
  bool closed_ = false;
  std::vector<subscription> subscriptions_;
  std::uint64_t joined_ = 0;  // subscriptions ever made: numbers their phases
  batching batching_;
  // Packets some subscriber has not received yet; history_base_ numbers the front one.
  std::vector<fmp4_packet> history_;  // a few dozen at most: trimmed from the front
  std::uint64_t history_base_ = 0;
  double newest_media_s_ = 0;  // media time of the newest fragment published

  void cache(const fmp4_packet& packet);
  /// Delivers what each due subscriber has not received (all of them when `everyone`), drops
  /// the gone ones and the history nobody needs any more.
  void deliver(bool everyone);
  bool due(const subscription& s, unsigned interval_ms) const;
};

}  // namespace aethex::media
