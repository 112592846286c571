// Connects ingest providers (RTMP, SRT) to the actors: a publish asks channel/<name> to go live
// with the key, then starts a media session that receives the provider's bytes by message (and
// records them when the channel records its streams).
#pragma once

#include <filesystem>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "media/media_session.hpp"
#include "net/ingest/ingest_handler.hpp"

namespace aethex::live {

class ingest_bridge : public net::ingest::ingest_handler {
 public:
  ingest_bridge(caf::actor_system& sys, caf::actor registry, caf::actor media_supervisor,
                std::filesystem::path hls_root, media::hls_options hls, std::string node_id,
                const std::filesystem::path& data_dir);
  void open(net::ingest::publish_request request,
            std::function<void(net::ingest::open_result)> done) override;

 private:
  caf::actor_system& sys_;
  caf::actor registry_;
  caf::actor media_supervisor_;
  std::filesystem::path hls_root_;
  media::hls_options hls_;
  std::string node_id_;             // recorded with go-live so other nodes can find the media
  std::filesystem::path vod_root_;  // where sessions of channels that record are recorded
};

}  // namespace aethex::live
