#include "media/vod_recorder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "actors/vod/vod_files.hpp"
#include "runtime/replace_file.hpp"

namespace aethex::media {
namespace {

namespace files = actors::vod_files;

std::string seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", s);
  return text;
}

}  // namespace

// --- vod_index ---

void vod_index::set_init(std::uint64_t size, const fmp4::init_info& info) {
  init_size_ = size;
  const auto* lead = info.video_track();
  if (!lead && !info.tracks.empty())
    lead = &info.tracks.begin()->second;
  if (lead) {
    lead_track_ = lead->id;
    lead_timescale_ = lead->timescale;
  }
}

bool vod_index::add(std::uint64_t offset, std::uint64_t size, const fmp4::fragment_info& fragment) {
  bool lead = fragment.track_id == lead_track_ && lead_timescale_ != 0;
  bool starts = false;
  if (lead && fragment.starts_with_sync) {
    double start = double(fragment.decode_time) / lead_timescale_;
    if (!lead_seen_) {
      if (!open_)
        open_ = vod_segment{offset, 0, start, 0};
      open_->start_s = start;
      open_start_ticks_ = fragment.decode_time;
      lead_seen_ = true;
    } else if (double held = double(fragment.decode_time - open_start_ticks_) / lead_timescale_;
               open_ && held >= target_s_ - 1e-6) {
      open_->duration_s = held;
      segments_.push_back(*open_);
      open_ = vod_segment{offset, 0, start, 0};
      open_start_ticks_ = fragment.decode_time;
      starts = true;
    }
  }
  if (!open_)  // media before the first lead keyframe belongs to the first segment
    open_ = vod_segment{offset, 0, 0, 0};
  open_->size = offset + size - open_->offset;
  if (lead)
    lead_end_ticks_ = std::max(lead_end_ticks_, fragment.decode_time + fragment.duration);
  return starts;
}

void vod_index::close() {
  if (!open_)
    return;
  if (lead_seen_ && lead_timescale_ != 0)
    open_->duration_s = double(lead_end_ticks_ - open_start_ticks_) / lead_timescale_;
  if (open_->duration_s > 0)
    segments_.push_back(*open_);
  open_.reset();
}

double vod_index::duration_s() const {
  if (lead_timescale_ == 0 || !lead_seen_)
    return 0;
  double first = segments_.empty() ? (open_ ? open_->start_s : 0) : segments_.front().start_s;
  return double(lead_end_ticks_) / lead_timescale_ - first;
}

std::string vod_index::playlist(std::string_view media_uri, bool finished) const {
  double longest = 1;
  for (const auto& s : segments_)
    longest = std::max(longest, s.duration_s);
  std::ostringstream out;
  out << "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:" << std::ceil(longest - 1e-3)
      << "\n#EXT-X-PLAYLIST-TYPE:" << (finished ? "VOD" : "EVENT")
      << "\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  out << "#EXT-X-MAP:URI=\"" << media_uri << "\",BYTERANGE=\"" << init_size_ << "@0\"\n";
  for (const auto& s : segments_)
    out << "#EXTINF:" << seconds(s.duration_s) << ",\n#EXT-X-BYTERANGE:" << s.size << '@'
        << s.offset << '\n'
        << media_uri << '\n';
  if (finished)
    out << "#EXT-X-ENDLIST\n";
  return out.str();
}

// --- vod_recorder ---

std::unique_ptr<vod_recorder> vod_recorder::create(const std::filesystem::path& dir,
                                                   std::string_view meta_json, std::string& error,
                                                   double target_segment_s) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = "cannot create " + dir.string() + ": " + ec.message();
    return nullptr;
  }
  if (!runtime::replace_file(dir / files::meta, meta_json)) {
    error = "cannot write " + (dir / files::meta).string();
    return nullptr;
  }
  auto path = dir / files::media;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot open " + path.string() + ": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<vod_recorder> recorder{new vod_recorder(dir, fd)};
  recorder->index_ = vod_index{target_segment_s};
  return recorder;
}

