#include "media/renditions.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include "media/ll_hls.hpp"

namespace aethex::media {
namespace {

constexpr unsigned audio_allowance_bps = 160'000;  // AAC as publishers send it, with headroom

int even(double value) { return std::max(2, static_cast<int>(std::lround(value / 2)) * 2); }

}  // namespace

std::optional<rendition_spec> find_rendition(std::string_view name) {
  for (const auto& spec : rendition_specs)
    if (spec.name == name)
      return spec;
  return std::nullopt;
}

std::vector<rendition_plan> plan_ladder(std::span<const std::string> names, int width, int height,
                                        double source_fps) {
  std::vector<rendition_plan> plans;
  if (width <= 0 || height <= 0)
    return plans;
  for (const auto& spec : rendition_specs) {
    if (std::find(names.begin(), names.end(), spec.name) == names.end() || spec.height >= height)
      continue;
    // A little above the cap (59.94 against 60) is the same rate, not a step down.
    unsigned fps = source_fps > spec.max_fps * 1.05 ? spec.max_fps : 0;
    plans.push_back({std::string{spec.name}, even(double(width) * spec.height / height),
                     spec.height, spec.video_kbps, fps});
  }
  return plans;
}

double ladder_cost(int width, int height, double fps, std::span<const rendition_plan> ladder,
                   const transcode_costs& costs) {
  if (ladder.empty())
    return 0;
  double source = double(width) * height * fps / 1e6;
  double cost = costs.decode * source;
  for (const auto& r : ladder) {
    // Frames are dropped before they are scaled: both steps run at the rendition's rate.
    double share = r.fps > 0 ? std::min(1.0, r.fps / fps) : 1.0;
    cost += share * (costs.scale * source + costs.encode * r.width * r.height * fps / 1e6);
  }
  return cost;
}

transcode_budget::lease::~lease() {
  if (budget_ && cores_ > 0) {
    std::lock_guard lock{budget_->mutex_};
    budget_->reserved_ = std::max(0.0, budget_->reserved_ - cores_);
  }
}

std::optional<transcode_budget::lease> transcode_budget::reserve(double cores) {
  std::lock_guard lock{mutex_};
  if (cores <= 0 || reserved_ + cores > cores_ + 1e-9)
    return std::nullopt;
  reserved_ += cores;
  return lease{shared_from_this(), cores};
}

double transcode_budget::reserved() const {
  std::lock_guard lock{mutex_};
  return reserved_;
}

void transcode_budget::observe_idle(double cores) {
  std::lock_guard lock{mutex_};
  idle_ = cores;
}

std::optional<double> transcode_budget::idle() const {
  std::lock_guard lock{mutex_};
  return idle_;
}

std::optional<double> idle_meter::sample() {
  // "cpu  user nice system idle iowait irq softirq steal …" (USER_HZ ticks), then a line per CPU.
  std::ifstream stat{"/proc/stat"};
  std::string label;
  std::uint64_t idle = 0, total = 0;
  if (!(stat >> label) || label != "cpu")
    return std::nullopt;
  std::uint64_t value = 0;
  for (int field = 0; field < 8 && stat >> value; ++field) {
    total += value;
    if (field == 3 || field == 4)  // idle, iowait
      idle += value;
  }
  unsigned cpus = 0;
  for (std::string line; std::getline(stat, line);)
    cpus += line.rfind("cpu", 0) == 0;
  const bool primed = std::exchange(primed_, true);
  const auto idle_before = std::exchange(idle_, idle);
  const auto total_before = std::exchange(total_, total);
  if (!primed || total <= total_before || idle < idle_before || cpus == 0)
    return std::nullopt;
  return double(idle - idle_before) / double(total - total_before) * cpus;
}

void rendition_set::add(rendition_output rendition) {
  std::lock_guard lock{mutex_};
  renditions_.push_back(std::move(rendition));
}

std::optional<rendition_output> rendition_set::find(std::string_view name) const {
  std::lock_guard lock{mutex_};
  for (const auto& r : renditions_)
    if (r.name == name)
      return r;
  return std::nullopt;
}

std::vector<rendition_output> rendition_set::list() const {
  std::lock_guard lock{mutex_};
  return renditions_;
}

void rendition_set::clear() {
  std::lock_guard lock{mutex_};
  renditions_.clear();
}

void rendition_set::remove(std::string_view name) {
  std::lock_guard lock{mutex_};
  std::erase_if(renditions_, [&](const rendition_output& r) { return r.name == name; });
}

void rendition_set::refuse(std::string why) {
  std::lock_guard lock{mutex_};
  refusal_ = std::move(why);
}

std::string rendition_set::refusal() const {
  std::lock_guard lock{mutex_};
  return refusal_;
}

void rendition_set::set_source(int width, int height, unsigned bandwidth_bps) {
  std::lock_guard lock{mutex_};
  source_ = {width, height, bandwidth_bps};
}

rendition_set::source_figures rendition_set::source() const {
  std::lock_guard lock{mutex_};
  return source_;
}

std::optional<std::string> master_playlist(const ll_hls_stream& source, const rendition_set& set,
                                           bool low_latency, std::string_view query) {
  auto source_info = source.init_info();
  if (!source_info)
    return std::nullopt;
  std::string suffix = query.empty() ? "" : "?" + std::string{query};
  std::string file = low_latency ? "ll.m3u8" : "index.m3u8";
  auto codecs = [](const fmp4::init_info& info) {
    std::string list;
    for (auto& [id, track] : info.tracks)
      list += (list.empty() ? "" : ",") + track.codec;
    return list;
  };
  auto variant = [&](unsigned bandwidth, int width, int height, const std::string& codec_list,
                     std::string_view name, const std::string& uri) {
    std::string entry = "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(std::max(bandwidth, 1u));
    if (width > 0 && height > 0)
      entry += ",RESOLUTION=" + std::to_string(width) + "x" + std::to_string(height);
    entry += ",CODECS=\"" + codec_list + "\",NAME=\"" + std::string{name} + "\"\n" + uri + "\n";
    return entry;
  };
  std::string text = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  auto figures = set.source();
  // The source's measured bitrate varies; players compare BANDWIDTH against their throughput,
  // so it gets the same audio allowance as the renditions.
  text += variant(figures.bandwidth_bps + audio_allowance_bps, figures.width, figures.height,
                  codecs(*source_info), "source", file + suffix);
  for (const auto& r : set.list()) {
    auto info = r.ll && r.ll->has_complete_segment() ? r.ll->init_info() : std::nullopt;
    if (!info)
      continue;  // listed once it has a whole segment, so players never switch to an empty one
    // A rendition never needs more than its source (x264 stays under its target on easy
    // pictures), and players rank variants by BANDWIDTH.
    auto bandwidth = std::min(r.bandwidth_bps, figures.bandwidth_bps + audio_allowance_bps);
    text += variant(bandwidth, r.width, r.height, codecs(*info), r.name,
                    "r/" + r.name + "/" + file + suffix);
  }
  return text;
}

}  // namespace aethex::media
