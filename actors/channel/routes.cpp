// /api/v1/channels: the directory (from the SQLite read model, across the cluster), one channel
// (from its entity), creation by a signed-in user (or the admin token) within the account's
// quota, owner-only metadata changes and stream keys, and the live session's ingest health.
#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>

#include "actors/channel/channel.hpp"
#include "actors/channel/channel_directory.hpp"
#include "actors/channel/internal.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "runtime/errors.hpp"
#include "runtime/placement.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using channel_ref = entity_ref<channel_protocol>;
using user_ref = entity_ref<user_protocol>;

constexpr std::string_view directory_query = "channel.directory";
constexpr std::string_view followers_query = "social.followers";  // actors/social/module.cpp

json channel_json(const channel_view& view) {
  return json{{"name", view.name},
              {"title", view.title},
              {"category", view.category},
              {"description", view.description},
              {"tags", view.tags},
              {"owner", view.owner},
              {"live", view.live},
              {"hls", "/hls/" + view.name + "/index.m3u8"},
              {"started_at_ms", view.live ? json(view.started_at_ms) : json(nullptr)},
              {"ladder", view.ladder_custom ? json(view.ladder) : json(nullptr)},
              {"viewers", view.viewers},
              {"peak_viewers", view.peak_viewers},
              {"featured", view.featured},
              {"record", view.record},
              {"vod_retention_days", view.vod_retention_days}};
}

// PUT {"featured": bool}: the admin puts a channel forward on the browse page.
void set_featured(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"featured"}))
    return reply(err);
  if (!body->contains("featured") || !(*body)["featured"].is_boolean())
    return reply(make_error(errc::invalid_argument, "'featured' must be true or false"));
  channel_ref{env.registry, req.param("channel")}
    .ask(feature_atom::value, (*body)["featured"].get<bool>())
    .then(*env.sys, [env, reply](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      env.read_models_changed();
      reply(route_response::json(200, channel_json(*view)));
    });
}

json health_json(const stream_health& h) {
  return json{
    {"session", h.session_id},
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
    {"ws_viewers", h.ws_viewers},
    {"hls_viewers", h.hls_viewers},
    {"ll_hls_viewers", h.ll_hls_viewers},
    {"renditions", h.renditions},
    {"transcode_refused", h.transcode_refused.empty() ? json(nullptr) : json(h.transcode_refused)}};
}

caf::error no_such_channel() { return make_error(errc::not_found, "channel not found"); }

// The channel from its entity, and its follower count from the social domain's read model
// (the named query keeps this domain free of that one's headers; null when it cannot answer).
void get_channel(const node_env& env, route_request&& req, route_reply reply) {
  const auto& name = req.param("channel");
  channel_ref{env.registry, name}
    .ask(get_atom::value)
    .then(*env.sys, [env, name, reply](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      env.query(std::string{followers_query}, json{{"channel", name}},
                [reply, body = channel_json(*view)](caf::expected<std::vector<json>> rows) mutable {
                  json followers = nullptr;
                  if (rows) {
                    std::uint64_t total = 0;
                    for (auto& row : *rows)
                      total += row.value("followers", std::uint64_t{0});
                    followers = total;
                  }
                  body["followers"] = std::move(followers);
                  reply(route_response::json(200, body));
                });
    });
}

void list_channels(const node_env& env, route_request&& req, route_reply reply) {
  if (wants_browse(req))
    return browse_live(env, std::move(req), std::move(reply));
  bool live_only = false;
  if (auto live = req.query_param("live")) {
    if (*live != "true" && *live != "false")
      return reply(make_error(errc::invalid_argument, "live must be true or false"));
    live_only = *live == "true";
  }
  auto parsed_limit = req.number_param("limit", default_channel_page, 1, max_channel_page);
  if (!parsed_limit)
    return reply(parsed_limit.error());
  auto limit = *parsed_limit;
  auto after = req.query_param("after").value_or("");
  if (!after.empty() && !valid_channel_name(after))
    return reply(make_error(errc::invalid_argument, "after must be a channel name"));
  json args{{"live_only", live_only}, {"limit", limit}, {"after", after}};
  // Each member answers for the channels it owns; the page is the first `limit` by name.
  env.query(std::string{directory_query}, std::move(args),
            [env, reply, limit](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(),
                        [](const json& a, const json& b) { return a["name"] < b["name"]; });
              if (rows->size() > limit)
                rows->resize(limit);
              json next = rows->size() == limit ? rows->back()["name"] : json(nullptr);
              reply_with_live_figures(env, json{{"channels", *rows}, {"next", next}}, reply);
            });
}

