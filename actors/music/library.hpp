// The rules of a channel's music, without actors or storage: what a track is and the limits of
// its fields, the CSV and M3U import, and the state music/<channel> keeps (library, queue, what
// plays now, the last plays) with the checks of each command. The entity (music.cpp) applies its
// events to a music_book. Contract: docs/music.md, section "The music entity".
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

struct music_track {
  std::string id;  // "" for an ad-hoc track (from metadata, Spotify or a typed title)
  std::string title;
  std::string artist;
  std::string album;
  double bpm = 0;  // 0: unknown
  std::string key;
  std::int64_t duration_ms = 0;
  bool artwork = false;
  std::string spotify_id;
};

struct music_play {
  music_track track;  // the fields at the time
  std::int64_t played_at_ms = 0;
  std::string source;  // manual | console | metadata | spotify
};

/// A track as stored in events and snapshots (no URL).
nlohmann::json track_record(const music_track& t);
music_track track_from_record(const nlohmann::json& j);
nlohmann::json play_record(const music_play& p);
music_play play_from_record(const nlohmann::json& j);

/// A track as the routes show it: the record plus "artwork_url" when it has artwork.
nlohmann::json track_json(const music_track& t, std::string_view channel);
nlohmann::json play_json(const music_play& p, std::string_view channel);

/// Applies the track fields of `body` (title, artist, album, bpm, key, duration_ms, spotify_id;
/// "id" and "artwork" are read-only and ignored) to `t`; errc::invalid_argument naming the
/// first field that breaks its limit, or an unknown field. `creating` requires a title.
caf::error apply_track_fields(const nlohmann::json& body, music_track& t, bool creating);

/// Text from a publisher or another service made fit for a track field: control characters
/// dropped, white space trimmed, cut to `max_code_points`.
std::string clean_text(std::string_view text, std::size_t max_code_points);

/// Case-insensitive (ASCII) equality after trimming, for matching titles and artists.
bool same_words(std::string_view a, std::string_view b);

struct import_error {
  std::size_t line = 0;  // 1-based, where the record starts
  std::string error;
};

struct import_parse {
  std::vector<music_track> tracks;  // without ids
  std::vector<std::size_t> lines;   // the line each track came from
  std::vector<import_error> errors;
};

/// CSV (RFC 4180; a header row naming columns among title, artist, album, bpm, key, duration;
/// duration in seconds or m:ss / h:mm:ss) or M3U (#EXTINF:<seconds>,<artist> - <title>). Bad
/// records are reported in `errors`, not fatal; errc::invalid_argument for a CSV without a
/// title column or an unknown format.
caf::expected<import_parse> parse_music_import(std::string_view format, std::string_view text);

/// The state of music/<channel> and the checks of its commands.
class music_book {
 public:
  // ---- reads ----
  bool dj_mode() const { return dj_mode_; }
  bool announce_in_chat() const { return announce_; }
  const std::vector<music_track>& tracks() const { return tracks_; }
  const std::vector<std::string>& queue() const { return queue_; }
  const std::optional<music_play>& now_playing() const { return now_; }
  const std::deque<music_play>& history() const { return history_; }  // oldest first
  const music_track* find(std::string_view id) const;
  /// A library track with this title and artist (an empty artist matches on the title alone).
  const music_track* match(std::string_view title, std::string_view artist) const;
  /// The id the next added track gets ("t" + base 36 of a counter: short and URL-safe).
  std::string next_id() const;
  std::string id_after(std::size_t n) const;  // the id n tracks later
  /// Whether the same title and artist play now (publishers repeat their metadata).
  bool playing_now(std::string_view title, std::string_view artist) const;
  /// The GET answer: {"dj_mode","announce_in_chat","now_playing","queue","history"}.
  nlohmann::json overview(std::string_view channel) const;
  /// {"tracks","total"} of the tracks whose title, artist or album contains `q` (any case).
  nlohmann::json list(std::string_view channel, std::string_view q, std::size_t limit,
                      std::size_t offset) const;

  // ---- checks ----
  caf::error can_add(std::size_t n = 1) const;
  /// The queue `ids` would be (each a library track, at most queue_max).
  caf::error can_queue(const std::vector<std::string>& ids) const;

  // ---- changes (applied from events) ----
  void set_settings(std::optional<bool> dj_mode, std::optional<bool> announce);
  void add(music_track t);
  void update(const music_track& t);
  void remove(std::string_view id);
  void set_queue(std::vector<std::string> ids);
  void play(music_play p, bool from_queue);
  void stop();

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  bool dj_mode_ = false;
  bool announce_ = true;
  std::vector<music_track> tracks_;  // in the order added
  std::vector<std::string> queue_;
  std::optional<music_play> now_;
  std::deque<music_play> history_;
  std::uint64_t counter_ = 1;
};

}  // namespace aethex::actors
