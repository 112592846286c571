// Clips over REST. Making one checks, in order: the body, the caller's pace (clips_per_minute),
// then the source — a VOD the caller may see (the vod domain's rule, actors/vod/vod_access.hpp)
// and a range inside it, or a live channel that records, whose running session is the VOD —
// and only then writes clip/<id> and hands the job to the renderers (202: it renders in
// the background; GET clips/{id} shows the progress). A clip itself is public, as on Twitch.
#include <algorithm>
#include <cmath>
#include <memory>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/clip/clip.hpp"
#include "actors/clip/clip_read_model.hpp"
#include "actors/clip/internal.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_access.hpp"
#include "runtime/errors.hpp"
#include "runtime/limits.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using clip_ref = entity_ref<clip_protocol>;
using vod_ref = entity_ref<vod_protocol>;
using channel_ref = entity_ref<channel_protocol>;

constexpr std::size_t default_page = 20;
constexpr std::size_t max_page = 100;
// The recorder reports a VOD's duration every 30 s; a range may end this far past the last one.
constexpr double range_slack_s = 0.5;

caf::error no_clip() { return make_error(errc::not_found, "clip not found"); }
caf::error no_vod() { return make_error(errc::not_found, "VOD not found"); }

// A number field: nullopt when absent, an error when not a finite number.
caf::expected<std::optional<double>> number_field(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end())
    return std::optional<double>{};
  if (!it->is_number() || !std::isfinite(it->get<double>()))
    return make_error(errc::invalid_argument, std::string{"'"} + key + "' must be a number");
  return std::optional<double>{it->get<double>()};
}

std::string seconds_text(double s) {
  auto tenths = std::llround(s * 10);
  return std::to_string(tenths / 10) + "." + std::to_string(std::abs(tenths % 10)) + " s";
}

// What a valid request asks for, before its source is looked up.
struct clip_request {
  std::string vod;      // a VOD clip
  std::string channel;  // a live clip
  double start_s = 0;
  double duration_s = default_live_clip_s;
  std::optional<std::string> title;
  bool exact = false;
};

caf::expected<clip_request> parse_request(const route_request& req) {
  auto body = req.json_object();
  if (!body)
    return body.error();
  clip_request r;
  auto duration = number_field(*body, "duration_s");
  if (!duration)
    return duration.error();
  auto title = string_field(*body, "title", false);
  if (!title)
    return title.error();
  r.title = *title;
  if (r.title) {
    auto chars = utf8_length(*r.title);
    if (chars < 1 || chars > max_clip_title_chars)
      return make_error(errc::invalid_argument, "title must be 1-140 characters");
  }
  if (body->contains("vod") == body->contains("channel"))
    return make_error(errc::invalid_argument,
                      "a clip is of a VOD ({\"vod\", \"start_s\", \"duration_s\"}) or of a live "
                      "channel ({\"channel\"}): give one of them");
  if (body->contains("vod")) {
    if (auto err = only_fields(*body, {"vod", "start_s", "duration_s", "title", "exact"}))
      return err;
    auto vod = string_field(*body, "vod", true);
    if (!vod)
      return vod.error();
    r.vod = **vod;
    auto start = number_field(*body, "start_s");
    if (!start)
      return start.error();
    if (!*start || **start < 0)
      return make_error(errc::invalid_argument, "'start_s' must be a number >= 0");
    r.start_s = **start;
    if (!*duration)
      return make_error(errc::invalid_argument, "'duration_s' is required for a VOD clip");
    if (auto it = body->find("exact"); it != body->end()) {
      if (!it->is_boolean())
        return make_error(errc::invalid_argument, "'exact' must be true or false");
      r.exact = it->get<bool>();
    }
  } else {
    if (auto err = only_fields(*body, {"channel", "duration_s", "title"}))
      return err;
    auto channel = string_field(*body, "channel", true);
    if (!channel)
      return channel.error();
    r.channel = **channel;
  }
  if (*duration)
    r.duration_s = **duration;
  if (r.duration_s < min_clip_s || r.duration_s > max_clip_s)
    return make_error(errc::invalid_argument, "'duration_s' must be 5-60 seconds");
  return r;
}

// The last step of making a clip: clip/<id>, then the renderers' job, then 202.
void create_clip(const node_env& env, json create, clip_job job, route_reply reply) {
  auto id = runtime::random_hex(6);
  job.clip = id;
  clip_ref{env.registry, id}
    .ask(create_atom::value, create.dump())
    .then(*env.sys, [env, job, reply](caf::expected<clip_view> made) {
      if (!made)
        return reply(made.error());
      env.read_models_changed();
      env.publish(std::string{service_names::clip_renderer}, to_json_value(job).dump());
      reply(route_response::json(202, clip_json(*made)));
    });
}

