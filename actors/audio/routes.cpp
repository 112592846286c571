// The audio analysis over REST (docs/api.md#audio-analysis): the summary of the live session's
// audio for the channel's managers (owner, editors: the chat room's roles, as music's routes).
// The ~20 Hz frames go over the WebSocket of net/live/audio_ws.
#include "actors/audio/audio.hpp"
#include "actors/audio/internal.hpp"
#include "actors/channel/channel.hpp"
#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

void add_audio_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(
      get, "channels/{channel}/audio", access::signed_in,
      [env](route_request&& req, route_reply reply) {
        auto channel = req.param("channel");
        if (!valid_channel_name(channel))
          return reply(make_error(errc::not_found, "channel '" + channel + "' not found"));
        check_channel_role(env, req.who, channel, {"broadcaster", "editor"},
                           [env, channel, reply](caf::error err) {
                             if (err)
                               return reply(err);
                             entity_ref<audio_protocol>{env.registry, channel}
                               .ask(audio_get_atom::value)
                               .then(*env.sys, pass_json_text(reply));
                           });
      },
      "audio of the live session: levels, loudness, codec and warnings (owner, editors)")
    .scope = "channel:manage";
}

}  // namespace aethex::actors
