// Low-Latency HLS (and plain HLS) from the session's fMP4 fragments, kept in memory: segments
// start on video keyframes (audio-only streams: every target duration) and are made of partial
// segments (~part_target_s each). The playlist carries EXT-X-PART, EXT-X-PART-INF,
// EXT-X-SERVER-CONTROL (CAN-BLOCK-RELOAD) and EXT-X-PRELOAD-HINT; blocking reloads
// (_HLS_msn/_HLS_part) register a callback that runs once the part exists.
// Thread-safe: fragments arrive on the session's thread, requests on network threads.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "media/fmp4.hpp"
#include "runtime/memory_file.hpp"

namespace aethex::media {

struct ll_hls_options {
  double part_target_s = 0.3;
  unsigned min_target_duration_s = 1;
  unsigned playlist_segments = 6;          // complete segments listed
  unsigned part_segments = 3;              // of those, the newest ones also list their parts
  std::int64_t viewer_window_ms = 30'000;  // see ll_hls_stream::note_viewer
  // Media URIs live under "ll/<session>/": a session's init, parts and segments never change,
  // so caches may keep them forever, and a new session can never be served an old one's.
  std::string session = "0";
};

class ll_hls_stream {
 public:
  explicit ll_hls_stream(ll_hls_options options = {});

  void set_init(std::shared_ptr<const fmp4::bytes> init, const fmp4::init_info& info);
  /// Makes this stream a rendition of `leader` (same timeline, keyframes at the same times):
  /// its segments start where the leader's do and take their numbers, so players switching
  /// between the two find the same media under the same media sequence number. Call before the
  /// first fragment.
  void follow(std::shared_ptr<const ll_hls_stream> leader);
  /// Adds one moof+mdat; `wall_ms` is when its first sample was live (for PROGRAM-DATE-TIME).
  void add_fragment(std::shared_ptr<const fmp4::bytes> data, const fmp4::fragment_info& info,
                    std::int64_t wall_ms);
  /// The stream ended: pending waiters get `gone`, requests afterwards too.
  void close();
  bool closed() const;

  enum class wait_result { ready, gone, bad_request };
  /// Calls `done` once segment `msn` holds part `part` (or is complete when `part` is empty),
  /// immediately when it already does. `done` may run on the publishing thread.
  void when_available(std::int64_t msn, std::optional<std::int64_t> part,
                      std::function<void(wait_result)> done);

  /// Ends the open segment now if it reached the target duration: the muxer saw the keyframe
  /// that starts the next one, so the finished segment is listed without waiting for the next
  /// fragment.
  void end_segment();

  /// The LL-HLS playlist (parts, blocking reload, preload hint), or with `low_latency` false a
  /// plain HLS playlist of the same segments.
  std::optional<std::string> playlist(bool low_latency = true) const;
  std::shared_ptr<const fmp4::bytes> init() const;
  /// The tracks of the init segment (codecs for master playlists); nullopt before it exists.
  std::optional<fmp4::init_info> init_info() const;
  /// True once both playlists list media (plain HLS needs a whole segment).
  bool has_complete_segment() const;
  /// The session name in media URIs ("ll/<session>/…").
  const std::string& session() const { return options_.session; }
  /// A part's or segment's bytes, never changed once the part is closed: a range of the
  /// segment's memory file (sent with sendfile), or the muxer's chunks in order when the system
  /// refused the segment a file.
  struct media_bytes {
    std::shared_ptr<const runtime::memory_file> file;
    std::size_t offset = 0;
    std::size_t size = 0;
    std::vector<std::shared_ptr<const fmp4::bytes>> chunks;  // when there is no file
  };
  /// Resolves "p<msn>.<part>.m4s" and "s<msn>.m4s" to their bytes.
  std::optional<media_bytes> media(std::string_view name) const;
  /// Notes a player that fetched a playlist: `viewer` is its id (the page's per-tab id, else
  /// its address), `address` the client's, `low_latency` whether it reads ll.m3u8. A player
  /// counts as a viewer while it fetched a playlist in the last `viewer_window_ms` (an option); one
  /// id counts once however often it polls; one address counts at most `max_ids_per_address` ids (a
  /// client inventing an id per poll cannot inflate the figure further); at most
  /// `max_tracked_viewers` ids are remembered (more are not counted).
  void note_viewer(std::string_view viewer, std::string_view address, bool low_latency,
                   std::int64_t now_ms);
  struct viewer_counts {
    std::size_t hls = 0;
    std::size_t ll_hls = 0;
  };
  viewer_counts viewers(std::int64_t now_ms) const;
  static constexpr std::size_t max_tracked_viewers = 50'000;
  static constexpr std::size_t max_ids_per_address = 64;

