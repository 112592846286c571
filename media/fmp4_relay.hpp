// A live fMP4 stream copied to another node: the ingest node forwards its hub's packets to an
// edge node, which republishes them into a hub of its own that all of its viewers share (one
// upstream copy per node, however many viewers it has).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "media/fmp4_hub.hpp"

namespace aethex::media {

using relay_atom = caf::atom_constant<caf::atom("relay")>;
using relay_data_atom = caf::atom_constant<caf::atom("relaydata")>;
using relay_end_atom = caf::atom_constant<caf::atom("relayend")>;
/// (relay_viewers_atom, uint64): the edge node's viewers of a relayed stream, to its source.
using relay_viewers_atom = caf::atom_constant<caf::atom("relayview")>;

/// An fmp4_packet as it crosses nodes.
struct relay_packet {
  bool init = false;
  bool video = false;
  bool keyframe = false;
  double media_time_s = 0;
  std::int64_t wall_ms = 0;
  std::string mime;
  std::vector<std::uint8_t> data;
  bool burst_end = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_packet& x) {
  return f(caf::meta::type_name("relay_packet"), x.init, x.video, x.keyframe, x.media_time_s,
           x.wall_ms, x.mime, x.data, x.burst_end);
}

/// A relayed stream is named "<channel>" (the source) or "<channel>/<rendition>".
std::string relay_key(std::string_view channel, std::string_view rendition);
/// {channel, rendition}; the rendition is empty for the source.
std::pair<std::string, std::string> split_relay_key(std::string_view key);

relay_packet to_relay(const fmp4_packet& packet);
fmp4_packet from_relay(relay_packet&& packet);

/// On the ingest node: sends `hub`'s packets (init and GOP cache first) to `sink` as
/// (relay_data_atom, channel, relay_packet) and (relay_end_atom, channel) when the stream ends.
/// Stops when the sink goes away or it is told to exit.
caf::actor spawn_relay_source(caf::actor_system& sys, std::shared_ptr<fmp4_hub> hub,
                              std::string channel, caf::actor sink);

}  // namespace aethex::media
