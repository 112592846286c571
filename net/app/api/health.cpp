// /api/v1/channels/{name}/health: the live session's ingest health (bitrate, fps, keyframe
// interval, dropped/late frames, codecs), as last reported by its media actor.
#include <boost/beast/http/verb.hpp>

#include "actors/channel.hpp"
#include "net/app/actor_bridge.hpp"
#include "net/app/api/api.hpp"

namespace aethex::app::api {
namespace {

json health_json(const actors::stream_health& h) {
  return json{{"session", h.session_id},
              {"updated_at_ms", h.updated_at_ms},
              {"bitrate_kbps", h.bitrate_kbps},
              {"fps", static_cast<double>(h.fps_milli) / 1000.0},
              {"keyframe_interval_ms", h.keyframe_interval_ms},
              {"dropped_frames", h.dropped_frames},
              {"late_frames", h.late_frames},
              {"video_codec", h.video_codec},
              {"audio_codec", h.audio_codec},
              {"width", h.width},
              {"height", h.height},
              {"ws_viewers", h.ws_viewers}};
}

}  // namespace

void add_health_routes(route_table& routes, const http_context& ctx) {
  routes.push_back([ctx](const api_request& req, net::http::respond_fn& respond) {
    auto& seg = req.segments;
    if (seg.size() != 3 || seg[0] != "channels" || seg[2] != "health" ||
        req.http.method() != boost::beast::http::verb::get)
      return false;
    std::string name{seg[1]};
    if (!actors::valid_channel_name(name)) {
      respond(net::http::error_response(404, "not_found", "channel not found"));
      return true;
    }
    ask_entity<actors::stream_health>(
      *ctx.sys, ctx.registry, "channel", name, caf::make_message(actors::health_atom::value),
      [respond](caf::expected<actors::stream_health> health) {
        respond(health ? net::http::json_response(200, health_json(*health).dump())
                       : error_from(health.error()));
      });
    return true;
  });
}

}  // namespace aethex::app::api
