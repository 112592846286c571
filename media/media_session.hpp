// One live publish session as an actor running the copy path.
//
// Ingest providers push container bytes (FLV from RTMP, MPEG-TS from SRT) by message; the actor
// demuxes them and remuxes the access units into fMP4 (no decoding, no pipeline threads) that
// feed the WebSocket hub and the in-memory HLS/LL-HLS stream. Only thumbnails decode: one
// keyframe every ~30 s on the node's shared low-priority thumbnail worker (GStreamer).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "media/fmp4_hub.hpp"
#include "media/renditions.hpp"
#include "media/session_recording.hpp"

namespace aethex::media {

class fmp4_hub;
class ll_hls_stream;
class thumbnailer;

using media_data_atom = caf::atom_constant<caf::atom("mdata")>;
using media_close_atom = caf::atom_constant<caf::atom("mclose")>;
using media_stop_atom = caf::atom_constant<caf::atom("mstop")>;
/// (media_meta_atom, title, artist, album, text): now-playing metadata from the ingest (RTMP
/// onMetaData, or an onTextData line "Artist - Title" in `text`); goes to music/<channel>.
using media_meta_atom = caf::atom_constant<caf::atom("mmeta")>;

using media_outputs_atom = caf::atom_constant<caf::atom("moutputs")>;
using media_figures_atom = caf::atom_constant<caf::atom("mfigures")>;

/// The live outputs of a session that viewers read directly (all thread-safe).
struct media_outputs {
  std::shared_ptr<fmp4_hub> fmp4;             // init + fragments for WebSocket viewers
  std::shared_ptr<ll_hls_stream> ll;          // LL-HLS playlist, parts and segments
  std::shared_ptr<rendition_set> renditions;  // the transcoded ones, once the ladder runs
};

/// A node's transcoding: the ladder of channels that choose none, and the CPU it may spend.
struct transcode_settings {
  std::vector<std::string> default_ladder;   // rendition names (media/renditions.hpp)
  std::shared_ptr<transcode_budget> budget;  // null: this node never transcodes
  transcode_costs costs;
  std::string speed_preset = "superfast";  // x264's
};

enum class input_format { flv, mpegts };

/// A run of input bytes, shared so copies of the message never copy the payload.
struct media_chunk {
  std::shared_ptr<const std::vector<std::byte>> bytes;
};

/// How a session serves its live outputs.
struct hls_options {
  unsigned target_duration_s = 1;  // segments are cut on the first keyframe after this
  unsigned playlist_length = 6;
  unsigned viewer_window_s = 30;   // an HLS player counts this long after its last playlist
  fmp4_hub::batching ws_batching;  // WebSocket viewers' batches by audience size
};

/// What a live session reports each second, for /metrics.
struct session_figures {
  std::string channel;
  std::uint64_t bytes_in = 0;
  std::uint64_t bitrate_kbps = 0;
  std::uint64_t ws_viewers = 0;
  std::uint64_t hls_viewers = 0;     // plain HLS players seen in the viewer window (30 s)
  std::uint64_t ll_hls_viewers = 0;  // LL-HLS players seen in the viewer window
};

struct media_session_config {
  std::string channel;
  std::string session_id;
  input_format format = input_format::flv;
  std::filesystem::path hls_root;  // segments go to hls_root/<channel>/
  hls_options hls;
  std::optional<std::vector<std::string>> ladder;  // the channel's choice; nullopt: node default
  std::optional<recording_settings> record;        // nullopt: the channel does not record
  caf::actor registry;                             // to tell channel/<name> when the session ends
  std::shared_ptr<thumbnailer> thumbnails;         // set by the supervisor: the node's worker
  caf::weak_actor_ptr supervisor;                  // set by the supervisor: gets the figures
  std::shared_ptr<const transcode_settings> transcode;  // set by the supervisor
  /// Ends the publisher's connection (from the ingest provider); the session then ends as when
  /// the publisher leaves.
  std::function<void(std::string reason)> disconnect;
};

}  // namespace aethex::media

// Session configs only travel between actors of one node (they hold a local path).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aethex::media::media_session_config)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aethex::media::media_chunk)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aethex::media::media_outputs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(aethex::media::session_figures)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<aethex::media::session_figures>)

namespace aethex::media {

/// Parent of all media sessions of this node, so a node shutdown stops them all.
/// A session takes (media_data_atom, media_chunk) input bytes and (media_close_atom, std::string
/// reason), which ends it after writing what it holds; (media_outputs_atom) -> media_outputs.
/// Every second it sends (health_atom, stream_health) to channel/<name>; every ~30 s (and at its
/// first keyframe) it has hls_root/<channel>/thumb.jpg written. (media_stop_atom, session id)
/// hangs up on its publisher. Supervisor messages: (publish_atom, service_names::end_stream, …)
/// stops the named session of this node; (create_atom,
/// media_session_config) -> caf::actor of the new session; (media_outputs_atom, channel) ->
/// media_outputs of its live session | not_found; (media_figures_atom) ->
/// std::vector<session_figures> of its live sessions (a second old).
/// Sessions whose video is taller than a rendition of their ladder (the channel's, else
/// `transcode.default_ladder`) also make that rendition once its cost fits the budget.
/// `thumbnails` is the node's thumbnail worker (shared with the recovery of recordings; null:
/// the supervisor makes its own).
caf::actor spawn_media_supervisor(caf::actor_system& sys, transcode_settings transcode = {},
                                  std::shared_ptr<thumbnailer> thumbnails = nullptr);

/// Initialises GStreamer once per process and checks that the elements thumbnails need exist.
/// Returns an empty string on success, else what is missing.
std::string initialize_gstreamer();

}  // namespace aethex::media
