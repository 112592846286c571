// Music over REST (docs/music.md, section Routes). Writes and the library list are for the
// channel's owner and editors, told apart by the channel's chat room (actors/chat/roles.hpp, as
// polls and the channel's title do); the rules are the entity's. A VOD's chapters are the plays
// of its channel inside its recording, shown to whoever may see the VOD (vod_access.hpp).
#include <algorithm>

#include "actors/channel/channel.hpp"
#include "actors/channel/channel_search.hpp"
#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/music/internal.hpp"
#include "actors/music/music.hpp"
#include "actors/music/plays_projection.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_access.hpp"
#include "actors/vod/vod_files.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using music_ref = entity_ref<music_protocol>;

constexpr const char* manage_scope = "channel:manage";

caf::error missing_channel(const std::string& name) {
  return make_error(errc::not_found, "channel '" + name + "' not found");
}

// Runs `then` when the caller is the channel's owner (or the admin) or one of its editors.
void as_music_manager(const node_env& env, const route_request& req, route_reply reply,
                      std::function<void()> then) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(missing_channel(channel));
  check_channel_role(env, req.who, channel, {"broadcaster", "editor"},
                     [reply, then = std::move(then)](caf::error err) {
                       if (err)
                         return reply(err);
                       then();
                     });
}

// A manager's command whose answer is the entity's JSON text, once the caller was checked.
template <class... Ts>
void managed(const node_env& env, route_request&& req, route_reply reply, unsigned status,
             Ts... command) {
  const auto& channel = req.param("channel");
  as_music_manager(env, req, reply, [env, channel, reply, status, command...] {
    music_ref{env.registry, channel}
      .ask(command...)
      .then(*env.sys, pass_written_json_text(env, reply, status));
  });
}

void get_music(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(missing_channel(channel));
  // The channel first: a channel that does not exist is a 404, not an empty library.
  entity_ref<channel_protocol>{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys, [env, channel, reply](caf::expected<channel_view> found) {
      if (!found)
        return reply(found.error());
      music_ref{env.registry, channel}
        .ask(music_get_atom::value)
        .then(*env.sys, pass_json_text(reply));
    });
}

void put_settings(const node_env& env, route_request&& req, route_reply reply) {
  auto body = std::move(req.body);
  auto by = req.who.display();
  managed(env, std::move(req), std::move(reply), 200, music_settings_atom::value, by, body);
}

void list_tracks(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 50, 1, music_limits::list_limit_max);
  if (!limit)
    return reply(limit.error());
  auto offset = req.number_param("offset", 0, 0, music_limits::tracks_max);
  if (!offset)
    return reply(offset.error());
  std::string q;
  if (auto raw = req.query_param("q")) {
    auto decoded = decode_query_value(*raw);
    if (!decoded || decoded->size() > 200)
      return reply(make_error(errc::invalid_argument,
                              "q is URL-encoded text of at most 200 bytes"));
    q = std::move(*decoded);
  }
  const auto& channel = req.param("channel");
  as_music_manager(env, req, reply, [env, channel, reply, q, limit = *limit, offset = *offset] {
    music_ref{env.registry, channel}
      .ask(music_tracks_atom::value, q, static_cast<std::int32_t>(limit),
           static_cast<std::int32_t>(offset))
      .then(*env.sys, pass_json_text(reply));
  });
}

void add_track(const node_env& env, route_request&& req, route_reply reply) {
  auto body = std::move(req.body);
  auto by = req.who.display();
  managed(env, std::move(req), std::move(reply), 201, music_add_atom::value, by, body);
}

void edit_track(const node_env& env, route_request&& req, route_reply reply) {
  auto body = std::move(req.body);
  auto by = req.who.display();
  auto id = req.param("id");
  managed(env, std::move(req), std::move(reply), 200, music_edit_atom::value, by, id, body);
}

void delete_track(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto id = req.param("id");
  auto by = req.who.display();
  as_music_manager(env, req, reply, [env, channel, id, by, reply] {
    music_ref{env.registry, channel}
      .ask(music_remove_atom::value, by, id)
      .then(*env.sys, [env, reply](caf::expected<std::string> done) {
        if (!done)
          return reply(done.error());
        env.read_models_changed();
        reply(route_response{204, {}, {}});
      });
  });
}

void put_artwork(const node_env& env, route_request&& req, route_reply reply) {
  // The size and the format come before anything else: no entity is bothered with a bad body.
  auto format = artwork_format(req.body);
  if (!format)
    return reply(format.error());
  auto bytes = std::move(req.body);
  auto by = req.who.display();
  auto id = req.param("id");
  managed(env, std::move(req), std::move(reply), 200, music_artwork_atom::value, by, id, bytes);
}

void get_artwork(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  const auto& id = req.param("id");
  bool id_shape = !id.empty() && id.size() <= 16 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
  if (!valid_channel_name(channel) || !id_shape)
    return reply(make_error(errc::not_found, "this track has no artwork"));
  entity_ref<music_art_protocol>{env.registry, music_art_entity(channel, id)}
    .ask(music_art_get_atom::value)
    .then(*env.sys, [reply](caf::expected<std::string> stored) {
      if (!stored)
        return reply(stored.error());
      // "png\n<bytes>" or "jpeg\n<bytes>" (music_art_protocol).
      auto newline = stored->find('\n');
      auto format = stored->substr(0, newline);
      route_response res{200, stored->substr(newline + 1),
                         format == "jpeg" ? "image/jpeg" : "image/png"};
      // The URL stays when the artwork is replaced: browsers keep it a minute only.
      res.cache_control = "public, max-age=60";
      reply(std::move(res));
    });
}