  /// Parses a part name into {msn, part} so a request for a hinted part can wait for it.
  static std::optional<std::pair<std::int64_t, std::int64_t>> part_of(std::string_view name);

 private:
  // A segment's fragments are appended to its memory file as they arrive; a part is a range of
  // it. Only when the system refuses a file (out of descriptors) do the parts reference the
  // fragments the muxer wrote instead (shared with the WebSocket hub's GOP cache).
  using chunk_list = std::vector<std::shared_ptr<const fmp4::bytes>>;
  struct part {
    chunk_list chunks;  // without a file
    double duration = 0;
    bool independent = false;
    std::size_t offset = 0;  // in the segment's file
    std::size_t size = 0;
  };
  struct segment {
    std::int64_t msn = 0;
    std::int64_t wall_ms = 0;
    std::optional<std::uint64_t> start;  // decode time of its first video fragment
    std::vector<part> parts;  // the last one is open until `complete` or the part is closed
    std::shared_ptr<runtime::memory_file> file;
    bool lost = false;  // an append to the file failed (out of memory): not served
    bool complete = false;
    bool open_part = false;
    double duration() const;
  };
  struct waiter {
    std::int64_t msn;
    std::optional<std::int64_t> part;
    std::function<void(wait_result)> done;
  };

  bool reached_target(const segment& s) const;
  /// The number of the segment starting within `tolerance` ticks of video decode time
  /// `decode_time` (90 kHz), if one does.
  std::optional<std::int64_t> segment_starting_at(std::uint64_t decode_time,
                                                  std::uint64_t tolerance) const;
  /// Whether a fragment opens a new segment, and its number.
  std::optional<std::int64_t> segment_start(bool video, const fmp4::fragment_info& info) const;
  bool satisfied(std::int64_t msn, std::optional<std::int64_t> part) const;
  void close_part(std::vector<std::function<void()>>& ready);
  void close_segment(std::vector<std::function<void()>>& ready);
  void collect_ready(std::vector<std::function<void()>>& ready);
  std::int64_t closed_parts(const segment& s) const;
  /// Opens a part at the end of `s` (its bytes start where the file ends).
  static void open_part(segment& s, part p);
  /// Adds one fragment's bytes to the last part of `s`.
  static void store(segment& s, std::shared_ptr<const fmp4::bytes> data);

  ll_hls_options options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const fmp4::bytes> init_;
  std::optional<fmp4::init_info> info_;
  std::deque<segment> segments_;
  std::int64_t next_msn_ = 0;
  double max_segment_s_ = 0;
  bool closed_ = false;
  bool audio_only_ = false;  // no video track: audio fragments time the segments and parts
  chunk_list carry_;         // audio that arrived between a segment's end and the next keyframe
  std::shared_ptr<const ll_hls_stream> leader_;  // set for renditions
  std::vector<waiter> waiters_;
  // Every player polls the same text: it is rendered once per change of what the playlists
  // show (init, a closed part, a new or ended segment), not once per request.
  std::uint64_t revision_ = 1;
  struct rendered {
    std::uint64_t revision = 0;
    std::string text;
  };
  mutable rendered rendered_[2];  // plain HLS, LL-HLS
  std::string render_playlist(bool low_latency) const;
  struct seen {
    std::int64_t at_ms = 0;
    bool low_latency = false;
    std::string address;
  };
  mutable std::mutex viewers_mutex_;  // apart from mutex_: playlist polls must not wait on media
  std::unordered_map<std::string, seen> viewers_;
};

/// A parsed media playlist, for validating what we serve (tests, benchmarks).
struct parsed_playlist {
  std::map<std::string, std::string> tags;  // first value of each "#EXT-X-NAME" tag
  struct part {
    double duration = 0;
    std::string uri;
    bool independent = false;
  };
  struct segment {
    std::int64_t msn = 0;
    double duration = 0;
    std::string uri;
    std::vector<part> parts;
  };
  std::vector<segment> segments;
  std::vector<part> trailing_parts;  // parts of the segment still being written
  std::string preload_hint_uri;
  std::vector<std::string> errors;  // empty when the playlist is well-formed LL-HLS
};
parsed_playlist parse_playlist(std::string_view text);

}  // namespace aethex::media
