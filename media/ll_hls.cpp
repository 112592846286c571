#include "media/ll_hls.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace aethex::media {
namespace {

std::string format_seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.5f", s);
  return text;
}

std::string iso8601_ms(std::int64_t wall_ms) {
  std::time_t seconds = static_cast<std::time_t>(wall_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(wall_ms % 1000));
  return text;
}

std::string part_name(std::int64_t msn, std::int64_t index) {
  return "p" + std::to_string(msn) + "." + std::to_string(index) + ".m4s";
}

std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

}  // namespace

double ll_hls_stream::segment::duration() const {
  double total = 0;
  for (auto& p : parts)
    total += p.duration;
  return total;
}

ll_hls_stream::ll_hls_stream(ll_hls_options options) : options_(options) {}

void ll_hls_stream::set_init(std::shared_ptr<const fmp4::bytes> init, const fmp4::init_info& info) {
  std::lock_guard lock{mutex_};
  init_ = std::move(init);
  info_ = info;
  ++revision_;
  audio_only_ = info.video_track() == nullptr;
}

void ll_hls_stream::open_part(segment& s, part p) {
  auto carried = std::move(p.chunks);
  p.chunks.clear();
  p.offset = s.file ? s.file->size() : 0;
  s.parts.push_back(std::move(p));
  for (auto& c : carried)
    store(s, std::move(c));
}

void ll_hls_stream::store(segment& s, std::shared_ptr<const fmp4::bytes> data) {
  auto& p = s.parts.back();
  if (!s.file) {
    p.chunks.push_back(std::move(data));
    return;
  }
  if (s.lost || !s.file->append(*data)) {
    s.lost = true;
    return;
  }
  p.size += data->size();
}

std::int64_t ll_hls_stream::closed_parts(const segment& s) const {
  return static_cast<std::int64_t>(s.parts.size()) - (s.open_part ? 1 : 0);
}

bool ll_hls_stream::satisfied(std::int64_t msn, std::optional<std::int64_t> part) const {
  if (segments_.empty())
    return false;
  auto& last = segments_.back();
  if (last.msn > msn || (last.msn == msn && last.complete))
    return true;
  return part && last.msn == msn && closed_parts(last) > *part;
}

void ll_hls_stream::collect_ready(std::vector<std::function<void()>>& ready) {
  std::erase_if(waiters_, [&](waiter& w) {
    if (!satisfied(w.msn, w.part))
      return false;
    ready.push_back([done = std::move(w.done)] { done(wait_result::ready); });
    return true;
  });
}

void ll_hls_stream::close_part(std::vector<std::function<void()>>& ready) {
  auto& seg = segments_.back();
  if (!seg.open_part)
    return;
  seg.open_part = false;
  ++revision_;
  collect_ready(ready);
}

void ll_hls_stream::close_segment(std::vector<std::function<void()>>& ready) {
  auto& seg = segments_.back();
  close_part(ready);
  seg.complete = true;
  ++revision_;
  max_segment_s_ = std::max(max_segment_s_, seg.duration());
  // Keep a segment beyond the playlist window for clients still fetching it.
  while (segments_.size() > options_.playlist_segments + 1)
    segments_.pop_front();
  collect_ready(ready);
}

// A segment ends at the first keyframe (audio-only: fragment) once it reached the target
// duration, as --hls-segment-seconds promises; a shorter GOP makes one segment of several. Half a
// 10 fps frame of slack: millisecond timestamps make a 30-frame second 0.999 s.
bool ll_hls_stream::reached_target(const segment& s) const {
  return s.duration() >= options_.min_target_duration_s - 0.05;
}

void ll_hls_stream::follow(std::shared_ptr<const ll_hls_stream> leader) {
  std::lock_guard lock{mutex_};
  leader_ = std::move(leader);
}

std::optional<std::int64_t> ll_hls_stream::segment_starting_at(std::uint64_t decode_time,
                                                               std::uint64_t tolerance) const {
  std::lock_guard lock{mutex_};
  for (const auto& seg : segments_)
    if (seg.start && (*seg.start > decode_time ? *seg.start - decode_time
                                               : decode_time - *seg.start) <= tolerance)
      return seg.msn;
  return std::nullopt;
}

