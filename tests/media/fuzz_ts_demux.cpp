// libFuzzer target: the same input through two MPEG-TS demuxers, one fed whole and one in small
// fragments. Both must survive, agree on every event, and keep each track's DTS monotonic.
#include "media/ts_demux.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace {

using namespace aethex::media;

std::vector<demux_event> run(std::span<const std::byte> in, std::size_t step) {
  ts_demuxer d{ts_demux_limits{64 * 1024}};
  std::vector<demux_event> events;
  for (std::size_t pos = 0; pos < in.size(); pos += step)
    for (auto& e : d.feed(in.subspan(pos, std::min(step, in.size() - pos))))
      events.push_back(std::move(e));
  for (auto& e : d.flush())
    events.push_back(std::move(e));
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> in{reinterpret_cast<const std::byte*>(data), size};
  const auto whole = run(in, size ? size : 1);
  const auto split = run(in, size ? 1 + data[0] % 200 : 1);
  if (whole.size() != split.size())
    __builtin_trap();
  std::int64_t last[2] = {INT64_MIN, INT64_MIN};
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (whole[i].index() != split[i].index())
      __builtin_trap();
    if (auto* f = std::get_if<media_frame>(&whole[i])) {
      const auto* g = std::get_if<media_frame>(&split[i]);
      if (f->dts != g->dts || f->data != g->data || f->cts != g->cts)
        __builtin_trap();
      auto& prev = last[f->kind == track_kind::video ? 0 : 1];
      if (f->dts < prev)
        __builtin_trap();
      prev = f->dts;
    }
  }
  return 0;
}
