#include "media/vod_recorder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
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

// --- reading a recording ---

const fmp4::track_info* lead_track(const fmp4::init_info& info) {
  if (const auto* video = info.video_track())
    return video;
  return info.tracks.empty() ? nullptr : &info.tracks.begin()->second;
}

double recording_map::duration_s() const {
  const auto* track = lead();
  if (!track)
    return 0;
  std::uint64_t first = UINT64_MAX, end = 0;
  for (const auto& f : fragments)
    if (f.info.track_id == track->id) {
      first = std::min(first, f.info.decode_time);
      end = std::max(end, f.info.decode_time + f.info.duration);
    }
  return end > first ? double(end - first) / track->timescale : 0;
}

namespace {

// Maps a recording of `size` bytes read through `read_at(offset, out, count)` (true when all
// `count` bytes came): the one walk for files and for recordings already in memory.
template <class ReadAt>
std::optional<recording_map> map_bytes(std::uint64_t size, ReadAt read_at) {
  recording_map map;
  bool have_init = false;
  fmp4::bytes head, box;
  for (std::uint64_t offset = 0; offset + 8 <= size;) {
    // The header and, usually, the whole moof and the mdat header after it in one read.
    read_at(offset, head, static_cast<std::size_t>(std::min<std::uint64_t>(1024, size - offset)));
    auto header = fmp4::read_box_header(head);
    if (!header || offset + header->size > size)
      break;  // torn: the recording is still being written, or a crash cut it
    if (header->type == "ftyp" || header->type == "moov") {
      // A recording has one init; a second one is damage, like a torn box.
      if (have_init || !read_at(offset, box, header->size))
        break;
      map.init.insert(map.init.end(), box.begin(), box.end());
      if (header->type == "moov") {
        auto info = fmp4::parse_init(map.init);
        if (!info)
          return std::nullopt;
        map.info = std::move(*info);
        have_init = true;
      }
      offset += header->size;
      continue;
    }
    if (header->type != "moof" || !have_init)
      break;
    std::span<const std::byte> moof;
    if (header->size + 8 <= head.size()) {
      moof = std::span{head}.first(header->size);
    } else if (read_at(offset, box, header->size + 8)) {
      moof = std::span{box}.first(header->size);
    } else {
      break;
    }
    auto info = fmp4::parse_fragment(moof, map.info);
    auto mdat = fmp4::read_box_header(std::span{
      moof.data() + moof.size(), 8});  // the 8 bytes after the moof were read with it
    if (!info || !mdat || mdat->type != "mdat" || offset + header->size + mdat->size > size)
      break;
    map.fragments.push_back({offset, header->size + mdat->size, *info});
    offset += header->size + mdat->size;
  }
  if (!have_init)
    return std::nullopt;
  return map;
}

}  // namespace

std::optional<recording_map> map_recording(const std::filesystem::path& media) {
  // One pread per box header and per moof: a one-hour recording has ~70,000 fragments, and a
  // buffered stream's seek + peek + read per box cost several system calls each.
  int fd = ::open(media.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_fd{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return std::nullopt;
  return map_bytes(static_cast<std::uint64_t>(st.st_size),
                   [fd](std::uint64_t offset, fmp4::bytes& out, std::size_t count) {
                     out.resize(count);
                     auto got = ::pread(fd, out.data(), count, static_cast<off_t>(offset));
                     out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
                     return out.size() == count;
                   });
}

std::optional<recording_map> map_recording(std::span<const std::byte> media) {
  return map_bytes(media.size(),
                   [media](std::uint64_t offset, fmp4::bytes& out, std::size_t count) {
                     auto from = std::min<std::uint64_t>(offset, media.size());
                     auto take = std::min<std::uint64_t>(count, media.size() - from);
                     out.assign(media.begin() + static_cast<std::ptrdiff_t>(from),
                                media.begin() + static_cast<std::ptrdiff_t>(from + take));
                     return take == count;
                   });
}

// --- vod_index ---

void vod_index::set_init(std::uint64_t size, const fmp4::init_info& info) {
  init_size_ = size;
  if (const auto* lead = lead_track(info)) {
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
  auto map = map_recording(path);
  if (!map)
    return std::nullopt;
  vod_index index{target_segment_s};
  index.set_init(map->init.size(), map->info);
  for (const auto& f : map->fragments)
    index.add(f.offset, f.size, f.info);
  // Everything after the last whole fragment is what the stop tore: cut it off.
  auto valid = map->fragments.empty() ? map->init.size()
                                      : map->fragments.back().offset + map->fragments.back().size;
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