std::optional<std::int64_t> ll_hls_stream::segment_start(bool video,
                                                         const fmp4::fragment_info& info) const {
  bool open = !segments_.empty() && !segments_.back().complete;
  if (!audio_only_ && !(video && info.starts_with_sync))
    return std::nullopt;
  if (leader_ && video) {
    // The leader's keyframe carries its decode time, ours (no B-frames) its presentation time:
    // they differ by the leader's reorder delay, far less than a segment apart.
    const auto* track = info_->video_track();
    auto msn = leader_->segment_starting_at(info.decode_time,
                                            (track ? track->timescale : 0) * 3 / 10);
    if (!msn)
      return std::nullopt;
    return segments_.empty() ? *msn : next_msn_;  // numbers stay consecutive once started
  }
  if (open && !reached_target(segments_.back()))
    return std::nullopt;
  return next_msn_;
}

void ll_hls_stream::end_segment() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock{mutex_};
    // A rendition's segment ends where the leader's next one starts, known at its keyframe.
    if (closed_ || leader_ || segments_.empty() || segments_.back().complete ||
        !reached_target(segments_.back()))
      return;
    close_segment(ready);
  }
  for (auto& fn : ready)
    fn();
}

void ll_hls_stream::add_fragment(std::shared_ptr<const fmp4::bytes> data,
                                 const fmp4::fragment_info& info, std::int64_t wall_ms) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock{mutex_};
    if (closed_ || !info_)
      return;
    auto track = info_->tracks.find(info.track_id);
    if (track == info_->tracks.end())
      return;
    bool video = track->second.video;
    bool timing = video || audio_only_;  // the track whose durations make parts and segments
    double duration = static_cast<double>(info.duration) / track->second.timescale;
    bool open = !segments_.empty() && !segments_.back().complete;
    if (auto msn = segment_start(video, info)) {
      if (open)
        close_segment(ready);
      segment seg;
      seg.msn = *msn;
      next_msn_ = *msn + 1;
      seg.wall_ms = wall_ms;
      if (video)
        seg.start = info.decode_time;
      seg.file = runtime::memory_file::create();
      open_part(seg, part{std::move(carry_), 0, true});
      carry_.clear();
      seg.open_part = true;
      segments_.push_back(std::move(seg));
      ++revision_;
    } else if (!open) {
      // Before the first keyframe nothing is decodable; audio between a segment's end and the
      // next keyframe opens the next segment.
      if (!segments_.empty() && !video)
        carry_.push_back(std::move(data));
      return;
    } else {
      auto& seg = segments_.back();
      if (seg.open_part && timing &&
          seg.parts.back().duration + duration > options_.part_target_s + 0.001)
        close_part(ready);
      if (!seg.open_part) {
        open_part(seg, part{});
        seg.open_part = true;
      }
    }
    store(segments_.back(), std::move(data));
    auto& p = segments_.back().parts.back();
    if (timing) {
      p.duration += duration;
      if (p.duration >= 0.85 * options_.part_target_s)
        close_part(ready);
    }
  }
  for (auto& fn : ready)
    fn();
}

void ll_hls_stream::close() {
  std::vector<waiter> waiters;
  std::deque<segment> segments;
  {
    std::lock_guard lock{mutex_};
    closed_ = true;
    waiters.swap(waiters_);
    // Nothing is served once closed: the media goes now, not when the last holder of this
    // stream (a node's outputs cache, a request in flight) lets go of it.
    segments.swap(segments_);
    carry_.clear();
    for (auto& r : rendered_)
      r = {};
  }
  for (auto& w : waiters)
    w.done(wait_result::gone);
}

bool ll_hls_stream::closed() const {
  std::lock_guard lock{mutex_};
  return closed_;
}

