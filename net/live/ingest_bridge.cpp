#include "net/live/ingest_bridge.hpp"

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/vod/vod_files.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::live {
namespace {

using channel_ref = actors::entity_ref<actors::channel_protocol>;
// Starting a media session can take a moment (GStreamer elements are created on its actor).
constexpr auto ask_timeout = std::chrono::seconds(10);

// Forwards a publisher's bytes to its media session actor.
class media_sink final : public net::ingest::ingest_sink {
 public:
  explicit media_sink(caf::actor session) : session_(std::move(session)) {}
  ~media_sink() override { close("publisher gone"); }

  void write(std::span<const std::byte> bytes) override {
    if (!closed_)
      caf::anon_send(session_, media::media_data_atom::value,
                     media::media_chunk{
                       std::make_shared<const std::vector<std::byte>>(bytes.begin(), bytes.end())});
  }
  // Now playing: the session hands it to music/<channel> in stream order with the media.
  void metadata(net::ingest::stream_metadata meta) override {
    if (!closed_)
      caf::anon_send(session_, media::media_meta_atom::value, std::move(meta.title),
                     std::move(meta.artist), std::move(meta.album), std::move(meta.text));
  }
  void close(std::string reason) override {
    if (closed_)
      return;
    closed_ = true;
    caf::anon_send(session_, media::media_close_atom::value, std::move(reason));
  }

 private:
  caf::actor session_;
  bool closed_ = false;
};

// The VOD is of the channel as it was when it went live.
media::recording_settings recording_of(const actors::channel_view& view,
                                       const std::filesystem::path& vod_root,
                                       const std::string& node) {
  media::recording_settings settings;
  settings.vod_root = vod_root;
  auto& info = settings.info;
  info.channel = view.name;
  info.title = view.title;
  info.category = view.category;
  info.node = node;
  info.started_at_ms = view.started_at_ms;
  info.retention_days = view.vod_retention_days;
  return settings;
}

}  // namespace

ingest_bridge::ingest_bridge(caf::actor_system& sys, caf::actor registry,
                             caf::actor media_supervisor, std::filesystem::path hls_root,
                             media::hls_options hls, std::string node_id,
                             const std::filesystem::path& data_dir)
    : sys_(sys), registry_(std::move(registry)), media_supervisor_(std::move(media_supervisor)),
      hls_root_(std::move(hls_root)), hls_(hls), node_id_(std::move(node_id)),
      vod_root_(actors::vod_files::root(data_dir)) {}

void ingest_bridge::open(net::ingest::publish_request request,
                         std::function<void(net::ingest::open_result)> done) {
  auto channel = actors::channel_of_stream_key(request.stream_key);
  if (channel.empty()) {
    done({nullptr, "malformed stream key"});
    return;
  }
  auto session_id = runtime::random_hex(6);
  auto format = request.format == net::ingest::container::flv ? media::input_format::flv
                                                              : media::input_format::mpegts;
  media::media_session_config config;
  config.channel = channel;
  config.session_id = session_id;
  config.format = format;
  config.hls_root = hls_root_;
  config.hls = hls_;
  config.registry = registry_;
  config.disconnect = std::move(request.disconnect);
  // One short-lived actor runs the two steps (go live, start media) without blocking a thread.
  sys_.spawn([registry = registry_, supervisor = media_supervisor_, key = request.stream_key,
              node = node_id_, vod_root = vod_root_, config = std::move(config),
              done = std::move(done)](caf::event_based_actor* self) mutable {
    channel_ref{registry, config.channel}
      .request(self, actors::publish_begin_atom::value, key, config.session_id, node)
      .then(
        [self, registry, supervisor, config, done, vod_root,
         node](actors::channel_view& view) mutable {
          if (view.ladder_custom)
            config.ladder = view.ladder;
          if (view.record)
            config.record = recording_of(view, vod_root, node);
          auto channel = config.channel;
          auto session_id = config.session_id;
          self->request(supervisor, ask_timeout, create_atom::value, std::move(config))
            .then(
              [done](caf::actor& session) {
                done({std::make_shared<media_sink>(std::move(session)), {}});
              },
              [registry, channel, session_id, done](caf::error&) {
                // Undo the go-live so the channel does not stay live without media.
                channel_ref{registry, channel}.tell(actors::publish_end_atom::value, session_id);
                done({nullptr, "media session could not start"});
              });
        },
        [done](caf::error& err) {
          done({nullptr, message_of(err)});
        });
  });
}

}  // namespace aethex::live
