// music/<channel>: a channel's DJ mode — its track library, queue, what plays now and the set's
// history. Contract: docs/music.md, section "The music entity".
//
// Events (JSON, schema 1): music.settings {"dj_mode"?,"announce_in_chat"?,"by"},
// music.track_added {"track": Track,"by"}, music.track_updated {"track": Track,"by"},
// music.track_removed {"id","by"}, music.queue_set {"ids":[id…],"by"},
// music.played {"play": Play,"by"}, music.stopped {"by"}.
// The artwork bytes live in music_art/<channel>.<track id> (base64 in the event, as emotes).
//
// Other parts of the node (ingest metadata, audio analysis, Spotify) talk to the entity with the
// three messages marked "other parts" below; all carry built-in types only, so no type id block
// is needed on any node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

// Other parts: what the stream says plays now, a play from another source, and the DJ switch.
using music_metadata_atom = caf::atom_constant<caf::atom("musicmeta")>;
using music_external_atom = caf::atom_constant<caf::atom("musicext")>;
using music_dj_atom = caf::atom_constant<caf::atom("musicdj")>;

// The routes' and the console's commands.
using music_get_atom = caf::atom_constant<caf::atom("musicget")>;
using music_settings_atom = caf::atom_constant<caf::atom("musicsets")>;
using music_tracks_atom = caf::atom_constant<caf::atom("musictrks")>;
using music_add_atom = caf::atom_constant<caf::atom("musicadd")>;
using music_edit_atom = caf::atom_constant<caf::atom("musicedit")>;
using music_remove_atom = caf::atom_constant<caf::atom("musicrm")>;
using music_artwork_atom = caf::atom_constant<caf::atom("musicart")>;
using music_import_atom = caf::atom_constant<caf::atom("musicimp")>;
using music_queue_atom = caf::atom_constant<caf::atom("musicqueue")>;
using music_enqueue_atom = caf::atom_constant<caf::atom("musicenq")>;
using music_play_atom = caf::atom_constant<caf::atom("musicplay")>;
using music_stop_atom = caf::atom_constant<caf::atom("musicstop")>;
// music_art/<channel>.<track id>
using music_art_store_atom = caf::atom_constant<caf::atom("martstore")>;
using music_art_get_atom = caf::atom_constant<caf::atom("martget")>;
using music_art_erase_atom = caf::atom_constant<caf::atom("marterase")>;

namespace music_limits {
inline constexpr std::size_t tracks_max = 5000;
inline constexpr std::size_t queue_max = 200;
inline constexpr std::size_t history_max = 500;   // in the entity; the read model keeps all
inline constexpr std::size_t history_shown = 50;  // in the GET answer
inline constexpr std::size_t title_max = 200;     // code points; artist and album the same
inline constexpr std::size_t key_max = 8;
inline constexpr std::size_t spotify_id_max = 64;
inline constexpr std::int64_t duration_max_ms = 86'400'000;
inline constexpr double bpm_min = 20;
inline constexpr double bpm_max = 400;
inline constexpr std::size_t artwork_max_bytes = 1u << 20;
inline constexpr std::size_t import_max_bytes = 1u << 20;
inline constexpr std::size_t import_errors_max = 100;  // reported lines; the count goes on
inline constexpr std::size_t list_limit_max = 200;
}  // namespace music_limits

/// Protocol of music/<channel>; JSON answers as in docs/music.md. Routes check who asks (owner or
/// editors) and pass the caller's name as `by`.
///  (music_get_atom)                        -> {"dj_mode","announce_in_chat","now_playing",
///                                              "queue","history"} (never not_found)
///  (music_settings_atom, by, patch JSON)   -> the get answer | invalid_argument
///  (music_tracks_atom, q, limit, offset)   -> {"tracks":[Track],"total"}
///  (music_add_atom, by, track JSON)        -> Track | invalid_argument | conflict (library full)
///  (music_edit_atom, by, id, patch JSON)   -> Track | not_found | invalid_argument
///  (music_remove_atom, by, id)             -> {"deleted": id} | not_found
///  (music_artwork_atom, by, id, bytes)     -> Track | not_found | unsupported_media_type
///                                              | payload_too_large | invalid_argument
///  (music_import_atom, by, format, text)   -> {"imported","skipped","errors":[{"line","error"}]}
///                                              | invalid_argument (format not csv|m3u)
///  (music_queue_atom, by, {"tracks":[id]}) -> the get answer | not_found | invalid_argument
///  (music_enqueue_atom, by, id)            -> the get answer | not_found | conflict (queue full)
///  (music_play_atom, by, body JSON, source)-> Play | not_found | invalid_argument | conflict
///                                              (next with an empty queue); body {"track": id},
///                                              {"title","artist"?,"album"?} or {"next": true};
///                                              source "manual" or "console"
///  (music_stop_atom, by)                   -> "stopped"
/// Other parts:
///  (music_metadata_atom, title, artist, album)
///        -> Play JSON when it played, "ignored" when not in DJ mode or the same title and
///           artist play already (publishers repeat their metadata); source "metadata"
///  (music_external_atom, source, title, artist, album, spotify_id)
///        -> the same rules with that source (e.g. "spotify") and the Spotify id
///  (music_dj_atom)                         -> whether the channel is in DJ mode
struct music_protocol {
  static constexpr std::string_view kind = "music";
  static std::string reply_to(music_get_atom);
  static std::string reply_to(music_settings_atom, std::string by, std::string patch);
  static std::string reply_to(music_tracks_atom, std::string q, std::int32_t limit,
                              std::int32_t offset);
  static std::string reply_to(music_add_atom, std::string by, std::string track);
  static std::string reply_to(music_edit_atom, std::string by, std::string id, std::string patch);
  static std::string reply_to(music_remove_atom, std::string by, std::string id);
  static std::string reply_to(music_artwork_atom, std::string by, std::string id,
                              std::string bytes);
  static std::string reply_to(music_import_atom, std::string by, std::string format,
                              std::string text);
  static std::string reply_to(music_queue_atom, std::string by, std::string body);
  static std::string reply_to(music_enqueue_atom, std::string by, std::string id);
  static std::string reply_to(music_play_atom, std::string by, std::string body,
                              std::string source);
  static std::string reply_to(music_stop_atom, std::string by);
  static std::string reply_to(music_metadata_atom, std::string title, std::string artist,
                              std::string album);
  static std::string reply_to(music_external_atom, std::string source, std::string title,
                              std::string artist, std::string album, std::string spotify_id);
  static bool reply_to(music_dj_atom);
};

/// Protocol of music_art/<channel>.<track id>: one track's artwork.
///  (music_art_store_atom, format, bytes) -> "stored" once durable
///  (music_art_get_atom)                  -> "png\n" or "jpeg\n", then the bytes | not_found
///  (music_art_erase_atom)                -> "erased"
struct music_art_protocol {
  static constexpr std::string_view kind = "music_art";
  static std::string reply_to(music_art_store_atom, std::string format, std::string bytes);
  static std::string reply_to(music_art_get_atom);
  static std::string reply_to(music_art_erase_atom);
};

/// Where clients fetch a track's artwork: "/api/v1/channels/<c>/music/tracks/<id>/artwork".
std::string music_artwork_url(std::string_view channel, std::string_view track_id);

void add_music_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