void ll_hls_stream::when_available(std::int64_t msn, std::optional<std::int64_t> part,
                                   std::function<void(wait_result)> done) {
  wait_result result;
  {
    std::lock_guard lock{mutex_};
    std::int64_t newest = segments_.empty() ? -1 : segments_.back().msn;
    if (closed_) {
      result = wait_result::gone;
    } else if (satisfied(msn, part)) {
      result = wait_result::ready;
    } else if (msn < 0 || msn > newest + 2 || (part && *part < 0)) {
      result = wait_result::bad_request;  // the spec's limit: at most two segments ahead
    } else {
      waiters_.push_back({msn, part, std::move(done)});
      return;
    }
  }
  done(result);
}

std::optional<std::string> ll_hls_stream::playlist(bool low_latency) const {
  std::lock_guard lock{mutex_};
  if (!init_ || segments_.empty())
    return std::nullopt;
  auto& cached = rendered_[low_latency ? 1 : 0];
  if (cached.revision != revision_) {
    cached.text = render_playlist(low_latency);
    cached.revision = revision_;
  }
  if (cached.text.empty())
    return std::nullopt;
  return cached.text;
}

// Under mutex_, with an init and a segment. Empty: nothing to list yet.
std::string ll_hls_stream::render_playlist(bool low_latency) const {
  auto target = std::max<double>(options_.min_target_duration_s, std::ceil(max_segment_s_ - 0.01));
  std::size_t complete = segments_.size() - (segments_.back().complete ? 0 : 1);
  std::size_t first = complete > options_.playlist_segments ? complete - options_.playlist_segments
                                                            : 0;
  std::size_t parts_from = complete > options_.part_segments ? complete - options_.part_segments
                                                             : 0;
  if (!low_latency) {
    if (complete == 0)
      return {};  // plain HLS lists whole segments only
    parts_from = segments_.size();
  }
  std::string out = low_latency ? "#EXTM3U\n#EXT-X-VERSION:9\n" : "#EXTM3U\n#EXT-X-VERSION:7\n";
  out += "#EXT-X-TARGETDURATION:" + std::to_string(static_cast<int>(target)) + "\n";
  if (low_latency) {
    out += "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=" +
           format_seconds(3 * options_.part_target_s) + "\n";
    out += "#EXT-X-PART-INF:PART-TARGET=" + format_seconds(options_.part_target_s) + "\n";
  }
  out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(segments_[first].msn) + "\n";
  auto dir = "ll/" + options_.session + "/";
  out += "#EXT-X-MAP:URI=\"" + dir + "init.mp4\"\n";
  for (std::size_t i = first; i < segments_.size(); ++i) {
    auto& seg = segments_[i];
    if (!seg.complete && !low_latency)
      break;
    out += "#EXT-X-PROGRAM-DATE-TIME:" + iso8601_ms(seg.wall_ms) + "\n";
    if (i >= parts_from) {
      auto closed = closed_parts(seg);
      for (std::int64_t k = 0; k < closed; ++k) {
        auto& p = seg.parts[static_cast<std::size_t>(k)];
        out += "#EXT-X-PART:DURATION=" + format_seconds(p.duration) + ",URI=\"" + dir +
               part_name(seg.msn, k) + "\"" + (p.independent ? ",INDEPENDENT=YES" : "") + "\n";
      }
    }
    if (seg.complete)
      out += "#EXTINF:" + format_seconds(seg.duration()) + ",\n" + dir + "s" +
             std::to_string(seg.msn) + ".m4s\n";
  }
  if (!low_latency)
    return out;
  auto& last = segments_.back();
  auto hint = last.complete ? part_name(last.msn + 1, 0) : part_name(last.msn, closed_parts(last));
  out += "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + dir + hint + "\"\n";
  return out;
}

void ll_hls_stream::note_viewer(std::string_view viewer, std::string_view address, bool low_latency,
                                std::int64_t now_ms) {
  std::lock_guard lock{viewers_mutex_};
  auto found = viewers_.find(std::string{viewer});
  if (found != viewers_.end()) {
    found->second.at_ms = now_ms;
    found->second.low_latency = low_latency;
    return;
  }
  if (viewers_.size() >= max_tracked_viewers)
    std::erase_if(viewers_,
                  [&](auto& kv) { return now_ms - kv.second.at_ms > options_.viewer_window_ms; });
  if (viewers_.size() < max_tracked_viewers)
    viewers_.emplace(std::string{viewer}, seen{now_ms, low_latency, std::string{address}});
}

