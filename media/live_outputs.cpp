#include "media/live_outputs.hpp"

#include <chrono>

#include "media/fmp4_hub.hpp"
#include "media/ll_hls.hpp"

namespace aethex::media {

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

void publish_units(fmp4_hub& hub, ll_hls_stream& ll, std::vector<remux_unit>& units,
                   bool audio_only, media_clock& clock, bool follow_clock) {
  const remux_unit* burst_end = nullptr;
  for (auto& unit : units)
    if (unit.kind == remux_unit::type::fragment)
      burst_end = &unit;
  for (auto& unit : units) {
    if (unit.kind == remux_unit::type::segment_end) {
      ll.end_segment();
      continue;
    }
    fmp4_packet packet;
    packet.data = unit.data;
    if (unit.kind == remux_unit::type::init) {
      auto info = fmp4::parse_init(*unit.data);
      if (!info)
        continue;  // cannot happen for what write_init writes; never publish a broken init
      packet.init = true;
      packet.mime = info->mime();
      ll.set_init(unit.data, *info);
    } else {
      packet.video = unit.video;
      packet.burst_end = &unit == burst_end;
      packet.keyframe = unit.keyframe || (audio_only && !unit.video);
      packet.media_time_s = static_cast<double>(unit.decode_time) / unit.timescale;
      if (follow_clock && clock.media_s >= 0) {
        packet.wall_ms = clock.wall_ms +
                         static_cast<std::int64_t>((packet.media_time_s - clock.media_s) * 1000);
      } else {
        // A fragment leaves when the frame after it arrives: its first sample was live earlier.
        packet.wall_ms = wall_clock_ms() -
                         static_cast<std::int64_t>(unit.duration * 1000 / unit.timescale);
        if (!follow_clock)
          clock = {packet.media_time_s, packet.wall_ms};
      }
      fmp4::fragment_info info{unit.track_id, unit.decode_time, unit.duration, unit.samples,
                               unit.keyframe || !unit.video};
      ll.add_fragment(unit.data, info, packet.wall_ms);
    }
    hub.publish(std::move(packet));
  }
  units.clear();
}

}  // namespace aethex::media
