#include "media/fmp4_relay.hpp"

#include <atomic>
#include <cstring>

#include <caf/all.hpp>

namespace aethex::media {
namespace {

// Runs under the hub's lock on a GStreamer thread: sending is a non-blocking enqueue.
class forwarder final : public fmp4_subscriber {
 public:
  forwarder(caf::actor sink, caf::actor source, std::string channel)
      : sink_(std::move(sink)), source_(std::move(source)), channel_(std::move(channel)) {}

  void on_packet(const fmp4_packet& packet) override {
    caf::anon_send(sink_, relay_data_atom::value, channel_, to_relay(packet));
  }
  void on_end() override {
    caf::anon_send(sink_, relay_end_atom::value, channel_);
    caf::anon_send_exit(source_, caf::exit_reason::normal);
  }
  // The relay's own connection is not a viewer; the people behind it are (0 until told).
  std::size_t viewers() const override { return downstream_.load(std::memory_order_relaxed); }
  void set_downstream(std::uint64_t viewers) {
    downstream_.store(static_cast<std::size_t>(viewers), std::memory_order_relaxed);
  }

 private:
  std::atomic<std::size_t> downstream_{0};
  caf::actor sink_;
  caf::actor source_;
  std::string channel_;
};

struct source_state {
  std::shared_ptr<forwarder> subscription;  // the hub only holds a weak reference
  static inline const char* name = "fmp4_relay_source";
};

caf::behavior source(caf::stateful_actor<source_state>* self, std::shared_ptr<fmp4_hub> hub,
                     std::string channel, caf::actor sink) {
  self->monitor(sink);
  self->set_down_handler([self](const caf::down_msg&) { self->quit(); });
  self->state.subscription = std::make_shared<forwarder>(sink, caf::actor{self}, channel);
  hub->subscribe(self->state.subscription);
  return {
    [](relay_end_atom) {},
    [self](relay_viewers_atom, std::uint64_t viewers) {
      self->state.subscription->set_downstream(viewers);
    },
  };
}

}  // namespace

std::string relay_key(std::string_view channel, std::string_view rendition) {
  return rendition.empty() ? std::string{channel}
                           : std::string{channel} + "/" + std::string{rendition};
}

std::pair<std::string, std::string> split_relay_key(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos)
    return {std::string{key}, {}};
  return {std::string{key.substr(0, slash)}, std::string{key.substr(slash + 1)}};
}

relay_packet to_relay(const fmp4_packet& packet) {
  relay_packet out{packet.init, packet.video, packet.keyframe, packet.media_time_s, packet.wall_ms,
                   packet.mime, {},           packet.burst_end};
  if (packet.data) {
    out.data.resize(packet.data->size());
    std::memcpy(out.data.data(), packet.data->data(), packet.data->size());
  }
  return out;
}

fmp4_packet from_relay(relay_packet&& packet) {
  fmp4::bytes data(packet.data.size());
  std::memcpy(data.data(), packet.data.data(), packet.data.size());
  fmp4_packet out;
  out.init = packet.init;
  out.data = std::make_shared<const fmp4::bytes>(std::move(data));
  out.video = packet.video;
  out.keyframe = packet.keyframe;
  out.media_time_s = packet.media_time_s;
  out.wall_ms = packet.wall_ms;
  out.mime = std::move(packet.mime);
  out.burst_end = packet.burst_end;
  return out;
}

caf::actor spawn_relay_source(caf::actor_system& sys, std::shared_ptr<fmp4_hub> hub,
                              std::string channel, caf::actor sink) {
  return sys.spawn(source, std::move(hub), std::move(channel), std::move(sink));
}

}  // namespace aethex::media
