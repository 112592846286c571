#include "media/audio_session.hpp"

#include <caf/all.hpp>

#include "actors/audio/audio.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/music/music.hpp"

namespace aethex::media {
namespace {

using audio_ref = actors::entity_ref<actors::audio_protocol>;
using music_ref = actors::entity_ref<actors::music_protocol>;

}  // namespace

session_audio::session_audio(caf::actor registry, std::string channel)
    : registry_(std::move(registry)), channel_(std::move(channel)) {
  // Frames leave from the analysis worker's thread straight to the entity (anon_send is
  // thread-safe): the media session's mailbox never carries them.
  analyzer_ = std::make_unique<audio_analyzer>([ref = audio_ref{registry_,
                                                                channel_}](std::string json) {
    ref.tell(actors::audio_frame_atom::value, std::move(json));
  });
}

session_audio::~session_audio() {
  analyzer_.reset();  // joins the worker: no frame follows the end
  if (has_audio_)
    audio_ref{registry_, channel_}.tell(actors::audio_end_atom::value);
}

void session_audio::on_event(const demux_event& event) {
  if (auto* config = std::get_if<audio_config>(&event)) {
    analyzer_->configure(config->asc);
    has_audio_ = true;
  } else if (auto* frame = std::get_if<media_frame>(&event);
             frame && frame->kind == track_kind::audio) {
    analyzer_->push(*frame);
  }
}

void session_audio::on_tags(const stream_tags& tags) {
  if (tags.title.empty())
    return;
  // The entity takes it only in DJ mode and ignores a repeat of what plays now.
  music_ref{registry_, channel_}.tell(actors::music_metadata_atom::value, tags.title, tags.artist,
                                      tags.album);
}

void session_audio::tick() {
  if (has_audio_)
    audio_ref{registry_, channel_}.tell(actors::audio_summary_atom::value, analyzer_->summary());
}

}  // namespace aethex::media
