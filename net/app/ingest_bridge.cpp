#include "net/app/ingest_bridge.hpp"


#include "actors/channel.hpp"
#include "net/app/actor_bridge.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::app {
namespace {

// Forwards a publisher's bytes to its media session actor.
class media_sink final : public net::ingest::ingest_sink {
 public:
  explicit media_sink(caf::actor session) : session_(std::move(session)) {}
  ~media_sink() override { close("publisher gone"); }

  void write(std::span<const std::byte> bytes) override {
    if (!closed_)
      caf::anon_send(session_, media::media_data_atom::value,
                     media::media_chunk{std::make_shared<const std::vector<std::byte>>(
                       bytes.begin(), bytes.end())});
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

}  // namespace

ingest_bridge::ingest_bridge(caf::actor_system& sys, caf::actor registry,
                             caf::actor media_supervisor, std::filesystem::path hls_root,
                             media::hls_options hls, std::string node_id)
    : sys_(sys), registry_(std::move(registry)), media_supervisor_(std::move(media_supervisor)),
      hls_root_(std::move(hls_root)), hls_(hls), node_id_(std::move(node_id)) {}

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
  media::media_session_config config{channel, session_id, format, hls_root_, hls_, registry_};
  auto begin = caf::make_message(actors::publish_begin_atom::value, request.stream_key, session_id,
                                 node_id_);
  // One short-lived actor runs the two steps (go live, start media) without blocking a thread.
  sys_.spawn([registry = registry_, supervisor = media_supervisor_, begin = std::move(begin),
              config = std::move(config),
              done = std::move(done)](caf::event_based_actor* self) mutable {
    self->request(registry, ask_timeout, route_atom::value, std::string{"channel"}, config.channel,
                  std::move(begin))
      .then(
        [self, registry, supervisor, config, done](actors::channel_view&) mutable {
          auto channel = config.channel;
          auto session_id = config.session_id;
          self->request(supervisor, ask_timeout, create_atom::value, std::move(config))
            .then(
              [done](caf::actor& session) {
                done({std::make_shared<media_sink>(std::move(session)), {}});
              },
              [registry, channel, session_id, done](caf::error&) {
                // Undo the go-live so the channel does not stay live without media.
                caf::anon_send(registry, route_atom::value, std::string{"channel"}, channel,
                               caf::make_message(actors::publish_end_atom::value, session_id));
                done({nullptr, "media session could not start"});
              });
        },
        [done](caf::error& err) { done({nullptr, message_of(err)}); });
  });
}

}  // namespace aethex::app
