#include "media/clip_trim.hpp"

#include <algorithm>
#include <fstream>

#include "media/avc.hpp"
#include "media/fmp4_writer.hpp"
#include "media/picture_reencoder.hpp"
#include "runtime/replace_file.hpp"

namespace aethex::media {
namespace {

std::int64_t ticks(double seconds, std::uint32_t timescale) {
  return static_cast<std::int64_t>(std::max(0.0, seconds) * timescale + 0.5);
}

// A run of the clip's video: a whole source GOP copied, or the part of one encoded again.
struct video_run {
  std::size_t first = 0, end = 0;  // source pictures [first, end), one GOP in decode order
  bool copy = false;
  std::int64_t from = 0, to = 0;  // presentation times kept
};

struct audio_sample {
  fmp4::sample sample;
  std::int64_t time = 0;
};

// What the keyframe cut holds, read into memory (a clip is at most a minute).
struct source {
  fmp4::bytes file;
  recording_map map;
  const fmp4::track_info* video = nullptr;
  const fmp4::track_info* audio = nullptr;
  std::vector<source_picture> pictures;
  std::vector<audio_sample> audio_samples;
};

std::optional<source> read_source(const std::filesystem::path& path, std::string& error) {
  source in;
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  in.file.resize(static_cast<std::size_t>(std::max<std::streamoff>(0, file.tellg())));
  file.seekg(0);
  file.read(reinterpret_cast<char*>(in.file.data()), static_cast<std::streamsize>(in.file.size()));
  auto map = map_recording(std::span<const std::byte>{in.file});  // read once, mapped in memory
  if (!map || !map->info.video_track()) {
    error = "exact trimming needs a video track";
    return std::nullopt;
  }
  in.map = std::move(*map);
  in.video = in.map.info.video_track();
  for (const auto& [id, track] : in.map.info.tracks)
    if (!track.video && !in.audio)
      in.audio = &track;
  for (const auto& f : in.map.fragments) {
    if (f.offset + f.size > in.file.size())
      break;
    auto read = fmp4::read_samples(std::span{in.file}.subspan(f.offset, f.size), &in.map.info);
    if (!read) {
      error = "cannot read the keyframe cut";
      return std::nullopt;
    }
    auto time = static_cast<std::int64_t>(read->decode_time);
    for (const auto& s : read->samples) {
      if (read->track_id == in.video->id)
        in.pictures.push_back({s.data, time, s.cts, s.duration, s.sync});
      else if (in.audio && read->track_id == in.audio->id)
        in.audio_samples.push_back({s, time});
      time += s.duration;
    }
  }
  if (in.pictures.empty() || !in.pictures.front().sync) {
    error = "the keyframe cut does not start with a keyframe";
    return std::nullopt;
  }
  return in;
}

// Splits the pictures into GOPs and keeps those that meet [start, end): whole ones inside it
// are copied, the others encoded again for the part inside.
std::vector<video_run> plan_runs(const std::vector<source_picture>& pictures, std::int64_t start,
                                 std::int64_t end) {
  std::vector<video_run> runs;
  for (std::size_t first = 0; first < pictures.size();) {
    auto next = first + 1;
    while (next < pictures.size() && !pictures[next].sync)
      ++next;
    auto shown_from = pictures[first].pts();
    std::int64_t shown_to = 0;
    if (next < pictures.size()) {
      shown_to = pictures[next].pts();
    } else {
      for (auto i = first; i < next; ++i)
        shown_to = std::max(shown_to, pictures[i].pts() + pictures[i].duration);
    }
    if (shown_to > start && shown_from < end) {
      bool whole = shown_from >= start && shown_to <= end;
      runs.push_back({first, next, whole, std::max(start, shown_from), std::min(end, shown_to)});
    }
    first = next;
  }
  return runs;
}

struct output_fragment {
  double at_s = 0;
  fmp4::bytes data;
};

}  // namespace

std::optional<clip_cut> trim_exactly(const std::filesystem::path& keyframe_cut, double skip_s,
                                     double duration_s, const std::filesystem::path& out,
                                     const std::function<void(unsigned)>& progress,
                                     std::string& error) {
  auto in = read_source(keyframe_cut, error);
  if (!in)
    return std::nullopt;
  const auto& pictures = in->pictures;
  auto source_sets = avc::inband_parameter_sets(in->video->decoder_config);
  if (!source_sets) {
    error = "exact trimming needs H.264 with 4-byte NAL lengths";
    return std::nullopt;
  }
  auto scale = in->video->timescale;
  auto start = pictures.front().pts() + ticks(skip_s, scale);
  auto end = start + ticks(duration_s, scale);
  auto runs = plan_runs(pictures, start, end);
  auto first_copy = std::find_if(runs.begin(), runs.end(), [](auto& r) { return r.copy; });
  std::int64_t delay = first_copy == runs.end() ? 0 : pictures[first_copy->first].cts;
  auto presented = [&](std::int64_t pts) { return pts - start + delay; };

  // Progress counts encoded time; a copied GOP costs about a twentieth of an encoded one.
  double work = 0, done = 0;
  for (const auto& r : runs)
    work += double(r.to - r.from) * (r.copy ? 0.05 : 1.0);
  std::vector<output_fragment> fragments;
  std::vector<fmp4::bytes> keyframes;  // copied keyframes with the source's sets in front
  std::uint32_t sequence = 1;
  std::int64_t decode_cursor = 0, video_ticks = 0;
  for (const auto& run : runs) {
    std::vector<fmp4::sample> samples;
    std::int64_t decode_time = 0;
    std::vector<coded_picture> coded;
    if (run.copy) {
      const auto& key = pictures[run.first];
      decode_time = presented(key.pts()) - key.cts;
      auto& with_sets = keyframes.emplace_back(*source_sets);
      with_sets.insert(with_sets.end(), key.data.begin(), key.data.end());
      samples.push_back({with_sets, key.duration, key.cts, true});
      for (auto i = run.first + 1; i < run.end; ++i)
        samples.push_back({pictures[i].data, pictures[i].duration, pictures[i].cts, false});
    } else {
      auto gop = std::span{pictures}.subspan(run.first, run.end - run.first);
      auto encoded = reencode_pictures(gop, in->video->decoder_config, scale, run.from, run.to,
                                       error);
      if (!encoded)
        return std::nullopt;
      coded = std::move(*encoded);
      if (coded.empty())
        continue;
      // Decode on from the run before; one offset presents every picture at its time.
      decode_time = decode_cursor;
      auto offset = presented(coded.front().pts) - decode_cursor;
      if (offset < 0) {
        decode_time = presented(coded.front().pts);
        offset = 0;
      }
      for (const auto& p : coded)
        samples.push_back({p.data, p.duration, static_cast<std::int32_t>(offset), p.sync});
    }
    if (decode_time < 0) {
      error = "the source's timestamps do not fit a clip";
      return std::nullopt;
    }
    std::int64_t length = 0;
    for (const auto& s : samples)
      length += s.duration;
    decode_cursor = decode_time + length;
    video_ticks += length;
    fragments.push_back({double(decode_time) / scale,
                         fmp4::write_fragment(sequence++, in->video->id,
                                              static_cast<std::uint64_t>(decode_time), samples)});
    done += double(run.to - run.from) * (run.copy ? 0.05 : 1.0);
    if (progress && work > 0)
      progress(static_cast<unsigned>(std::min(99.0, 99.0 * done / work)));
  }
  if (fragments.empty()) {
    error = "nothing to keep in the range";
    return std::nullopt;
  }

  if (in->audio) {
    // The audio of the same window, moved like the video; every AAC frame is a sync sample.
    auto rescale = [&](std::int64_t t) { return t * in->audio->timescale / scale; };
    auto audio_start = rescale(start), audio_end = rescale(end), audio_delay = rescale(delay);
    std::vector<fmp4::sample> kept;
    std::int64_t first_time = 0;
    auto flush = [&] {
      if (kept.empty())
        return;
      auto at = first_time - audio_start + audio_delay;
      fragments.push_back({double(at) / in->audio->timescale,
                           fmp4::write_fragment(sequence++, in->audio->id,
                                                static_cast<std::uint64_t>(at), kept)});
      kept.clear();
    };
    for (const auto& a : in->audio_samples) {
      if (a.time < audio_start || a.time >= audio_end)
        continue;
      if (kept.empty())
        first_time = a.time;
      kept.push_back(a.sample);
      if (kept.size() == 48)  // about a second of AAC per fragment, interleaved with the video
        flush();
    }
    flush();
  }

  std::stable_sort(fragments.begin(), fragments.end(),
                   [](auto& a, auto& b) { return a.at_s < b.at_s; });
  fmp4::bytes file = in->map.init;
  if (!fmp4::allow_inband_parameter_sets(file)) {
    error = "the keyframe cut has no H.264 sample entry";
    return std::nullopt;
  }
  for (const auto& f : fragments)
    file.insert(file.end(), f.data.begin(), f.data.end());
  if (!runtime::replace_file(out, file)) {
    error = "cannot write " + out.string();
    return std::nullopt;
  }
  return clip_cut{0, double(video_ticks) / scale, false, file.size()};
}

}  // namespace aethex::media
