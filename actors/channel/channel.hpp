// channel/<name>: a creator's channel — identity, stream key, metadata and live status.
//
// Events: channel.created, channel.updated, channel.key_rotated, channel.went_live,
// channel.went_offline. The media path asks this entity to begin/end a publish, which makes the
// "one publisher per key" rule and the live flag a single decision in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/principal.hpp"
#include "actors/vod/vod.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using publish_begin_atom = caf::atom_constant<caf::atom("pubbegin")>;
using publish_end_atom = caf::atom_constant<caf::atom("pubend")>;
using rotate_key_atom = caf::atom_constant<caf::atom("rotatekey")>;
using reveal_key_atom = caf::atom_constant<caf::atom("revealkey")>;
using health_atom = caf::atom_constant<caf::atom("health")>;
using feature_atom = caf::atom_constant<caf::atom("feature")>;
using end_stream_atom = caf::atom_constant<caf::atom("endstream")>;
using health_history_atom = caf::atom_constant<caf::atom("hhistory")>;

/// How far back a live channel's viewer growth is measured (trending, docs/api.md).
inline constexpr std::int64_t viewer_growth_window_ms = 10 * 60'000;

/// Public view of a channel (never contains the stream key).
struct channel_view {
  std::string name;
  std::string owner;
  bool owner_is_admin = false;  // made with the admin token: no account owns it
  std::string title;
  std::string category;
  std::string description;
  std::vector<std::string> tags;
  bool live = false;
  std::int64_t started_at_ms = 0;  // 0 when offline
  std::string session_id;          // current publish session, empty when offline
  std::string ingest_node;         // cluster node receiving the publisher, empty when offline
  // Renditions the channel's streams are transcoded to; when !ladder_custom the node's default.
  bool ladder_custom = false;
  std::vector<std::string> ladder;
  std::uint64_t version = 0;
  // Viewers of the live stream now (WebSocket + HLS + LL-HLS, from the media actor's health
  // report; 0 offline), and the most this session had (offline: the last session's, stored).
  std::uint64_t viewers = 0;
  std::uint64_t peak_viewers = 0;
  bool featured = false;  // put forward by the node's admin
  // Viewers viewer_growth_window_ms ago (0 when the stream is younger: it grew from nothing).
  std::uint64_t viewers_window_ago = 0;
  // VOD recording of its live sessions (the media recorder reads both at go-live).
  bool record = true;
  std::uint32_t vod_retention_days = default_vod_retention_days;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, channel_view& x) {
  return f(caf::meta::type_name("channel_view"), x.name, x.owner, x.owner_is_admin, x.title,
           x.category, x.description, x.tags, x.live, x.started_at_ms, x.session_id, x.ingest_node,
           x.ladder_custom, x.ladder, x.version, x.viewers, x.peak_viewers, x.featured,
           x.viewers_window_ago, x.record, x.vod_retention_days);
}

/// Ingest health of the live session, reported by its media actor every second. Rates are
/// fixed point (CAF 0.17 corrupts NaN/Inf floats on the wire).
struct stream_health {
  std::string session_id;
  std::int64_t updated_at_ms = 0;
  std::uint64_t bitrate_kbps = 0;
  std::uint64_t fps_milli = 0;  // frames per second × 1000
  std::int64_t keyframe_interval_ms = 0;
  std::uint64_t dropped_frames = 0;
  std::uint64_t late_frames = 0;
  std::string video_codec;
  std::string audio_codec;
  std::int32_t width = 0;
  std::int32_t height = 0;
  std::uint64_t ws_viewers = 0;
  std::uint64_t hls_viewers = 0;        // players of index.m3u8 seen in the last 30 s, by id
  std::uint64_t ll_hls_viewers = 0;     // the same for ll.m3u8
  std::vector<std::string> renditions;  // transcoded besides the source
  std::string transcode_refused;        // why the ladder is not running (empty: it is, or none)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_health& x) {
  return f(caf::meta::type_name("stream_health"), x.session_id, x.updated_at_ms, x.bitrate_kbps,
           x.fps_milli, x.keyframe_interval_ms, x.dropped_frames, x.late_frames, x.video_codec,
           x.audio_codec, x.width, x.height, x.ws_viewers, x.hls_viewers, x.ll_hls_viewers,
           x.renditions, x.transcode_refused);
}

/// One point of the live session's health over time (the stream manager's graphs): taken from
/// the media actor's reports every `health_sample_interval_ms`, the last hour kept in memory.
struct health_sample {
  std::int64_t t_ms = 0;
  std::uint64_t bitrate_kbps = 0;
  std::uint64_t fps_milli = 0;
  std::int64_t keyframe_interval_ms = 0;
  std::uint64_t dropped_frames = 0;  // since the session started
  std::uint64_t late_frames = 0;
  std::uint64_t viewers = 0;
};
inline constexpr std::int64_t health_sample_interval_ms = 5'000;
inline constexpr std::size_t health_samples_kept = 720;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, health_sample& x) {
  return f(caf::meta::type_name("health_sample"), x.t_ms, x.bitrate_kbps, x.fps_milli,
           x.keyframe_interval_ms, x.dropped_frames, x.late_frames, x.viewers);
}