json create_json(const runtime::principal& who, const vod_view& vod, const channel_view& channel,
                 const clip_request& r, double start_s, bool live) {
  auto title = r.title ? *r.title : vod.title;
  if (title.empty())
    title = "Clip of " + channel.name;
  return json{{"vod", vod.id},
              {"channel", channel.name},
              {"owner", channel.owner_is_admin ? std::string{} : channel.owner},
              {"creator", who.is_admin() ? std::string{"admin"} : who.name},
              {"title", title},
              {"start_s", start_s},
              {"duration_s", r.duration_s},
              {"exact", r.exact},
              {"live", live}};
}

// A clip of a VOD: the VOD, its channel (owner, visibility), the range inside what is recorded.
void clip_of_vod(const node_env& env, const runtime::principal& who, clip_request r,
                 route_reply reply) {
  if (!valid_clip_id(r.vod))  // VOD ids have the same shape
    return reply(no_vod());
  vod_ref{env.registry, r.vod}
    .ask(get_atom::value)
    .then(*env.sys, [env, who, r, reply](caf::expected<vod_view> vod) {
      if (!vod)
        return reply(vod.error());
      channel_ref{env.registry, vod->channel}
        .ask(get_atom::value)
        .then(*env.sys, [env, who, r, reply, vod = *vod](caf::expected<channel_view> channel) {
          if (!channel)  // a VOD of a channel that is gone is nobody's to clip
            return reply(code_of(channel.error()) == errc::not_found ? no_vod() : channel.error());
          vod_visible(env, who, vod, *channel,
                      [env, who, r, reply, vod, channel = *channel](caf::expected<bool> visible) {
                        if (!visible)
                          return reply(visible.error());
                        if (!*visible)
                          return reply(no_vod());
                        auto length_s = static_cast<double>(vod.duration_ms) / 1000.0;
                        if (r.start_s + r.duration_s > length_s + range_slack_s)
                          return reply(make_error(
                            errc::invalid_argument,
                            "the clip ends at " + seconds_text(r.start_s + r.duration_s) +
                              ", after the end of the VOD (" + seconds_text(length_s) + ")"));
                        clip_job job{{}, vod.id, r.start_s, r.duration_s, r.exact};
                        create_clip(env, create_json(who, vod, channel, r, r.start_s, false), job,
                                    reply);
                      });
        });
    });
}

// A clip of a live stream: the last duration_s seconds of its running session's VOD.
void clip_of_live(const node_env& env, const runtime::principal& who, clip_request r,
                  route_reply reply) {
  if (!valid_channel_name(r.channel))
    return reply(make_error(errc::not_found, "channel not found"));
  channel_ref{env.registry, r.channel}
    .ask(get_atom::value)
    .then(*env.sys, [env, who, r, reply](caf::expected<channel_view> channel) {
      if (!channel)
        return reply(channel.error());
      if (!channel->live)
        return reply(make_error(errc::conflict, channel->name +
                                                  " is offline: live clips are cut from a "
                                                  "live stream"));
      if (!channel->record)
        return reply(make_error(errc::conflict, channel->name +
                                                  " does not record its streams, so it cannot "
                                                  "be clipped live"));
      vod_ref{env.registry, channel->session_id}
        .ask(get_atom::value)
        .then(*env.sys, [env, who, r, reply, channel = *channel](caf::expected<vod_view> vod) {
          if (!vod && code_of(vod.error()) == errc::not_found)
            return reply(make_error(errc::conflict,
                                    "the recording of this stream has not started yet: try "
                                    "again in a few seconds"));
          if (!vod)
            return reply(vod.error());
          vod_visible(env, who, *vod, channel,
                      [env, who, r, reply, vod = *vod, channel](caf::expected<bool> visible) {
                        // The stream is public; only its recording is not: say so.
                        if (visible ? !*visible : code_of(visible.error()) == errc::not_found)
                          return reply(make_error(
                            errc::forbidden,
                            channel.name + " keeps its recordings to " +
                              (vod.privacy == vod_privacy::followers ? "its followers" : "itself") +
                              ": it cannot be clipped by you"));
                        if (!visible)
                          return reply(visible.error());
                        auto length_s = static_cast<double>(vod.duration_ms) / 1000.0;
                        auto start_s = std::max(0.0, length_s - r.duration_s);
                        // -1: the renderer takes the last duration_s seconds on disk when it
                        // starts (the duration above is up to 30 s old).
                        clip_job job{{}, vod.id, -1, r.duration_s, false};
                        create_clip(env, create_json(who, vod, channel, r, start_s, true), job,
                                    reply);
                      });
        });
    });
}

