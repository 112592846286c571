// A live session's recording: the media session hands it every unit it publishes; it writes
// them with a vod_recorder, has the poster made from an early keyframe, and keeps vod/<id>
// (actors/vod) told what it holds — at the start, every 30 s and at the end. A node that stopped
// while recording finalises those recordings when it starts again (recover_recordings).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/vod/vod.hpp"
#include "media/elementary.hpp"
#include "media/live_remuxer.hpp"

namespace aethex::media {

class thumbnailer;
class vod_recorder;

/// What a session records into, and what the VOD is of.
struct recording_settings {
  std::filesystem::path vod_root;  // actors/vod/vod_files.hpp: root(<data>); the VOD is <root>/<id>
  actors::vod_recording info;      // channel, title, category, node, retention, start
};

class session_recording {
 public:
  /// Starts recording VOD `vod_id`; a folder that cannot be written leaves the session
  /// unrecorded (logged by the caller through `error()`).
  session_recording(caf::actor_system& sys, caf::actor registry, std::string vod_id,
                    recording_settings settings, std::shared_ptr<thumbnailer> thumbnails);
  ~session_recording();
  session_recording(const session_recording&) = delete;
  session_recording& operator=(const session_recording&) = delete;

  /// The units the session is about to publish (init and fragments are recorded).
  void on_units(const std::vector<remux_unit>& units);
  /// A video keyframe and its decoder configuration: the first ones make the poster.
  void on_keyframe(const std::shared_ptr<const byte_vector>& avcc, const byte_vector& access_unit);
  /// Once a second: reports the figures to the VOD every 30 s.
  void tick();
  /// The end of the session: closes the recording and reports it finished. Idempotent.
  void finish();

  bool recording() const;
  /// Why the recording stopped or never started (empty while it runs or ended normally).
  const std::string& error() const { return error_; }

 private:
  void report(bool finished);

  caf::actor_system& sys_;
  caf::actor registry_;
  std::string vod_id_;
  recording_settings settings_;
  std::shared_ptr<thumbnailer> thumbnails_;
  std::unique_ptr<vod_recorder> recorder_;
  std::string error_;
  unsigned ticks_ = 0;
  bool poster_done_ = false;
  bool finished_ = false;
};

/// Finalises the recordings under `data_dir` that a stopped node left unfinished and reports
/// each to its VOD (created from the recording's meta file when the VOD never heard of it).
/// Returns how many it finalised; their thumbnail strips are queued on `thumbnails`. Runs at
/// node start, before any session records.
std::size_t recover_recordings(caf::actor_system& sys, const caf::actor& registry,
                               const std::filesystem::path& data_dir,
                               const std::shared_ptr<thumbnailer>& thumbnails);

}  // namespace aethex::media