void import_tracks(const node_env& env, route_request&& req, route_reply reply) {
  if (req.body.size() > music_limits::import_max_bytes)
    return reply(make_error(errc::payload_too_large, "an import is at most 1 MiB"));
  auto format = req.query_param("format").value_or("csv");
  if (format != "csv" && format != "m3u")
    return reply(make_error(errc::invalid_argument, "format is csv or m3u"));
  auto text = std::move(req.body);
  auto by = req.who.display();
  managed(env, std::move(req), std::move(reply), 200, music_import_atom::value, by, format, text);
}

void set_queue(const node_env& env, route_request&& req, route_reply reply) {
  auto body = std::move(req.body);
  auto by = req.who.display();
  managed(env, std::move(req), std::move(reply), 200, music_queue_atom::value, by, body);
}

void append_queue(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"track"}))
    return reply(err);
  auto track = string_field(*body, "track", true);
  if (!track)
    return reply(track.error());
  auto by = req.who.display();
  managed(env, std::move(req), std::move(reply), 200, music_enqueue_atom::value, by,
          std::move(**track));
}

void play_now(const node_env& env, route_request&& req, route_reply reply) {
  auto body = std::move(req.body);
  auto by = req.who.display();
  managed(env, std::move(req), std::move(reply), 200, music_play_atom::value, by, body,
          std::string{"manual"});
}

void stop_playing(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto by = req.who.display();
  as_music_manager(env, req, reply, [env, channel, by, reply] {
    music_ref{env.registry, channel}
      .ask(music_stop_atom::value, by)
      .then(*env.sys, [env, reply](caf::expected<std::string> done) {
        if (!done)
          return reply(done.error());
        env.read_models_changed();
        reply(route_response{204, {}, {}});
      });
  });
}

// The plays of the VOD's channel while it recorded, as offsets from its start; a track already
// playing when the recording began is its first chapter, at 0.
void answer_chapters(const node_env& env, const vod_view& v, route_reply reply) {
  auto end_ms = v.state == "ready" ? v.started_at_ms + v.duration_ms : env.clock->now_ms();
  env.query(std::string{music_plays_query},
            json{{"channel", v.channel}, {"from_ms", v.started_at_ms}, {"to_ms", end_ms}},
            [reply, start = v.started_at_ms](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a.value("played_at_ms", 0) < b.value("played_at_ms", 0);
              });
              json chapters = json::array();
              for (auto& row : *rows)
                chapters.push_back(json{
                  {"at_ms",
                   std::max<std::int64_t>(0, row.value("played_at_ms", std::int64_t{0}) - start)},
                  {"title", row.value("title", "")},
                  {"artist", row.value("artist", "")},
                  {"track", row.value("track", "")}});
              reply(route_response::json(200, json{{"chapters", std::move(chapters)}}));
            });
}

// Who may see the chapters is who may see the VOD (a hidden VOD is a 404, as GET vods/{id}).
void vod_chapters(const node_env& env, route_request&& req, route_reply reply) {
  with_visible_vod(env, req.who, req.param("id"), false, reply,
                   [env, reply](const vod_view& v, const vod_relation&) {
                     answer_chapters(env, v, reply);
                   });
}

}  // namespace

void add_music_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  const std::string base = "channels/{channel}/music";
  routes.add(get, base, access::anyone, with_env(env, get_music),
             "a channel's music: DJ mode, now playing, queue, last 50 plays", {"music", "channel"});
  auto manage = [&](http_method method, std::string pattern,
                    void (*fn)(const node_env&, route_request&&, route_reply),
                    std::string summary) {
    routes.add(method, std::move(pattern), access::signed_in, with_env(env, fn), std::move(summary))
      .scope = manage_scope;
  };
  manage(put, base + "/settings", put_settings,
         "DJ mode and chat announcements: {\"dj_mode\"?, \"announce_in_chat\"?} (owner, editors)");
  manage(get, base + "/tracks", list_tracks,
         "the track library: ?q=&limit=1-200&offset= (owner, editors)");
  manage(post, base + "/tracks", add_track, "adds a track to the library (owner, editors)");
  manage(put, base + "/tracks/{id}", edit_track, "changes a track's fields (owner, editors)");
  manage(del, base + "/tracks/{id}", delete_track,
         "removes a track from the library and the queue (owner, editors)");
  manage(put, base + "/tracks/{id}/artwork", put_artwork,
         "a track's artwork: the PNG or JPEG bytes as the body, at most 1 MiB (owner, editors)");
  routes.add(get, base + "/tracks/{id}/artwork", access::anyone, with_env(env, get_artwork),
             "a track's artwork image");
  manage(post, base + "/tracks/import", import_tracks,
         "bulk import: ?format=csv|m3u, the text as the body (owner, editors)");
  manage(put, base + "/queue", set_queue,
         "replaces the queue: {\"tracks\": [track ids]} (owner, editors)");
  manage(post, base + "/queue", append_queue,
         "appends to the queue: {\"track\": id} (owner, editors)");
  manage(post, base + "/now-playing", play_now,
         "plays {\"track\": id}, an ad-hoc {\"title\",\"artist\"?,\"album\"?} or {\"next\": true} "
         "(owner, editors)");
  manage(del, base + "/now-playing", stop_playing, "nothing plays (owner, editors)");
  routes.add(get, "vods/{id}/chapters", access::anyone,
             with_caller(env, with_env(env, vod_chapters)),
             "a VOD's chapters: the tracks played while it recorded, from its start");
}

}  // namespace aethex::actors