void post_clip(const node_env& env, runtime::window_limiter& pace, route_request&& req,
               route_reply reply) {
  auto r = parse_request(req);
  if (!r)
    return reply(r.error());
  if (!req.who.is_admin())
    if (auto wait = pace.admit(req.who.name); wait > 0)
      return reply(make_error(errc::rate_limited,
                              "you are making clips too fast: at most " +
                                std::to_string(clips_per_minute) + " per minute",
                              {}, wait));
  if (!r->vod.empty())
    clip_of_vod(env, req.who, std::move(*r), std::move(reply));
  else
    clip_of_live(env, req.who, std::move(*r), std::move(reply));
}

void get_clip(const node_env& env, route_request&& req, route_reply reply) {
  const auto& id = req.param("id");
  if (!valid_clip_id(id))
    return reply(no_clip());
  clip_ref{env.registry, id}
    .ask(get_atom::value)
    .then(*env.sys, answer<clip_view>(reply, clip_json));
}

void patch_clip(const node_env& env, route_request&& req, route_reply reply) {
  const auto& id = req.param("id");
  if (!valid_clip_id(id))
    return reply(no_clip());
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  // The entity checks who may (creator, channel owner, admin) and the title.
  clip_ref{env.registry, id}
    .ask(update_atom::value, req.who, body->dump())
    .then(*env.sys, [env, reply](caf::expected<clip_view> changed) {
      if (!changed)
        return reply(changed.error());
      env.read_models_changed();
      reply(route_response::json(200, clip_json(*changed)));
    });
}

void delete_clip(const node_env& env, route_request&& req, route_reply reply) {
  const auto& id = req.param("id");
  if (!valid_clip_id(id))
    return reply(no_clip());
  clip_ref{env.registry, id}
    .ask(clip_delete_atom::value, req.who)
    .then(*env.sys, [env, reply, id](caf::expected<bool> deleted) {
      if (!deleted)
        return reply(deleted.error());
      env.read_models_changed();
      // The member that holds the file removes it (and drops the job if it still renders).
      env.publish(std::string{service_names::clip_renderer}, clip_delete_payload(id));
      reply(route_response::json(200, json{{"deleted", true}}));
    });
}

route_handler like_clip(const node_env& env, bool like) {
  return [env, like](route_request&& req, route_reply reply) {
    const auto& id = req.param("id");
    if (!valid_clip_id(id))
      return reply(no_clip());
    clip_ref{env.registry, id}
      .ask(clip_like_atom::value, req.who.name, like)
      .then(*env.sys, [env, reply, like](caf::expected<clip_view> clip) {
        if (!clip)
          return reply(clip.error());
        env.read_models_changed();
        auto j = clip_json(*clip);
        j["liked"] = like;
        reply(route_response::json(200, j));
      });
  };
}

void count_view(const node_env& env, route_request&& req, route_reply reply) {
  const auto& id = req.param("id");
  if (!valid_clip_id(id))
    return reply(no_clip());
  clip_ref{env.registry, id}
    .ask(clip_viewed_atom::value)
    .then(*env.sys, [env, reply](caf::expected<std::uint64_t> views) {
      if (!views)
        return reply(views.error());
      env.read_models_changed();
      reply(route_response::json(200, json{{"views", *views}}));
    });
}

// Rows from every member, merged: sorted by `before`, the first `limit` as clips.
template <class Before>
void answer_rows(caf::expected<std::vector<json>>& rows, std::size_t limit, Before before,
                 const route_reply& reply, bool with_score) {
  if (!rows)
    return reply(rows.error());
  std::sort(rows->begin(), rows->end(), before);
  json list = json::array();
  for (std::size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto item = clip_json(clip_of_row((*rows)[i]));
    if (with_score)
      item["score"] = (*rows)[i].value("score", 0.0);
    list.push_back(std::move(item));
  }
  reply(route_response::json(200, json{{"clips", list}}));
}

