// A live session's audio side (docs/music.md, "Stream metadata and audio analysis"): what the
// stream's metadata says plays now goes to music/<channel>; the audio analysis runs while the
// channel is in DJ mode and its frames and summary go to audio/<channel>, from where every
// node's WebSocket viewers get them. Owned by the media session; called on its thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "media/audio_analyzer.hpp"
#include "media/audio_metadata.hpp"
#include "media/elementary.hpp"

namespace aethex::media {

class session_audio {
 public:
  session_audio(caf::actor registry, std::string channel);
  ~session_audio();  // the analysis stops; audio/<channel> hears the session ended
  session_audio(const session_audio&) = delete;
  session_audio& operator=(const session_audio&) = delete;

  /// Every demuxed event, before the copy path takes it (audio configurations and frames).
  void on_event(const demux_event& event);
  /// Now-playing metadata from the stream (RTMP onMetaData/onTextData, MPEG-TS ID3).
  void on_tags(const stream_tags& tags);
  /// Every second: the summary to audio/<channel>.
  void tick();
  /// The channel is in DJ mode (the media session asked music/<channel>): levels, spectrum and
  /// loudness are measured from now on.
  void start_analysis() { analyzer_->start_analysis(); }

 private:
  caf::actor registry_;
  std::string channel_;
  std::unique_ptr<audio_analyzer> analyzer_;
  bool has_audio_ = false;
};

}  // namespace aethex::media
