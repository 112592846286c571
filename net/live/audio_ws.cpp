#include "net/live/audio_ws.hpp"

#include <caf/all.hpp>

#include "actors/audio/audio.hpp"
#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "net/ws_media/media_socket.hpp"

namespace aethex::live {
namespace {

using audio_ref = actors::entity_ref<actors::audio_protocol>;
constexpr std::string_view ws_prefix = "/api/v1/channels/";
constexpr std::string_view ws_suffix = "/audio/ws";

// Frames are small (~700 bytes) and each stands alone: a viewer 64 KiB behind skips to the
// newest rather than hearing the past.
net::ws_media::socket_options audio_socket_options() {
  net::ws_media::socket_options options;
  options.max_queue_bytes = 64 * 1024;
  return options;
}

// One socket's subscription: the entity sends it frames, it queues them on the socket. It keeps
// the socket alive (nothing else holds it between reads) until it quits: at the session's end,
// or when the socket closes and drops the guard that holds this actor.
caf::behavior audio_listener(caf::event_based_actor* self,
                             std::shared_ptr<net::ws_media::viewer> viewer, caf::actor registry,
                             std::string channel) {
  auto end = [self, viewer](const char* why) {
    viewer->end(why);
    self->quit();
  };
  audio_ref{registry, channel}
    .request(self, actors::audio_subscribe_atom::value, caf::actor{self})
    .then(
      [end](bool live) {
        if (!live)
          end("offline");
      },
      [end](caf::error&) { end("offline"); });
  return {
    [viewer](actors::audio_frame_atom, std::string& json) {
      net::ws_media::packet p;
      p.control = std::move(json);
      p.keyframe = true;  // every frame is a point a viewer that fell behind resumes at
      viewer->push(std::move(p));
    },
    [end](actors::audio_end_atom) { end("ended"); },
  };
}

// Held by the socket: when it closes, the subscription ends (the entity sees the actor go).
class listener_guard {
 public:
  explicit listener_guard(caf::actor listener) : listener_(std::move(listener)) {}
  ~listener_guard() { caf::anon_send_exit(listener_, caf::exit_reason::user_shutdown); }
  listener_guard(const listener_guard&) = delete;
  listener_guard& operator=(const listener_guard&) = delete;

 private:
  caf::actor listener_;
};

}  // namespace

ws_module make_audio_ws(const live_context& ctx) {
  return [ctx](std::string_view path, boost::beast::tcp_stream& stream, net::http::request& req,
               const std::string& peer) {
    if (!path.starts_with(ws_prefix) || !path.ends_with(ws_suffix) ||
        path.size() <= ws_prefix.size() + ws_suffix.size())
      return false;
    std::string channel{
      path.substr(ws_prefix.size(), path.size() - ws_prefix.size() - ws_suffix.size())};
    if (!actors::valid_channel_name(channel))
      return false;
    net::ws_media::accept(
      std::move(stream), std::move(req), peer,
      [ctx, channel](std::shared_ptr<net::ws_media::viewer> viewer) {
        auto listener = ctx.sys->spawn(audio_listener, viewer, ctx.registry, channel);
        viewer->hold(std::make_shared<listener_guard>(std::move(listener)));
      },
      audio_socket_options());
    return true;
  };
}

}  // namespace aethex::live