// A channel's clips: ready ones for everyone; the owner (and the admin) also sees the clips
// still rendering and those that failed (the clips dashboard): the route runs with_caller.
void channel_clips_route(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  auto sort = req.query_param("sort").value_or("recent");
  if (sort != "recent" && sort != "top")
    return reply(make_error(errc::invalid_argument, "sort must be recent or top"));
  auto limit = req.number_param("limit", default_page, 1, max_page);
  if (!limit)
    return reply(limit.error());
  channel_ref{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys,
          [env, who = req.who, sort, limit = *limit, reply](caf::expected<channel_view> view) {
            if (!view)
              return reply(view.error());
            json args{{"channel", view->name},
                      {"sort", sort},
                      {"limit", limit},
                      {"all_states", owns_channel(who, *view)}};
            env.query(std::string{clip_queries::channel}, std::move(args),
                      [sort, limit, reply](caf::expected<std::vector<json>> rows) {
                        auto recent = [](const json& a, const json& b) {
                          return std::tuple{a["created_at_ms"], a["id"]} >
                                 std::tuple{b["created_at_ms"], b["id"]};
                        };
                        auto top = [recent](const json& a, const json& b) {
                          if (a["likes"] != b["likes"])
                            return a["likes"] > b["likes"];
                          if (a["views"] != b["views"])
                            return a["views"] > b["views"];
                          return recent(a, b);
                        };
                        if (sort == "top")
                          answer_rows(rows, limit, top, reply, false);
                        else
                          answer_rows(rows, limit, recent, reply, false);
                      });
          });
}

void trending(const node_env& env, route_request&& req, route_reply reply) {
  if (req.query_param("sort").value_or("trending") != "trending")
    return reply(make_error(errc::invalid_argument, "sort must be trending"));
  auto limit = req.number_param("limit", default_page, 1, max_page);
  if (!limit)
    return reply(limit.error());
  json args{{"now_ms", env.clock->now_ms()}, {"limit", *limit}};
  env.query(std::string{clip_queries::trending}, std::move(args),
            [limit = *limit, reply](caf::expected<std::vector<json>> rows) {
              answer_rows(
                rows, limit,
                [](const json& a, const json& b) {
                  return std::tuple{a.value("score", 0.0), a["created_at_ms"], a["id"]} >
                         std::tuple{b.value("score", 0.0), b["created_at_ms"], b["id"]};
                },
                reply, true);
            });
}

}  // namespace

json clip_json(const clip_view& c) {
  return json{{"id", c.id},
              {"vod", c.vod},
              {"channel", c.channel},
              {"creator", c.creator},
              {"title", c.title},
              {"state", c.state},
              {"progress", c.progress},
              {"error", c.error},
              {"start_s", c.start_s},
              {"duration_s", c.duration_s},
              {"bytes", c.bytes},
              {"exact", c.exact},
              {"live", c.live},
              {"keyframe_start", c.keyframe_start},
              {"likes", c.likes},
              {"views", c.views},
              {"created_at_ms", c.created_at_ms},
              {"url", c.state == "ready" ? json("/clips/" + c.id + ".mp4") : json(nullptr)},
              {"page", "/clip/" + c.id},
              {"embed", "/embed/clip/" + c.id}};
}

void add_clip_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  // One pace for the node's lifetime, on the injected clock (tests move it).
  auto pace = std::make_shared<runtime::window_limiter>(
    runtime::window_limiter::options{clips_per_minute, std::chrono::minutes(1), 10'000},
    env.clock->steady_fn());
  routes
    .add(
      post, "clips", access::signed_in,
      [env, pace](route_request&& req, route_reply reply) {
        post_clip(env, *pace, std::move(req), std::move(reply));
      },
      "clip a VOD {vod, start_s, duration_s 5-60, title?, exact?} or a live channel {channel, "
      "duration_s? (30), title?}: 202, rendered in the background")
    .scope = "clips:write";
  routes.add(get, "clips", access::anyone, with_env(env, trending),
             "trending clips of the last 7 days across channels: ?sort=trending&limit=1-100 (20)",
             {"clip"});
  routes.add(get, "clips/{id}", access::anyone, with_env(env, get_clip),
             "one clip, with its rendering state and, once ready, its file", {"clip"});
  routes.add(patch, "clips/{id}", access::signed_in, with_env(env, patch_clip),
             "rename a clip {title} (its creator, the channel owner or the admin)");
  routes.add(del, "clips/{id}", access::signed_in, with_env(env, delete_clip),
             "delete a clip and its file (its creator, the channel owner or the admin)");
  routes.add(post, "clips/{id}/like", access::user, like_clip(env, true), "like a clip");
  routes.add(del, "clips/{id}/like", access::user, like_clip(env, false), "take a like back");
  routes.add(post, "clips/{id}/views", access::anyone, with_env(env, count_view),
             "count one view of a clip");
  // Answers depend on who asks (the owner sees clips still rendering): never cached.
  routes.add(get, "channels/{channel}/clips", access::anyone,
             with_caller(env, with_env(env, channel_clips_route)),
             "a channel's clips: ?sort=recent|top&limit=1-100 (20); the owner also sees the "
             "clips rendering or failed");
}

}  // namespace aethex::actors
