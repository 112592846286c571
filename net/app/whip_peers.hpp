// The WHIP endpoint's WebRTC receivers (net/whip sees no media layer): media::webrtc_ingest
// behind net::whip::peer.
#pragma once

#include "net/whip/endpoint.hpp"

namespace aethex::app {

/// Receivers that encode 1280×720 at 30 fps; the factory is empty (start unset) when an element
/// webrtc_ingest needs is missing, whose name then goes to `missing`.
net::whip::peer_factory make_whip_peers(std::string& missing);

}  // namespace aethex::app