// Creates the channel for `who` and answers 201 with its stream key.
void create_named(const node_env& env, const runtime::principal& who, const std::string& name,
                  const std::string& title, route_reply reply) {
  channel_ref{env.registry, name}
    .ask(create_atom::value, who, title)
    .then(*env.sys, [env, reply, name](caf::expected<std::string> key) {
      if (!key)
        return reply(key.error());
      env.read_models_changed();
      reply(route_response::json(201, json{{"name", name}, {"stream_key", *key}}));
    });
}

// The channel quota: an account first claims the name on its user entity (at most
// channels_per_user names), and gives it back when the channel cannot be created. The admin
// token has no quota.
void create_channel(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"name", "title"}))
    return reply(err);
  auto name = string_field(*body, "name", true);
  auto title = string_field(*body, "title", false);
  if (!name)
    return reply(name.error());
  if (!title)
    return reply(title.error());
  if (!valid_channel_name(**name))
    return reply(make_error(errc::invalid_argument,
                            "channel names are 3-25 characters of a-z, 0-9 and _"));
  auto who = req.who;
  auto chosen_title = title->value_or(**name);
  if (who.is_admin())
    return create_named(env, who, **name, chosen_title, std::move(reply));
  auto quota = std::uint32_t{env.config->limits.channels_per_user};
  user_ref{env.registry, who.name}
    .ask(claim_channel_atom::value, **name, quota)
    .then(*env.sys, [env, who, name = **name, chosen_title,
                     reply](caf::expected<std::uint32_t> claimed) {
      if (!claimed)
        return reply(claimed.error());
      create_named(env, who, name, chosen_title,
                   [env, who, name, reply](caf::expected<route_response> res) {
                     if (!res)
                       user_ref{env.registry, who.name}.tell(release_channel_atom::value, name);
                     reply(std::move(res));
                   });
    });
}

void update_channel(const node_env& env, const std::string& name, const runtime::principal& as,
                    const std::string& patch, route_reply reply) {
  // The entity checks existence, ownership and every field before writing.
  channel_ref{env.registry, name}
    .ask(update_atom::value, as, patch)
    .then(*env.sys, [env, reply](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      env.read_models_changed();
      reply(route_response::json(200, channel_json(*view)));
    });
}

// The owner changes anything; an editor (a role the broadcaster gives in the channel's chat
// room, docs/moderation.md) only the title and category, which the route then writes as the
// owner.
void patch_channel(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto name = req.param("channel");
  auto who = req.who;
  if (who.is_admin())
    return update_channel(env, name, who, body->dump(), std::move(reply));
  bool editable = !body->empty() && !only_fields(*body, {"title", "category"});
  channel_ref{env.registry, name}
    .ask(get_atom::value)
    .then(*env.sys, [env, name, who, editable, patch = body->dump(),
                     reply](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      if (!view->owner_is_admin && who.is_user(view->owner))
        return update_channel(env, name, who, patch, reply);
      auto refused = make_error(errc::forbidden, "only the channel owner may do this");
      if (!editable)
        return reply(refused);
      auto owner = view->owner_is_admin ? runtime::principal::admin()
                                        : runtime::principal::user(view->owner);
      entity_ref<chat_protocol>{env.registry, name}
        .ask(chat_info_atom::value, who)
        .then(*env.sys, [env, name, owner, patch, refused, reply](caf::expected<std::string> info) {
          auto roles = info ? json::parse(*info, nullptr, false).value("roles", json::array())
                            : json::array();
          if (std::find(roles.begin(), roles.end(), "editor") == roles.end())
            return reply(refused);
          update_channel(env, name, owner, patch, reply);
        });
    });
}

// Rotate (POST) or reveal (GET) the stream key.
template <class Atom>
route_handler stream_key(const node_env& env) {
  return [env](route_request&& req, route_reply reply) {
    auto name = req.param("channel");
    channel_ref{env.registry, name}
      .ask(Atom::value, req.who)
      .then(*env.sys, answer<std::string>(std::move(reply), [name](const std::string& key) {
        return json{{"name", name}, {"stream_key", key}};
      }));
  };
}

// Only names a channel can have reach the entity: a malformed one is simply not found.
route_handler valid_name_only(route_handler handler) {
  return [handler = std::move(handler)](route_request&& req, route_reply reply) {
    if (!valid_channel_name(req.param("channel")))
      return reply(no_such_channel());
    handler(std::move(req), std::move(reply));
  };
}

}  // namespace