ll_hls_stream::viewer_counts ll_hls_stream::viewers(std::int64_t now_ms) const {
  std::lock_guard lock{viewers_mutex_};
  viewer_counts counts;
  std::unordered_map<std::string_view, std::size_t> per_address;
  for (auto& [_, s] : viewers_)
    if (now_ms - s.at_ms <= options_.viewer_window_ms &&
        ++per_address[s.address] <= max_ids_per_address)
      ++(s.low_latency ? counts.ll_hls : counts.hls);
  return counts;
}

std::shared_ptr<const fmp4::bytes> ll_hls_stream::init() const {
  std::lock_guard lock{mutex_};
  return init_;
}

bool ll_hls_stream::has_complete_segment() const {
  std::lock_guard lock{mutex_};
  return init_ && !segments_.empty() && (segments_.size() > 1 || segments_.back().complete);
}

std::optional<fmp4::init_info> ll_hls_stream::init_info() const {
  std::lock_guard lock{mutex_};
  return info_;
}

std::optional<std::pair<std::int64_t, std::int64_t>> ll_hls_stream::part_of(std::string_view name) {
  if (name.size() < 7 || name[0] != 'p' || !name.ends_with(".m4s"))
    return std::nullopt;
  auto body = name.substr(1, name.size() - 5);
  auto dot = body.find('.');
  if (dot == std::string_view::npos)
    return std::nullopt;
  auto msn = to_int(body.substr(0, dot));
  auto index = to_int(body.substr(dot + 1));
  if (!msn || !index)
    return std::nullopt;
  return std::pair{*msn, *index};
}

std::optional<ll_hls_stream::media_bytes> ll_hls_stream::media(std::string_view name) const {
  std::lock_guard lock{mutex_};
  if (auto p = part_of(name)) {
    for (auto& seg : segments_)
      if (seg.msn == p->first && p->second < closed_parts(seg) && !seg.lost) {
        auto& part = seg.parts[static_cast<std::size_t>(p->second)];
        media_bytes out;
        if (seg.file)
          out = {seg.file, part.offset, part.size, {}};
        else
          out.chunks = part.chunks;
        return out;
      }
    return std::nullopt;
  }
  if (name.size() < 6 || name[0] != 's' || !name.ends_with(".m4s"))
    return std::nullopt;
  auto msn = to_int(name.substr(1, name.size() - 5));
  for (auto& seg : segments_) {
    if (!msn || seg.msn != *msn || !seg.complete || seg.lost)
      continue;
    if (seg.file)  // the parts follow each other in the file, from its start
      return media_bytes{seg.file, 0, seg.file->size(), {}};
    media_bytes out;
    for (auto& p : seg.parts)
      out.chunks.insert(out.chunks.end(), p.chunks.begin(), p.chunks.end());
    return out;
  }
  return std::nullopt;
}

// --- parsing -------------------------------------------------------------------------------

namespace {

std::map<std::string, std::string> attributes(std::string_view list) {
  std::map<std::string, std::string> out;
  while (!list.empty()) {
    auto eq = list.find('=');
    if (eq == std::string_view::npos)
      break;
    auto name = std::string{list.substr(0, eq)};
    list = list.substr(eq + 1);
    std::string value;
    if (!list.empty() && list[0] == '"') {
      auto close = list.find('"', 1);
      value = std::string{list.substr(1, close - 1)};
      list = close == std::string_view::npos ? std::string_view{} : list.substr(close + 1);
    } else {
      auto comma = list.find(',');
      value = std::string{list.substr(0, comma)};
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma);
    }
    if (!list.empty() && list[0] == ',')
      list = list.substr(1);
    out[name] = value;
  }
  return out;
}

