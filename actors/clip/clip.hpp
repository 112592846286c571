// clip/<id>: a viewer's cut of a VOD (or of a live session, which is recorded as its VOD), and
// the job that renders it.
//
// The route creates the clip (state "rendering") and hands the job to the renderers: it
// publishes a clip_job (as JSON) to the node service service_names::clip_renderer
// (actors/core/module.hpp) on every member
// (node_env::publish); the member that holds the VOD's files renders it and reports back to
// clip/<id> with (clip_progress_atom, percent), then (clip_done_atom, clip_rendered) or
// (clip_failed_atom, reason). Files: <data>/clips/<id>.mp4 on that node (clip_files below).
//
// Events: clip.created {vod, channel, creator, title, start_s, duration_s, exact, live},
// clip.progressed {percent}, clip.rendered {start_s, duration_s, bytes, keyframe_start, node},
// clip.failed {reason}, clip.renamed {title}, clip.liked {user}, clip.unliked {user},
// clip.viewed {}, clip.deleted {by}. clip.created also carries the channel's `owner` ("" for a
// channel of the admin): renaming and deleting are the creator's, the owner's or the admin's.
//
// Deleting a clip publishes {"delete": "<id>"} on the same renderer topic: the member holding
// <data>/clips/<id>.mp4 removes it (and drops the job if it is still rendering).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <nlohmann/json.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/principal.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using clip_progress_atom = caf::atom_constant<caf::atom("clipprog")>;
using clip_done_atom = caf::atom_constant<caf::atom("clipdone")>;
using clip_failed_atom = caf::atom_constant<caf::atom("clipfail")>;
using clip_like_atom = caf::atom_constant<caf::atom("cliplike")>;
using clip_viewed_atom = caf::atom_constant<caf::atom("clipviewed")>;
using clip_delete_atom = caf::atom_constant<caf::atom("clipdelete")>;
/// (clip_render_atom, std::string job JSON) to the renderer service; no reply.
using clip_render_atom = caf::atom_constant<caf::atom("cliprender")>;

/// Clip lengths a viewer may ask for (Twitch's: 5-60 s; a live clip takes the last 30 s).
inline constexpr double min_clip_s = 5;
inline constexpr double max_clip_s = 60;
inline constexpr double default_live_clip_s = 30;
/// Longest clip title, in characters (a VOD's title may be as long: it is the default).
inline constexpr std::size_t max_clip_title_chars = 140;

/// What a renderer needs: which VOD, which range (seconds of the VOD's media time), how.
/// start_s < 0 means "relative to the end": the clip is the last duration_s seconds of what is on
/// disk when the renderer starts (a live clip; the VOD's duration the API knows is up to 30 s
/// old). The renderer clamps any range to the media it has and reports what it cut.
struct clip_job {
  std::string clip;  // clip id: 12 lower-case hex digits, like a VOD's
  std::string vod;
  double start_s = 0;
  double duration_s = 0;
  bool exact = false;  // exact trimming (re-encodes), else cut on keyframes without re-encoding
};

inline nlohmann::json to_json_value(const clip_job& job) {
  return {{"clip", job.clip},
          {"vod", job.vod},
          {"start_s", job.start_s},
          {"duration_s", job.duration_s},
          {"exact", job.exact}};
}

/// What the renderer made.
struct clip_rendered {
  double start_s = 0;     // where the clip really starts in the VOD (a keyframe when not exact)
  double duration_s = 0;  // measured from the file written
  std::uint64_t bytes = 0;
  bool keyframe_start = false;
  std::string node;  // the node that holds the file
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, clip_rendered& x) {
  return f(caf::meta::type_name("clip_rendered"), x.start_s, x.duration_s, x.bytes,
           x.keyframe_start, x.node);
}

struct clip_view {
  std::string id;
  std::string vod;
  std::string channel;
  std::string creator;
  std::string title;
  std::string state = "rendering";  // rendering | ready | failed
  std::uint32_t progress = 0;       // percent while rendering
  std::string error;                // why it failed
  double start_s = 0;
  double duration_s = 0;
  std::uint64_t bytes = 0;
  bool exact = false;
  bool live = false;  // cut from a live session
  bool keyframe_start = false;
  std::string node;
  std::uint64_t likes = 0;
  std::uint64_t views = 0;
  std::int64_t created_at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, clip_view& x) {
  return f(caf::meta::type_name("clip_view"), x.id, x.vod, x.channel, x.creator, x.title, x.state,
           x.progress, x.error, x.start_s, x.duration_s, x.bytes, x.exact, x.live, x.keyframe_start,
           x.node, x.likes, x.views, x.created_at_ms);
}

/// A clip id (runtime::random_hex(6)): 12 lower-case hex digits. Anything else never names a
/// file (ids come from URLs).
inline bool valid_clip_id(std::string_view id) {
  if (id.size() != 12)
    return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

/// Where rendered clips live on the node that rendered them.
namespace clip_files {
inline std::filesystem::path root(const std::filesystem::path& data_dir) {
  return data_dir / "clips";
}
inline std::filesystem::path file(const std::filesystem::path& data_dir, std::string_view id) {
  return root(data_dir) / (std::string{id} + ".mp4");
}
}  // namespace clip_files

/// Protocol of clip/<id>:
///  (create_atom, std::string create JSON)  -> clip_view | conflict (exists) | invalid_argument
///     {"vod","channel","owner","creator","title","start_s","duration_s","exact","live"}
///     (the route checked the VOD, the range and the caller; the entity checks the shapes)
///  (get_atom)                              -> clip_view | not_found (never made or deleted)
///  (clip_progress_atom, std::uint32_t)     -> (no reply) progress while rendering (stored in
///                                             steps of 10 %, shown exactly while active)
///  (clip_done_atom, clip_rendered)         -> (no reply) ready
///  (clip_failed_atom, std::string reason)  -> (no reply) failed
///  (update_atom, principal, patch json)    -> clip_view | forbidden | invalid_argument (title)
///     patch: {"title": 1-140 characters}; the creator, the channel's owner or the admin
///  (clip_like_atom, std::string user, bool like) -> clip_view (idempotent per user)
///  (clip_viewed_atom)                      -> std::uint64_t views
///  (clip_delete_atom, principal)           -> bool | forbidden | not_found
struct clip_protocol {
  static constexpr std::string_view kind = "clip";
  static clip_view reply_to(create_atom, std::string create);
  static clip_view reply_to(get_atom);
  static void reply_to(clip_progress_atom, std::uint32_t percent);
  static void reply_to(clip_done_atom, clip_rendered rendered);
  static void reply_to(clip_failed_atom, std::string reason);
  static clip_view reply_to(update_atom, runtime::principal who, std::string patch);
  static clip_view reply_to(clip_like_atom, std::string user, bool like);
  static std::uint64_t reply_to(clip_viewed_atom);
  static bool reply_to(clip_delete_atom, runtime::principal who);
};

void add_clip_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