vod_recorder::vod_recorder(std::filesystem::path dir, int fd) : dir_(std::move(dir)), fd_(fd) {}

vod_recorder::~vod_recorder() {
  finish();
  ::close(fd_);
}

bool vod_recorder::write_all(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    auto n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error_ = std::string{"write failed: "} + std::strerror(errno);
      // What was written before stays a playable recording: cut the partial box off.
      if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0)
        ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
      stopped_ = true;
      return false;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool vod_recorder::add_init(std::span<const std::byte> init) {
  if (stopped_)
    return false;
  if (info_) {
    if (std::equal(init.begin(), init.end(), init_.begin(), init_.end()))
      return true;
    error_ = "the publisher changed its codec settings";
    stopped_ = true;
    return false;
  }
  auto info = fmp4::parse_init(init);
  if (!info) {
    error_ = "unreadable init segment";
    stopped_ = true;
    return false;
  }
  if (!write_all(init))
    return false;
  init_.assign(init.begin(), init.end());
  info_ = std::move(info);
  index_.set_init(init.size(), *info_);
  return true;
}

bool vod_recorder::add_fragment(std::span<const std::byte> data,
                                const fmp4::fragment_info& fragment) {
  if (stopped_ || !info_)
    return false;
  auto offset = size_;
  if (!write_all(data))
    return false;
  if (index_.add(offset, data.size(), fragment))
    write_playlist(false);
  return true;
}

void vod_recorder::write_playlist(bool finished) {
  if (!runtime::replace_file(dir_ / files::playlist, index_.playlist(files::media, finished)) &&
      error_.empty())
    error_ = "cannot write the playlist";
}

void vod_recorder::finish() {
  if (finished_)
    return;
  finished_ = true;
  stopped_ = true;
  index_.close();
  ::fdatasync(fd_);
  write_playlist(true);
}

vod_figures vod_recorder::figures() const {
  std::error_code ec;
  auto playlist = std::filesystem::file_size(dir_ / files::playlist, ec);
  return {index_.duration_s(), size_ + (ec ? 0 : playlist), index_.segments().size()};
}

// --- after a restart ---

bool recording_finished(const std::filesystem::path& dir) {
  std::ifstream in(dir / files::playlist, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  return text.find("#EXT-X-ENDLIST") != std::string::npos;
}

std::optional<vod_figures> recover_recording(const std::filesystem::path& dir,
                                             double target_segment_s) {
  auto path = dir / files::media;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  fmp4::stream_splitter splitter;
  vod_index index{target_segment_s};
  std::uint64_t valid = 0;  // bytes up to the end of the last whole fragment
  std::vector<std::byte> chunk(1 << 20);
  try {
    while (in) {
      in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
      auto got = static_cast<std::size_t>(in.gcount());
      if (got == 0)
        break;
      for (auto& unit : splitter.feed(std::span{chunk}.first(got))) {
        if (unit.init) {
          if (index.has_init())
            throw std::runtime_error("a second init");  // never written: treat as damage
          index.set_init(unit.data->size(), *splitter.init());
        } else {
          index.add(valid, unit.data->size(), unit.fragment);
        }
        valid += unit.data->size();
      }
    }
  } catch (const std::exception&) {
    // Damage after the last whole fragment: everything before it is kept.
  }
  if (!index.has_init())
    return std::nullopt;
  in.close();
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) != valid && !ec)
    std::filesystem::resize_file(path, valid, ec);
  index.close();
  if (!runtime::replace_file(dir / files::playlist, index.playlist(files::media, true)))
    return std::nullopt;
  auto playlist = std::filesystem::file_size(dir / files::playlist, ec);
  return vod_figures{index.duration_s(), valid + (ec ? 0 : playlist), index.segments().size()};
}

}  // namespace aethex::media
