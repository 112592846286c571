#include "media/thumbnail_strip.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

#include "actors/vod/vod_files.hpp"
#include "media/vod_recorder.hpp"
#include "media/keyframe_decoder.hpp"
#include "runtime/replace_file.hpp"

namespace aethex::media {
namespace {

namespace files = actors::vod_files;

struct tile {
  double at_s = 0;  // where its keyframe is, from the start of the recording
  const recording_map::fragment* fragment = nullptr;
};

std::string vtt_time(double s) {
  auto ms = static_cast<long long>(std::llround(s * 1000));
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60,
                ms / 1000 % 60, ms % 1000);
  return text;
}

// The first keyframe at or after each multiple of the interval: one tile per interval.
std::vector<tile> choose_tiles(const recording_map& map, const fmp4::track_info& video,
                               double interval_s) {
  std::vector<tile> tiles;
  std::uint64_t origin = UINT64_MAX;
  for (const auto& f : map.fragments)
    if (f.info.track_id == video.id)
      origin = std::min(origin, f.info.decode_time);
  double next = 0;
  for (const auto& f : map.fragments) {
    if (f.info.track_id != video.id || !f.info.starts_with_sync)
      continue;
    double at = double(f.info.decode_time - origin) / video.timescale;
    if (at + 1e-6 < next)
      continue;
    tiles.push_back({at, &f});
    next = (std::floor(at / interval_s + 1e-9) + 1) * interval_s;
  }
  return tiles;
}

}  // namespace

std::optional<strip_result> make_thumbnail_strip(const std::filesystem::path& dir,
                                                 std::string& error, const strip_options& options) {
  auto media = dir / files::media;
  auto map = map_recording(media);
  const auto* video = map ? map->info.video_track() : nullptr;
  if (!video || video->decoder_config.empty()) {
    error = "the recording has no video";
    return std::nullopt;
  }
  auto tiles = choose_tiles(*map, *video, options.interval_s);
  const unsigned w = options.tile_width, h = options.tile_height;
  const std::size_t per_sheet = std::size_t{options.columns} * options.rows;
  const std::size_t row_bytes = std::size_t{w} * 3 * options.columns;
  std::ifstream in(media, std::ios::binary);
  std::vector<std::byte> sheet, fragment;
  std::string vtt = "WEBVTT\n\n";
  strip_result result;
  double end_s = map->duration_s();
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    auto slot = i % per_sheet;
    if (slot == 0)
      sheet.assign(row_bytes * h * options.rows, std::byte{0});
    // A keyframe that does not decode leaves its tile black; the cue still names it.
    fragment.resize(tiles[i].fragment->size);
    in.seekg(static_cast<std::streamoff>(tiles[i].fragment->offset));
    in.read(reinterpret_cast<char*>(fragment.data()),
            static_cast<std::streamsize>(fragment.size()));
    auto sample = fmp4::first_sample(fragment);
    std::optional<byte_vector> rgb;
    if (sample && well_formed_keyframe(video->decoder_config, *sample)) {
      try {
        keyframe_decoder decoder{keyframe_decoder::output::rgb, w, h};
        rgb = decoder.decode(video->decoder_config, *sample);
      } catch (const std::exception&) {
      }
    }
    auto column = slot % options.columns, row = slot / options.columns;
    if (rgb && rgb->size() == std::size_t{w} * h * 3)
      for (unsigned y = 0; y < h; ++y)
        std::memcpy(sheet.data() + (row * h + y) * row_bytes + column * w * 3,
                    rgb->data() + std::size_t{y} * w * 3, std::size_t{w} * 3);
    ++result.tiles;
    auto sheet_name = "strip-" + std::to_string(i / per_sheet) + ".jpg";
    double until = i + 1 < tiles.size() ? tiles[i + 1].at_s : std::max(end_s, tiles[i].at_s);
    vtt += vtt_time(tiles[i].at_s) + " --> " + vtt_time(until) + "\n" + sheet_name +
           "#xywh=" + std::to_string(column * w) + "," + std::to_string(row * h) + "," +
           std::to_string(w) + "," + std::to_string(h) + "\n\n";
    bool last_of_sheet = slot + 1 == per_sheet || i + 1 == tiles.size();
    if (!last_of_sheet)
      continue;
    // The last sheet keeps only the rows it uses.
    auto used_rows = static_cast<unsigned>(slot / options.columns + 1);
    sheet.resize(row_bytes * h * used_rows);
    auto jpeg = encode_jpeg(sheet, w * options.columns, h * used_rows, 75);
    if (!jpeg || !runtime::replace_file(dir / sheet_name, *jpeg)) {
      error = "cannot write " + sheet_name;
      return std::nullopt;
    }
    ++result.sheets;
  }
  if (!runtime::replace_file(dir / files::thumbnails, vtt)) {
    error = "cannot write the WebVTT file";
    return std::nullopt;
  }
  return result;
}

}  // namespace aethex::media