/// The live session's health over time: its id (empty offline) and samples, oldest first.
struct health_history {
  std::string session;
  std::vector<health_sample> samples;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, health_history& x) {
  return f(caf::meta::type_name("health_history"), x.session, x.samples);
}

/// What ending a stream did: the session it ended (empty when the channel was offline), the
/// member that ingests it (to hang up on the publisher) and the new key when one was asked.
struct stream_ending {
  std::string session;
  std::string ingest_node;
  std::string stream_key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_ending& x) {
  return f(caf::meta::type_name("stream_ending"), x.session, x.ingest_node, x.stream_key);
}

struct channel_patch {
  std::optional<std::string> title;
  std::optional<std::string> category;
};

/// Protocol of channel/<name>:
///  (create_atom, principal owner, title)      -> std::string stream key   | conflict
///  (get_atom)                                 -> channel_view              | not_found
///  (update_atom, requester, title, category)  -> channel_view (empty string = unchanged)
///  (update_atom, requester, patch_json)       -> channel_view | forbidden | invalid_argument
///     patch keys (all optional): title, category, description (strings), tags (array of
///     up to 10 strings of 1-25 characters of a-z, 0-9, '_' and '-', lower-cased), ladder
///     (array of rendition names from known_renditions, [] for source only; null: node default),
///     record (bool: its live sessions are recorded as VODs), vod_retention_days (1-365)
///  (rotate_key_atom, requester)               -> std::string new stream key
///  (reveal_key_atom, requester)               -> std::string stream key   | forbidden
///  (publish_begin_atom, key, session_id)      -> channel_view | unauthorized | conflict (live)
///  (publish_end_atom, session_id)             -> bool (true when this ended the session)
///  (health_atom, stream_health)                 (from the media actor; no reply)
///  (health_atom)                              -> stream_health | not_found (offline)
///  (health_history_atom, requester)           -> health_history | forbidden
///  (end_stream_atom, requester, bool rotate)  -> stream_ending: the channel goes offline at
///                                                once (the caller hangs up on the publisher) and
///                                                its key is rotated when asked | forbidden
///  (feature_atom, bool)                       -> channel_view (the caller checked it is the admin)
/// `requester` is a runtime::principal; the admin principal acts as any owner. Going live starts
/// the stream session entity
/// ("stream", "<channel>-<session id>"); going offline ends it.
caf::actor spawn_channel(caf::actor_system& sys, const caf::actor& registry,
                         storage::event_store& store, const std::string& name,
                         const runtime::clock& clock = runtime::system_clock());

/// Channel names are 3–25 characters of a–z, 0–9 and '_' (what a URL and a key can carry).
bool valid_channel_name(std::string_view name);

/// Renditions a channel's ladder may name (the media layer knows their sizes and bitrates).
inline constexpr std::string_view known_renditions[] = {"1080p", "720p", "480p", "360p", "160p"};

/// Stream keys read "live_<channel>_<secret>", so ingest can route a key to its channel.
std::string channel_of_stream_key(std::string_view key);

/// Registers the "channel" kind with its store; its entities read `clock` (which must outlive
/// them) for event times and idleness.
void add_channel_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock = runtime::system_clock());

/// The typed protocol of channel/<name> (actors/core/entity_ref.hpp); the comment above says
/// what each command does.
struct channel_protocol {
  static constexpr std::string_view kind = "channel";
  static std::string reply_to(create_atom, runtime::principal owner, std::string title);
  static channel_view reply_to(get_atom);
  static channel_view reply_to(update_atom, runtime::principal who, std::string patch_json);
  static channel_view reply_to(update_atom, runtime::principal who, std::string title,
                               std::string category);
  static std::string reply_to(rotate_key_atom, runtime::principal who);
  static std::string reply_to(reveal_key_atom, runtime::principal who);
  static channel_view reply_to(publish_begin_atom, std::string key, std::string session);
  static channel_view reply_to(publish_begin_atom, std::string key, std::string session,
                               std::string node);
  static bool reply_to(publish_end_atom, std::string session);
  static void reply_to(health_atom, stream_health report);
  static stream_health reply_to(health_atom);
  static health_history reply_to(health_history_atom, runtime::principal who);
  static stream_ending reply_to(end_stream_atom, runtime::principal who, bool rotate);
  static channel_view reply_to(feature_atom, bool on);
};

}  // namespace aethex::actors