// Live rows take their viewers and start time from the channel entities: figures that change
// every second are not read-model events. Asked in parallel; a row whose entity does not answer
// keeps the read model's values.
void with_live_figures(const node_env& env, json rows, std::function<void(json)> done) {
  struct pending {
    std::mutex mutex;
    json rows;
    std::size_t left = 0;
    std::function<void(json)> done;
  };
  std::vector<std::size_t> live;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].value("live", false))
      live.push_back(i);
  if (live.empty())
    return done(std::move(rows));
  auto state = std::make_shared<pending>();
  state->rows = std::move(rows);
  state->left = live.size();
  state->done = std::move(done);
  for (auto i : live) {
    auto name = state->rows[i].value("name", "");
    channel_ref{env.registry, name}
      .ask(get_atom::value)
      .then(*env.sys, [state, i](caf::expected<channel_view> view) {
        std::lock_guard lock{state->mutex};
        auto& row = state->rows[i];
        if (view && view->live) {
          row["viewers"] = view->viewers;
          row["started_at_ms"] = view->started_at_ms;
          row["featured"] = view->featured;
          row["viewers_window_ago"] = view->viewers_window_ago;  // trending reads, then drops it
        }
        if (--state->left == 0)
          state->done(std::move(state->rows));
      });
  }
}

void drop_internal_figures(json& rows) {
  for (auto& row : rows)
    row.erase("viewers_window_ago");
}

void reply_with_live_figures(const node_env& env, json page, route_reply reply) {
  auto rows = std::move(page["channels"]);
  with_live_figures(env, std::move(rows),
                    [page = std::move(page), reply = std::move(reply)](json rows) mutable {
                      drop_internal_figures(rows);
                      page["channels"] = std::move(rows);
                      reply(route_response::json(200, page));
                    });
}

json directory_row_json(const channel_directory::channel& row) {
  return json{
    {"name", row.name},         {"title", row.title}, {"category", row.category},
    {"owner", row.owner},       {"live", row.live},   {"hls", "/hls/" + row.name + "/index.m3u8"},
    {"started_at_ms", nullptr}, {"viewers", 0},       {"updated_ms", row.updated_ms},
    {"featured", row.featured}};
}

json directory_page(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  bool live_only = args.value("live_only", false);
  auto limit = args.value("limit", default_channel_page);
  auto after = args.value("after", std::string{});
  // Rows of owned channels only; pages through the local model until `limit` are found (the
  // model keeps stale rows of channels whose partition moved away).
  json rows = json::array();
  for (;;) {
    auto page = channel_directory::list(db, live_only, limit, after);
    for (auto& row : page) {
      if (owns("channel", row.name))
        rows.push_back(directory_row_json(row));
      if (rows.size() == limit)
        return rows;
    }
    if (page.size() < limit)
      return rows;
    after = page.back().name;
  }
}

void add_channel_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  // Answered from the node's response cache until a channel changes on any member.
  routes.add(get, "channels", access::anyone, with_env(env, list_channels),
             "the channel directory: ?live=true|false&limit=1-100&after=<name>, or live channels "
             "by ?sort=viewers|recent|featured|trending&category=<name>&offset=N",
             {"channel"});
  routes.add(post, "channels", access::signed_in, with_env(env, create_channel),
             "create a channel {name, title?}; answers its stream key");
  routes.add(get, "channels/{channel}", access::anyone, valid_name_only(with_env(env, get_channel)),
             "one channel, with its follower count", {"channel", "follows"});
  routes
    .add(patch, "channels/{channel}", access::signed_in,
         valid_name_only(with_env(env, patch_channel)),
         "change title, category, description, tags, ladder, record or vod_retention_days "
         "(owner); title and category (editors)")
    .scope = "channel:manage";
  routes
    .add(get, "channels/{channel}/stream-key", access::owner,
         valid_name_only(stream_key<reveal_key_atom>(env)), "reveal the stream key")
    .scope = "channel:manage";
  routes
    .add(post, "channels/{channel}/stream-key", access::owner,
         valid_name_only(stream_key<rotate_key_atom>(env)), "rotate the stream key")
    .scope = "channel:manage";
  routes.add(put, "channels/{channel}/featured", access::admin,
             valid_name_only(with_env(env, set_featured)),
             "feature a channel on the browse page, or stop (admin)");
  routes.add(get, "channels/{channel}/health", access::anyone,
             valid_name_only([env](route_request&& req, route_reply reply) {
               channel_ref{env.registry, req.param("channel")}
                 .ask(health_atom::value)
                 .then(*env.sys, answer<stream_health>(std::move(reply), health_json));
             }),
             "ingest health of the live session");
  // Ownership of {channel}: the entity knows its owner; the admin owns every channel.
  routes.owner_checks["channel"] = [env](const runtime::principal& who, const std::string& name,
                                         std::function<void(caf::error)> done) {
    if (who.is_admin())
      return done(caf::none);
    if (!valid_channel_name(name))
      return done(no_such_channel());
    channel_ref{env.registry, name}
      .ask(get_atom::value)
      .then(*env.sys, [who, done](caf::expected<channel_view> view) {
        if (!view)
          return done(view.error());
        if (view->owner_is_admin || !who.is_user(view->owner))
          return done(make_error(errc::forbidden, "only the channel owner may do this"));
        done(caf::none);
      });
  };
}

}  // namespace aethex::actors
