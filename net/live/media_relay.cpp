#include "net/live/media_relay.hpp"

#include <iostream>
#include <map>
#include <vector>

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "media/fmp4_relay.hpp"
#include "media/media_session.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"

namespace aethex::live {
namespace {

using namespace std::chrono_literals;
using idle_sweep_atom = caf::atom_constant<caf::atom("relaysweep")>;
using report_atom = caf::atom_constant<caf::atom("relayrep")>;

constexpr auto lookup_timeout = 5s;
// A relay without viewers for two sweeps in a row is released.
constexpr auto sweep_interval = 10s;
// How often each source hears how many viewers this node has (the channel's figure counts them).
constexpr auto report_interval = 1s;

struct relay {
  std::shared_ptr<media::fmp4_hub> hub = std::make_shared<media::fmp4_hub>();
  caf::actor source;  // on the ingest node; null until it answered
  std::vector<caf::typed_response_promise<media::media_outputs>> waiting;
  bool idle_once = false;
};

struct relays_state {
  caf::actor registry;
  caf::actor membership;
  std::string self_node;
  std::map<std::string, relay> relays;
  static inline const char* name = "edge_relays";
};

using relays_actor = caf::stateful_actor<relays_state>;

void drop(relays_actor* self, const std::string& channel, caf::error why) {
  auto it = self->state.relays.find(channel);
  if (it == self->state.relays.end())
    return;
  it->second.hub->close();
  for (auto& promise : it->second.waiting)
    promise.deliver(why ? why : make_error(errc::not_found, "channel is not live"));
  if (it->second.source)
    self->send_exit(it->second.source, caf::exit_reason::user_shutdown);
  self->state.relays.erase(it);
}

// Channel entity -> ingest node -> that member's services -> a relay source sending here.
// `stream` is a relay key: the channel's source, or one of its renditions.
void connect_upstream(relays_actor* self, const std::string& stream) {
  const auto& channel = stream;  // relays, promises and packets go by the key
  auto fail = [self, channel](caf::error& err) { drop(self, channel, std::move(err)); };
  actors::entity_ref<actors::channel_protocol>{self->state.registry,
                                               media::split_relay_key(stream).first}
    .request_within(self, lookup_timeout, get_atom::value)
    .then(
      [self, channel, fail](const actors::channel_view& view) {
        if (!view.live || view.ingest_node.empty() || view.ingest_node == self->state.self_node)
          return drop(self, channel, make_error(errc::not_found, "channel is not live"));
        self->request(self->state.membership, lookup_timeout, get_atom::value)
          .then(
            [self, channel, fail, node = view.ingest_node](const runtime::cluster_view& cluster) {
              auto* member = cluster.find(node);
              if (!member || !member->services)
                return drop(self, channel,
                            make_error(errc::unavailable, "the ingest node is not a member"));
              self
                ->request(member->services, lookup_timeout, media::relay_atom::value, channel,
                          caf::actor{self})
                .then(
                  [self, channel](const caf::actor& source) {
                    auto it = self->state.relays.find(channel);
                    if (it == self->state.relays.end())
                      return self->send_exit(source, caf::exit_reason::user_shutdown);
                    it->second.source = source;
                    self->monitor(source);
                    for (auto& promise : it->second.waiting)
                      promise.deliver(media::media_outputs{it->second.hub, nullptr, nullptr});
                    it->second.waiting.clear();
                  },
                  fail);
            },
            fail);
      },
      fail);
}

caf::behavior edge_relays(relays_actor* self, caf::actor registry, caf::actor membership,
                          std::string self_node) {
  self->state.registry = std::move(registry);
  self->state.membership = std::move(membership);
  self->state.self_node = std::move(self_node);
  self->set_down_handler([self](const caf::down_msg& down) {
    for (auto& [channel, r] : self->state.relays)
      if (r.source.address() == down.source) {
        r.source = nullptr;
        return drop(self, std::string{channel}, caf::none);
      }
  });
  self->delayed_send(self, sweep_interval, idle_sweep_atom::value);
  self->delayed_send(self, report_interval, report_atom::value);
  return {
    [self](media::relay_atom, const std::string& channel) -> caf::result<media::media_outputs> {
      auto& st = self->state;
      if (!st.membership)
        return make_error(errc::not_found, "channel is not live");
      auto [it, created] = st.relays.try_emplace(channel);
      it->second.idle_once = false;
      if (it->second.source)
        return media::media_outputs{it->second.hub, nullptr, nullptr};
      auto promise = self->make_response_promise<media::media_outputs>();
      it->second.waiting.push_back(promise);
      if (created)
        connect_upstream(self, channel);
      return promise;
    },
    [self](media::relay_data_atom, const std::string& channel, media::relay_packet& packet) {
      if (auto it = self->state.relays.find(channel); it != self->state.relays.end())
        it->second.hub->publish(media::from_relay(std::move(packet)));
    },
    [self](media::relay_end_atom, const std::string& channel) { drop(self, channel, caf::none); },
    [self](report_atom) {
      for (auto& [channel, r] : self->state.relays)
        if (r.source)
          self->send(r.source, media::relay_viewers_atom::value,
                     static_cast<std::uint64_t>(r.hub->viewers()));
      self->delayed_send(self, report_interval, report_atom::value);
    },
    [self](idle_sweep_atom) {
      std::vector<std::string> idle;
      for (auto& [channel, r] : self->state.relays) {
        if (!r.source || r.hub->subscribers() > 0)
          r.idle_once = false;
        else if (std::exchange(r.idle_once, true))
          idle.push_back(channel);
      }
      for (auto& channel : idle)
        drop(self, channel, caf::none);
      self->delayed_send(self, sweep_interval, idle_sweep_atom::value);
    },
  };
}

}  // namespace

caf::actor spawn_edge_relays(caf::actor_system& sys, caf::actor registry, caf::actor membership,
                             std::string self_node) {
  return sys.spawn(edge_relays, std::move(registry), std::move(membership), std::move(self_node));
}

}  // namespace aethex::live