double to_double(const std::string& text) {
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

parsed_playlist parse_playlist(std::string_view text) {
  parsed_playlist out;
  std::vector<parsed_playlist::part> pending;
  double extinf = -1;
  bool first_line = true;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (first_line && line != "#EXTM3U")
      out.errors.push_back("first line is not #EXTM3U");
    first_line = false;
    if (line.empty() || line == "#EXTM3U")
      continue;
    if (line[0] == '#') {
      auto colon = line.find(':');
      auto name = std::string{
        line.substr(1, colon == std::string_view::npos ? line.npos : colon - 1)};
      auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
      out.tags.try_emplace(name, value);
      if (name == "EXT-X-PART") {
        auto a = attributes(value);
        pending.push_back({to_double(a["DURATION"]), a["URI"], a["INDEPENDENT"] == "YES"});
        if (a["URI"].empty() || pending.back().duration < 0)
          out.errors.push_back("EXT-X-PART without DURATION or URI");
      } else if (name == "EXTINF") {
        extinf = to_double(std::string{value.substr(0, value.find(','))});
      } else if (name == "EXT-X-PRELOAD-HINT") {
        auto a = attributes(value);
        out.preload_hint_uri = a["URI"];
        if (a["TYPE"] != "PART" && a["TYPE"] != "MAP")
          out.errors.push_back("EXT-X-PRELOAD-HINT has an invalid TYPE");
      }
      continue;
    }
    if (extinf < 0) {
      out.errors.push_back("URI line without #EXTINF: " + std::string{line});
      continue;
    }
    out.segments.push_back({0, extinf, std::string{line}, std::move(pending)});
    pending.clear();
    extinf = -1;
  }
  out.trailing_parts = std::move(pending);

  auto require = [&](const char* tag) {
    if (!out.tags.count(tag))
      out.errors.push_back(std::string{"missing #"} + tag);
  };
  for (auto tag : {"EXT-X-VERSION", "EXT-X-TARGETDURATION", "EXT-X-MEDIA-SEQUENCE", "EXT-X-MAP",
                   "EXT-X-SERVER-CONTROL", "EXT-X-PART-INF", "EXT-X-PRELOAD-HINT"})
    require(tag);
  if (!out.errors.empty())
    return out;
  if (to_double(out.tags["EXT-X-VERSION"]) < 6)
    out.errors.push_back("EXT-X-VERSION below 6 cannot carry parts");
  auto target = to_double(out.tags["EXT-X-TARGETDURATION"]);
  auto server = attributes(out.tags["EXT-X-SERVER-CONTROL"]);
  auto part_target = to_double(attributes(out.tags["EXT-X-PART-INF"])["PART-TARGET"]);
  if (server["CAN-BLOCK-RELOAD"] != "YES")
    out.errors.push_back("EXT-X-SERVER-CONTROL lacks CAN-BLOCK-RELOAD=YES");
  if (part_target <= 0)
    out.errors.push_back("EXT-X-PART-INF lacks PART-TARGET");
  if (to_double(server["PART-HOLD-BACK"]) < 2 * part_target)
    out.errors.push_back("PART-HOLD-BACK is below twice the PART-TARGET");
  auto sequence = to_int(out.tags["EXT-X-MEDIA-SEQUENCE"]).value_or(-1);
  if (sequence < 0)
    out.errors.push_back("EXT-X-MEDIA-SEQUENCE is not a number");
  for (std::size_t i = 0; i < out.segments.size(); ++i) {
    auto& seg = out.segments[i];
    seg.msn = sequence + static_cast<std::int64_t>(i);
    if (std::lround(seg.duration) > target)
      out.errors.push_back("segment " + seg.uri + " is longer than EXT-X-TARGETDURATION");
  }
  auto check_parts = [&](const std::vector<parsed_playlist::part>& parts, bool complete) {
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (parts[k].duration > part_target + 0.0005)
        out.errors.push_back("part " + parts[k].uri + " is longer than PART-TARGET");
      if (complete && k + 1 < parts.size() && parts[k].duration < 0.5 * part_target)
        out.errors.push_back("part " + parts[k].uri + " is far shorter than PART-TARGET");
    }
  };
  for (auto& seg : out.segments)
    check_parts(seg.parts, true);
  check_parts(out.trailing_parts, false);
  if (out.preload_hint_uri.empty())
    out.errors.push_back("EXT-X-PRELOAD-HINT without URI");
  return out;
}

}  // namespace aethex::media
