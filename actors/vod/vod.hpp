// vod/<id>: one recorded live session (its id is the publish session's id), and the files of
// it under <data>/vod/<id>/ on the node that recorded it (vod_files.hpp names them).
//
// The media session of a live stream records it (media/vod_recorder.hpp) and reports with
// (vod_record_atom, vod_recording): once when recording starts, now and then while it runs, and
// with `finished` at the end. A node that restarts after a crash finalises what it finds
// unfinished on disk and reports it the same way (with `recovered`), so the report is an
// upsert: the first one creates the VOD, the figures of later ones replace the earlier ones,
// and a finished VOD stays finished.
//
// Events: vod.recorded {channel, title, category, node, started_at_ms, retention_days},
// vod.progressed {duration_ms, bytes}, vod.finished {duration_ms, bytes, recovered},
// vod.renamed {title}, vod.privacy_changed {privacy}, vod.viewed {}, vod.deleted {by}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/principal.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using vod_record_atom = caf::atom_constant<caf::atom("vodrecord")>;
using vod_viewed_atom = caf::atom_constant<caf::atom("vodviewed")>;
using vod_delete_atom = caf::atom_constant<caf::atom("voddelete")>;

/// Who may see a VOD. `subscribers` is a placeholder until subscriptions exist: only the owner
/// (and the admin) see it, as for `private`.
namespace vod_privacy {
inline constexpr std::string_view everyone = "public";
inline constexpr std::string_view followers = "followers";
inline constexpr std::string_view subscribers = "subscribers";
inline constexpr std::string_view owner_only = "private";
}  // namespace vod_privacy

/// Days a channel's VODs are kept unless it chooses otherwise (Twitch's default for affiliates).
inline constexpr std::uint32_t default_vod_retention_days = 14;

/// What the recorder knows about its recording.
struct vod_recording {
  std::string channel;
  std::string title;     // the channel's title when the session went live
  std::string category;  // likewise
  std::string node;      // the node that holds the files
  std::int64_t started_at_ms = 0;
  std::uint32_t retention_days = default_vod_retention_days;
  std::int64_t duration_ms = 0;
  std::uint64_t bytes = 0;  // on disk
  bool finished = false;
  bool recovered = false;  // finalised at a restart after the node stopped while recording
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vod_recording& x) {
  return f(caf::meta::type_name("vod_recording"), x.channel, x.title, x.category, x.node,
           x.started_at_ms, x.retention_days, x.duration_ms, x.bytes, x.finished, x.recovered);
}

/// A VOD as its routes show it.
struct vod_view {
  std::string id;
  std::string channel;
  std::string title;
  std::string category;
  std::string node;
  std::int64_t started_at_ms = 0;
  std::int64_t duration_ms = 0;
  std::uint64_t bytes = 0;
  std::string privacy{vod_privacy::everyone};
  std::string state = "recording";  // recording | ready
  std::uint64_t views = 0;
  std::int64_t expires_at_ms = 0;  // started_at + retention (deleted then with its files)
  bool recovered = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vod_view& x) {
  return f(caf::meta::type_name("vod_view"), x.id, x.channel, x.title, x.category, x.node,
           x.started_at_ms, x.duration_ms, x.bytes, x.privacy, x.state, x.views, x.expires_at_ms,
           x.recovered);
}

/// Protocol of vod/<id>:
///  (vod_record_atom, vod_recording)     -> vod_view (creates, updates or finishes; once
///                                          finished, later reports change nothing)
///  (get_atom)                           -> vod_view | not_found (never recorded or deleted)
///  (update_atom, principal, patch json) -> vod_view | forbidden | invalid_argument
///     patch keys: title (1-140 characters), privacy (public | followers | subscribers | private)
///  (vod_viewed_atom)                    -> std::uint64_t views (counted once per call)
///  (vod_delete_atom, principal)         -> bool true | forbidden | not_found
/// The principal's ownership is the channel's: the caller checks it (owner routes) before
/// sending; the entity refuses nothing on its own for the admin, and only guests and the
/// anonymous principal (forbidden) for everyone else.
struct vod_protocol {
  static constexpr std::string_view kind = "vod";
  static vod_view reply_to(vod_record_atom, vod_recording recording);
  static vod_view reply_to(get_atom);
  static vod_view reply_to(update_atom, runtime::principal who, std::string patch);
  static std::uint64_t reply_to(vod_viewed_atom);
  static bool reply_to(vod_delete_atom, runtime::principal who);
};

void add_vod_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock = runtime::system_clock());

/// One of the four vod_privacy values.
bool valid_vod_privacy(std::string_view privacy);
/// When a VOD started at `started_at_ms` and kept `retention_days` is deleted.
std::int64_t vod_expiry_ms(std::int64_t started_at_ms, std::uint32_t retention_days);

}  // namespace aethex::actors
