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

/// Where a stream's media time was live: the wall clock of its newest fragment. Renditions are
/// stamped from the source's, so players count the transcode delay in their latency.
struct media_clock {
  double media_s = -1;  // -1: no fragment yet
  std::int64_t wall_ms = 0;
};

/// Hands `units` to `hub` and `ll` and clears them. Without a video track every audio fragment
/// is a place to start playing (and to report the clock from). A fragment was live when it
/// arrived (its first sample a fragment's duration earlier): `clock` records that; with
/// `follow_clock` true the fragment's time comes from `clock` (a rendition of that source).
void publish_units(fmp4_hub& hub, ll_hls_stream& ll, std::vector<remux_unit>& units,
                   bool audio_only, media_clock& clock, bool follow_clock = false);

}  // namespace aethex::media
