// Recording a live session into a VOD, on the copy path: the session's own fMP4 fragments are
// appended to one file (actors/vod/vod_files.hpp: media.mp4) as they are made, and an HLS playlist
// of byte ranges into that file is written beside it. Nothing is decoded or encoded, and the
// file on disk is what was ingested plus the fragment headers.
//
// Why one file and byte ranges instead of a file per segment: the recording is then also the
// original file the owner downloads (a fragmented MP4 every player and ffprobe read), with no
// second copy; a clip or a seek reads one file; and a crash can only tear the last box of it,
// which the restart cuts off (recover_recording). The playlist is rewritten on every segment
// (EVENT, so a VOD can be watched while it is still recorded) and as a VOD with ENDLIST at the
// end; write() without fsync suffices for `kill -9` (the page cache survives the process), and
// the end of a recording syncs the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "media/fmp4.hpp"

namespace aethex::media {

/// A segment of a recording: a byte range of its media file.
struct vod_segment {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  double start_s = 0;
  double duration_s = 0;
};

/// The track that times a recording's segments and clips: video when there is one, else the
/// first (audio-only streams).
const fmp4::track_info* lead_track(const fmp4::init_info& info);

/// Where each fragment of a recording is, without its media.
struct recording_map {
  fmp4::bytes init;
  fmp4::init_info info;
  struct fragment {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;  // moof + mdat
    fmp4::fragment_info info;
  };
  std::vector<fragment> fragments;
  /// Seconds of the leading track (video when there is one).
  double duration_s() const;
  /// The leading track: video when there is one.
  const fmp4::track_info* lead() const { return lead_track(info); }
};

/// Maps a recording (a torn last box, as while recording, ends the map). nullopt when the file
/// cannot be read or has no init segment.
std::optional<recording_map> map_recording(const std::filesystem::path& media);
/// The same for a recording already in memory (a clip's keyframe cut).
std::optional<recording_map> map_recording(std::span<const std::byte> media);

/// The segment list of a recording, built from its fragments in file order, the same way while
/// recording and when a restart rebuilds it from the file. A segment starts on a fragment of the
/// leading track (video when there is one, else audio) that starts with a sync sample, once the
/// open segment holds `target_s` of it.
class vod_index {
 public:
  explicit vod_index(double target_s = 4.0) : target_s_(target_s) {}

  void set_init(std::uint64_t size, const fmp4::init_info& info);
  /// A fragment at `offset` of the media file; true when it started a new segment (the one
  /// before it is then closed and listed).
  bool add(std::uint64_t offset, std::uint64_t size, const fmp4::fragment_info& fragment);
  /// The end of the recording: the open segment is closed.
  void close();

  const std::vector<vod_segment>& segments() const { return segments_; }
  /// Seconds of the leading track recorded, the open segment included.
  double duration_s() const;
  /// The playlist: EVENT while recording (`finished` false), VOD with ENDLIST after.
  std::string playlist(std::string_view media_uri, bool finished) const;

 private:
  double target_s_;
  std::uint64_t init_size_ = 0;
  std::uint32_t lead_track_ = 0;
  std::uint32_t lead_timescale_ = 0;
  std::vector<vod_segment> segments_;
  std::optional<vod_segment> open_;
  std::uint64_t open_start_ticks_ = 0;  // decode time of the open segment's first lead sample
  std::uint64_t lead_end_ticks_ = 0;    // where the last lead fragment ends
  bool lead_seen_ = false;
};

/// What a recording holds.
struct vod_figures {
  double duration_s = 0;
  std::uint64_t bytes = 0;  // media file + playlist
  std::size_t segments = 0;
};

class vod_recorder {
 public:
  /// Starts a recording in `dir` (created): writes `meta_json` to the meta file, then opens the
  /// media file. nullptr, with `error` set, when the folder or a file cannot be written.
  static std::unique_ptr<vod_recorder> create(const std::filesystem::path& dir,
                                              std::string_view meta_json, std::string& error,
                                              double target_segment_s = 4.0);
  ~vod_recorder();
  vod_recorder(const vod_recorder&) = delete;
  vod_recorder& operator=(const vod_recorder&) = delete;

  /// The init segment. The first is written; the same bytes again change nothing; a different
  /// one (the publisher changed its codec settings) cannot continue this file, so the recording
  /// stops there (false) and what it holds stays a complete VOD.
  bool add_init(std::span<const std::byte> init);
  /// One moof+mdat after the init. False once the recording stopped (a write failed: disk full).
  bool add_fragment(std::span<const std::byte> data, const fmp4::fragment_info& fragment);
  /// Ends the recording: closes the last segment, writes the VOD playlist, syncs. Idempotent.
  void finish();

  bool stopped() const { return stopped_; }
  const std::string& error() const { return error_; }
  vod_figures figures() const;

 private:
  vod_recorder(std::filesystem::path dir, int fd);
  bool write_all(std::span<const std::byte> bytes);
  void write_playlist(bool finished);

  std::filesystem::path dir_;
  int fd_;
  std::uint64_t size_ = 0;
  std::vector<std::byte> init_;
  std::optional<fmp4::init_info> info_;
  vod_index index_;
  bool stopped_ = false;
  bool finished_ = false;
  std::string error_;
};

/// True when `dir` holds a recording that ended (its playlist is a VOD with ENDLIST).
bool recording_finished(const std::filesystem::path& dir);

/// Finalises a recording that a stopped node left open: cuts a torn last box off the media
/// file, rebuilds the segment list from the file and writes the VOD playlist. nullopt when the
/// file holds no init segment (nothing playable was recorded).
std::optional<vod_figures> recover_recording(const std::filesystem::path& dir,
                                             double target_segment_s = 4.0);

}  // namespace aethex::media
