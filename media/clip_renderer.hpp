// The node's clip renderer: the service the clip domain publishes jobs to (service_names::
// clip_renderer, actors/clip/clip.hpp). Every member gets every job; the one that holds the
// VOD's recording renders it on one worker thread, so a burst of clips queues (bounded) instead
// of taking every core live streams need, and reports progress and the result to clip/<id>.
#pragma once

#include <filesystem>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::media {

/// Messages: (publish_atom, topic, payload) with payload either a clip_job as JSON (rendered
/// when <data>/vod/<vod>/ is on this node) or {"delete": clip id} (its file removed when here).
/// At most `max_pending` jobs wait; more are reported failed ("busy").
caf::actor spawn_clip_renderer(caf::actor_system& sys, caf::actor registry,
                               std::filesystem::path data_dir, std::string node_id,
                               std::size_t max_pending = 32);

}  // namespace aethex::media
