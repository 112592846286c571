#include "media/clip_cutter.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace aethex::media {
namespace {

// Reads `size` bytes at the stream's position; false when the file ends first.
bool read_exactly(std::ifstream& in, fmp4::bytes& out, std::uint64_t size) {
  out.resize(size);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
  return static_cast<std::uint64_t>(in.gcount()) == size;
}

std::uint64_t ticks(double seconds, std::uint32_t timescale) {
  return static_cast<std::uint64_t>(std::max(0.0, seconds) * timescale + 0.5);
}

bool rename_into_place(const std::filesystem::path& tmp, const std::filesystem::path& out,
                       std::string& error) {
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec)
    error = "cannot write " + out.string() + ": " + ec.message();
  return !ec;
}

}  // namespace

namespace {

// The lead track's first and end times, the wanted start in its ticks and the keyframe
// fragment the clip starts with.
struct lead_span {
  const fmp4::track_info* track = nullptr;
  std::uint64_t origin = UINT64_MAX, end = 0, wanted = 0;
  double start_s = 0;
  const recording_map::fragment* key = nullptr;
};

std::optional<lead_span> find_start(const recording_map& map, double start_s, double duration_s) {
  lead_span span;
  span.track = map.lead();
  if (!span.track)
    return std::nullopt;
  for (const auto& f : map.fragments)
    if (f.info.track_id == span.track->id) {
      span.origin = std::min(span.origin, f.info.decode_time);
      span.end = std::max(span.end, f.info.decode_time + f.info.duration);
    }
  if (span.end == 0)
    return std::nullopt;
  auto scale = span.track->timescale;
  if (start_s < 0)  // a live clip: the last duration_s of what is recorded
    start_s = std::max(0.0, double(span.end - span.origin) / scale - duration_s);
  span.start_s = start_s;
  span.wanted = span.origin + ticks(start_s, scale);
  // The last keyframe at or before the wanted start (the first one when none is).
  for (const auto& f : map.fragments) {
    if (f.info.track_id != span.track->id || !f.info.starts_with_sync)
      continue;
    if (f.info.decode_time > span.wanted && span.key)
      break;
    span.key = &f;
  }
  if (!span.key)
    return std::nullopt;
  return span;
}

}  // namespace

std::optional<clip_start> keyframe_before(const recording_map& map, double start_s,
                                          double duration_s) {
  auto span = find_start(map, start_s, duration_s);
  if (!span)
    return std::nullopt;
  return clip_start{double(span->key->info.decode_time - span->origin) / span->track->timescale,
                    span->start_s};
}

std::optional<clip_cut> cut_on_keyframes(const recording_map& map,
                                         const std::filesystem::path& media, double start_s,
                                         double duration_s, const std::filesystem::path& out,
                                         std::string& error) {
  auto span = find_start(map, start_s, duration_s);
  if (!span) {
    error = map.fragments.empty() ? "nothing is recorded yet" : "no keyframe in the range";
    return std::nullopt;
  }
  const auto* lead = span->track;
  const auto* key = span->key;
  auto scale = lead->timescale;
  auto origin = span->origin;
  auto from = key->info.decode_time;
  auto to = from + ticks(duration_s, scale);
  auto tmp = out;
  tmp += ".tmp";
  std::ifstream in(media, std::ios::binary);
  std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(map.init.data()),
             static_cast<std::streamsize>(map.init.size()));
  std::uint64_t bytes = map.init.size(), lead_end = from;
  fmp4::bytes fragment;
  for (const auto& f : map.fragments) {
    auto track = map.info.tracks.find(f.info.track_id);
    if (track == map.info.tracks.end())
      continue;
    // The other tracks' times, in their own timescale, relative to the same instant.
    auto rescale = [&](std::uint64_t t) { return t * track->second.timescale / scale; };
    auto begin = rescale(from), end = rescale(to);
    if (f.info.decode_time < begin || f.info.decode_time >= end)
      continue;
    in.seekg(static_cast<std::streamoff>(f.offset));
    if (!read_exactly(in, fragment, f.size) ||
        !fmp4::set_decode_time(fragment, f.info.decode_time - begin)) {
      error = "cannot read the recording";
      return std::nullopt;
    }
    file.write(reinterpret_cast<const char*>(fragment.data()),
               static_cast<std::streamsize>(fragment.size()));
    bytes += fragment.size();
    if (f.info.track_id == lead->id)
      lead_end = std::max(lead_end, f.info.decode_time + f.info.duration);
  }
  if (!file.flush()) {
    error = "cannot write " + tmp.string();
    return std::nullopt;
  }
  file.close();
  if (!rename_into_place(tmp, out, error))
    return std::nullopt;
  return clip_cut{double(from - origin) / scale, double(lead_end - from) / scale, true, bytes};
}

}  // namespace aethex::media
