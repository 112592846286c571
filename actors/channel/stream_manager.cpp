// The stream manager's routes (owner): where to send the stream (this member's ingest URLs),
// ending the live session from the dashboard, and the session's health over time with the
// warnings a creator should act on.
#include "actors/channel/channel.hpp"
#include "actors/channel/internal.hpp"
#include "actors/core/entity_ref.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using channel_ref = entity_ref<channel_protocol>;

// A keyframe interval over 4 s makes HLS segments (and the viewer's wait to start) long.
constexpr std::int64_t max_keyframe_interval_ms = 4'000;
// A bitrate under half of the last minute's average, when that average was worth watching.
constexpr double bitrate_drop_ratio = 0.5;
constexpr std::uint64_t bitrate_floor_kbps = 200;
constexpr std::size_t bitrate_window = 12;  // samples: one minute at 5 s

// The host publishers reach this member at: the advertised HTTP endpoint without its port.
std::string ingest_host(const node_env& env) {
  const auto& endpoint = env.http_endpoint;
  if (endpoint.empty())
    return "127.0.0.1";
  if (endpoint.front() == '[')  // "[v6]:port"
    return endpoint.substr(0, endpoint.find(']') + 1);
  return endpoint.substr(0, endpoint.rfind(':'));
}

void ingest(const node_env& env, route_request&&, route_reply reply) {
  auto host = ingest_host(env);
  auto rtmp = env.config ? env.config->rtmp_port : 0;
  auto srt = env.config ? env.config->srt_port : 0;
  json body{{"host", host}, {"rtmp_port", rtmp}, {"srt_port", srt}};
  // The stream key completes both: after "/live/" for RTMP (OBS: the "Stream Key" field), as
  // the SRT streamid.
  body["rtmp_url"] = rtmp ? json("rtmp://" + host + ":" + std::to_string(rtmp) + "/live") : json();
  body["srt_url"] = srt ? json("srt://" + host + ":" + std::to_string(srt) + "?streamid=") : json();
  reply(route_response::json(200, body));
}

void end_stream(const node_env& env, route_request&& req, route_reply reply) {
  bool rotate = false;
  if (!req.body.empty()) {
    auto body = req.json_object();
    if (!body)
      return reply(body.error());
    if (auto err = only_fields(*body, {"rotate_key"}))
      return reply(err);
    if (body->contains("rotate_key")) {
      if (!(*body)["rotate_key"].is_boolean())
        return reply(make_error(errc::invalid_argument, "'rotate_key' must be true or false"));
      rotate = (*body)["rotate_key"].get<bool>();
    }
  }
  auto channel = req.param("channel");
  channel_ref{env.registry, channel}
    .ask(end_stream_atom::value, req.who, rotate)
    .then(*env.sys, [env, channel, reply](caf::expected<stream_ending> ending) {
      if (!ending)
        return reply(ending.error());
      json body{{"ended", !ending->session.empty()}};
      if (!ending->session.empty())
        env.publish(std::string{service_names::end_stream},
                    json{{"channel", channel}, {"session", ending->session}}.dump());
      if (!ending->stream_key.empty())
        body["stream_key"] = ending->stream_key;
      reply(route_response::json(200, body));
    });
}

json sample_json(const health_sample& s) {
  return json{{"t", s.t_ms},
              {"bitrate_kbps", s.bitrate_kbps},
              {"fps", static_cast<double>(s.fps_milli) / 1000.0},
              {"keyframe_interval_ms", s.keyframe_interval_ms},
              {"dropped_frames", s.dropped_frames},
              {"late_frames", s.late_frames},
              {"viewers", s.viewers}};
}

}  // namespace

json health_warnings(std::span<const health_sample> samples) {
  json warnings = json::array();
  auto warn = [&](std::int64_t t, const char* kind, std::string message) {
    warnings.push_back(json{{"t", t}, {"kind", kind}, {"message", std::move(message)}});
  };
  double window_sum = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& s = samples[i];
    const auto* before = i > 0 ? &samples[i - 1] : nullptr;
    // Once per run of long intervals, not on every sample of it.
    if (s.keyframe_interval_ms > max_keyframe_interval_ms &&
        (!before || before->keyframe_interval_ms <= max_keyframe_interval_ms))
      warn(s.t_ms, "keyframe_interval",
           "keyframe interval " + std::to_string(s.keyframe_interval_ms / 1000.0).substr(0, 4) +
             " s: set it to 2 s in the encoder (at most 4 s)");
    if (i >= bitrate_window) {
      auto average = window_sum / bitrate_window;
      if (average >= bitrate_floor_kbps && s.bitrate_kbps < average * bitrate_drop_ratio &&
          before && before->bitrate_kbps >= average * bitrate_drop_ratio)
        warn(s.t_ms, "bitrate_drop",
             "bitrate fell to " + std::to_string(s.bitrate_kbps) + " kbps from about " +
               std::to_string(static_cast<std::uint64_t>(average)) +
               " kbps: the connection to the server may be struggling");
      window_sum -= static_cast<double>(samples[i - bitrate_window].bitrate_kbps);
    }
    window_sum += static_cast<double>(s.bitrate_kbps);
    if (before && s.dropped_frames > before->dropped_frames)
      warn(s.t_ms, "dropped_frames",
           std::to_string(s.dropped_frames - before->dropped_frames) +
             " frames dropped by the encoder or the network");
  }
  return warnings;
}

void add_stream_manager_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(get, "channels/{channel}/ingest", access::owner, with_env(env, ingest),
             "where to publish: this member's RTMP and SRT URLs (the stream key goes last)");
  routes.add(post, "channels/{channel}/stream/end", access::owner, with_env(env, end_stream),
             "end the live session now (the publisher is disconnected); {\"rotate_key\": true} "
             "also gives the channel a new stream key");
  routes.add(get, "channels/{channel}/health/history", access::owner,
             with_env(env,
                      [](const node_env& env, route_request&& req, route_reply reply) {
                        channel_ref{env.registry, req.param("channel")}
                          .ask(health_history_atom::value, req.who)
                          .then(*env.sys, [reply](caf::expected<health_history> history) {
                            if (!history)
                              return reply(history.error());
                            json samples = json::array();
                            for (const auto& s : history->samples)
                              samples.push_back(sample_json(s));
                            reply(route_response::json(
                              200, json{{"session", history->session},
                                        {"samples", std::move(samples)},
                                        {"warnings", health_warnings(history->samples)}}));
                          });
                      }),
             "the live session's health every 5 s over the last hour, with warnings");
}

}  // namespace aethex::actors
