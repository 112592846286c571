// Where a remuxer's units go: the WebSocket hub and the in-memory HLS/LL-HLS stream of one
// rendition (the source's or a transcoded one's).
#pragma once

#include <cstdint>
#include <vector>

#include "media/live_remuxer.hpp"

namespace aethex::media {

class fmp4_hub;
class ll_hls_stream;

/// Milliseconds since the epoch: when media was live (players show latency against it).
std::int64_t wall_clock_ms();

/// Hands `units` to `hub` and `ll` and clears them. Without a video track every audio fragment
/// is a place to start playing (and to report the clock from).
void publish_units(fmp4_hub& hub, ll_hls_stream& ll, std::vector<remux_unit>& units,
                   bool audio_only);

}  // namespace aethex::media
