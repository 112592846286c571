// VODs over REST. Who may see a VOD is actors/vod/vod_access.hpp's rule: a VOD the caller may
// not see answers exactly like one that does not exist (404), so a private VOD never leaks its
// existence; changes need the channel's owner (403 for others who see it).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/vod/internal.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_access.hpp"
#include "actors/vod/vod_keeper.hpp"
#include "actors/vod/vod_read_model.hpp"
#include "actors/vod/vod_watch.hpp"
#include "runtime/errors.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using vod_ref = entity_ref<vod_protocol>;
using watch_ref = entity_ref<vodwatch_protocol>;

constexpr std::size_t default_page = 30;
constexpr std::size_t max_page = 100;
constexpr std::size_t max_continue = 20;
constexpr double max_chat_window_s = 600;

// A VOD as the caller sees it: not everyone may fetch the files of one that is not public, so
// its links carry a signed query (actors/vod/vod_files.hpp) for this caller, who was checked.
json shown(const node_env& env, const vod_view& v) {
  auto j = vod_json(v);
  if (v.privacy == vod_privacy::everyone)
    return j;
  auto query = actors::vod_files::signed_query(
    env.admin_token_digest, v.id, env.clock->now_ms() + actors::vod_files::link_lifetime_ms);
  for (auto link : {"hls", "download", "poster"}) {
    auto url = j[link].get<std::string>();
    j[link] = url + (url.find('?') == std::string::npos ? "?" : "&") + query;
  }
  return j;
}

vod_view view_of_row(const json& row) {
  vod_view v;
  v.id = row.value("id", "");
  v.channel = row.value("channel", "");
  v.title = row.value("title", "");
  v.category = row.value("category", "");
  v.node = row.value("node", "");
  v.started_at_ms = row.value("started_at_ms", std::int64_t{0});
  v.duration_ms = row.value("duration_ms", std::int64_t{0});
  v.bytes = row.value("bytes", std::uint64_t{0});
  v.privacy = row.value("privacy", std::string{vod_privacy::everyone});
  v.state = row.value("state", "recording");
  v.views = row.value("views", std::uint64_t{0});
  v.expires_at_ms = row.value("expires_at_ms", std::int64_t{0});
  return v;
}

void get_vod(const node_env& env, route_request&& req, route_reply reply) {
  with_visible_vod(env, req.who, req.param("id"), false, reply,
                   [env, reply](const vod_view& v, const vod_relation&) {
                     reply(route_response::json(200, shown(env, v)));
                   });
}

// PATCH and DELETE: the VOD as the caller sees it (404), then its channel's owner (403).
void as_owner(const node_env& env, route_request&& req, route_reply reply,
              std::function<void(const vod_view&)> then) {
  with_visible_vod(env, req.who, req.param("id"), true, reply,
                   [reply, then](const vod_view& v, const vod_relation& r) {
                     if (!r.owner)
                       return reply(make_error(errc::forbidden,
                                               "only the channel owner may do this"));
                     then(v);
                   });
}

void patch_vod(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto who = req.who;
  as_owner(env, std::move(req), reply, [env, who, reply, patch = body->dump()](const vod_view& v) {
    // The entity checks the fields before writing.
    vod_ref{env.registry, v.id}
      .ask(update_atom::value, who, patch)
      .then(*env.sys, [env, reply](caf::expected<vod_view> changed) {
        if (!changed)
          return reply(changed.error());
        env.read_models_changed();
        reply(route_response::json(200, shown(env, *changed)));
      });
  });
}

void delete_vod(const node_env& env, route_request&& req, route_reply reply) {
  auto who = req.who;
  as_owner(env, std::move(req), reply, [env, who, reply](const vod_view& v) {
    vod_ref{env.registry, v.id}
      .ask(vod_delete_atom::value, who)
      .then(*env.sys, [env, reply, id = v.id](caf::expected<bool> deleted) {
        if (!deleted)
          return reply(deleted.error());
        env.read_models_changed();
        env.publish(std::string{vod_keeper_name}, id);  // the node holding the files removes them
        reply(route_response::json(200, json{{"deleted", true}}));
      });
  });
}

void count_view(const node_env& env, route_request&& req, route_reply reply) {
  with_visible_vod(env, req.who, req.param("id"), false, reply,
                   [env, reply](const vod_view& v, const vod_relation&) {
                     vod_ref{env.registry, v.id}
                       .ask(vod_viewed_atom::value)
                       .then(*env.sys, [env, reply](caf::expected<std::uint64_t> views) {
                         if (!views)
                           return reply(views.error());
                         env.read_models_changed();
                         reply(route_response::json(200, json{{"views", *views}}));
                       });
                   });
}

// A channel's VODs the caller may see, newest first.
void list_vods(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  auto limit = req.number_param("limit", default_page, 1, max_page);
  if (!limit)
    return reply(limit.error());
  vod_relation_to(env, req.who, channel, true,
                  [env, channel, limit = *limit, reply](caf::expected<vod_relation> r) {
                    if (!r)
                      return reply(r.error());
                    json privacies = json::array();
                    for (auto p : {vod_privacy::everyone, vod_privacy::followers,
                                   vod_privacy::subscribers, vod_privacy::owner_only})
                      if (vod_may_see(p, *r))
                        privacies.push_back(p);
                    json args{{"channel", channel}, {"limit", limit}, {"privacies", privacies}};
                    env.query(std::string{vod_queries::channel}, std::move(args),
                              [env, reply, limit](caf::expected<std::vector<json>> rows) {
                                if (!rows)
                                  return reply(rows.error());
                                std::sort(rows->begin(), rows->end(),
                                          [](const json& a, const json& b) {
                                            return std::tuple{a["started_at_ms"], a["id"]} >
                                                   std::tuple{b["started_at_ms"], b["id"]};
                                          });
                                json list = json::array();
                                for (std::size_t i = 0; i < rows->size() && i < limit; ++i)
                                  list.push_back(shown(env, view_of_row((*rows)[i])));
                                reply(route_response::json(200, json{{"vods", list}}));
                              });
                  });
}

// A number of seconds from the query: `fallback` when absent, an error when not a finite number.
caf::expected<double> seconds_param(const route_request& req, std::string_view name,
                                    double fallback) {
  auto text = req.query_param(name);
  if (!text)
    return fallback;
  double value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || !std::isfinite(value))
    return make_error(errc::invalid_argument, std::string{name} + " must be a number of seconds");
  return value;
}

void chat_replay(const node_env& env, route_request&& req, route_reply reply) {
  auto from_s = seconds_param(req, "from_s", 0);
  if (!from_s)
    return reply(from_s.error());
  auto to_s = seconds_param(req, "to_s", *from_s + max_chat_window_s);
  if (!to_s)
    return reply(to_s.error());
  if (*from_s < 0 || *to_s <= *from_s || *to_s - *from_s > max_chat_window_s)
    return reply(make_error(errc::invalid_argument,
                            "from_s >= 0, to_s > from_s and a window of at most 600 s"));
  with_visible_vod(
    env, req.who, req.param("id"), false, reply,
    [env, reply, from = *from_s, to = *to_s](const vod_view& v, const vod_relation&) {
      auto start = v.started_at_ms;
      json args{{"channel", v.channel},
                {"from_ms", start + std::llround(from * 1000)},
                {"to_ms", start + std::llround(to * 1000)}};
      env.query(std::string{vod_queries::chat}, std::move(args),
                [reply, start](caf::expected<std::vector<json>> rows) {
                  if (!rows)
                    return reply(rows.error());
                  std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                    return std::tuple{a["at_ms"], a["id"]} < std::tuple{b["at_ms"], b["id"]};
                  });
                  json list = json::array();
                  for (auto& row : *rows) {
                    auto at = row.value("at_ms", std::int64_t{0});
                    row["offset_s"] = static_cast<double>(at - start) / 1000.0;
                    list.push_back(std::move(row));
                  }
                  reply(route_response::json(200, json{{"messages", list}}));
                });
    });
}

void store_progress(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"position_s"}))
    return reply(err);
  auto position = body->find("position_s");
  if (position == body->end() || !position->is_number() ||
      !std::isfinite(position->get<double>()) || position->get<double>() < 0)
    return reply(make_error(errc::invalid_argument, "position_s must be a number >= 0"));
  auto position_ms = std::llround(position->get<double>() * 1000);
  auto user = req.who.name;
  with_visible_vod(
    env, req.who, req.param("id"), false, reply,
    [env, reply, user, position_ms](const vod_view& v, const vod_relation&) {
      watch_ref{env.registry, user}
        .ask(vod_watch_atom::value, v.id, std::int64_t{position_ms}, v.duration_ms)
        .then(*env.sys, answer<watch_entry>(reply, [](const watch_entry& w) {
          return json{{"vod", w.vod}, {"position_s", static_cast<double>(w.position_ms) / 1000.0}};
        }));
    });
}

// Continue watching: the user's VODs not watched to the end (position < 95 %), still there and
// still visible to them, most recently watched first.
struct continue_state {
  std::mutex mutex;
  std::vector<std::pair<watch_entry, vod_view>> candidates;
  std::map<std::string, vod_relation> relations;  // by channel
  std::size_t left = 0;
};

void answer_continue(const node_env& env, const std::shared_ptr<continue_state>& st,
                     const route_reply& reply) {
  json list = json::array();
  for (auto& [entry, vod] : st->candidates) {
    if (list.size() == max_continue)
      break;
    if (!vod_may_see(vod.privacy, st->relations[vod.channel]))
      continue;
    auto item = shown(env, vod);
    item["position_s"] = static_cast<double>(entry.position_ms) / 1000.0;
    list.push_back(std::move(item));
  }
  reply(route_response::json(200, json{{"vods", list}}));
}

void continue_watching(const node_env& env, route_request&& req, route_reply reply) {
  auto who = req.who;
  watch_ref{env.registry, who.name}
    .ask(get_atom::value)
    .then(*env.sys, [env, who, reply](caf::expected<vodwatch_view> watched) {
      if (!watched)
        return reply(watched.error());
      json ids = json::array();
      for (auto& w : watched->entries)
        ids.push_back(w.vod);
      env.query(std::string{vod_queries::by_ids}, json{{"ids", ids}},
                [env, who, reply,
                 entries = watched->entries](caf::expected<std::vector<json>> rows) {
                  if (!rows)
                    return reply(rows.error());
                  std::map<std::string, vod_view> vods;
                  for (auto& row : *rows)
                    vods.emplace(row.value("id", ""), view_of_row(row));
                  auto st = std::make_shared<continue_state>();
                  std::set<std::string> channels;  // of VODs that are not public
                  for (auto& w : entries) {
                    auto it = vods.find(w.vod);
                    if (it == vods.end() || w.position_ms * 100 >= it->second.duration_ms * 95)
                      continue;
                    st->candidates.emplace_back(w, it->second);
                    if (it->second.privacy != vod_privacy::everyone)
                      channels.insert(it->second.channel);
                  }
                  if (channels.empty())
                    return answer_continue(env, st, reply);
                  st->left = channels.size();
                  for (auto& channel : channels)
                    vod_relation_to(env, who, channel, true,
                                    [env, st, reply, channel](caf::expected<vod_relation> r) {
                                      std::lock_guard lock{st->mutex};
                                      st->relations[channel] = r ? *r : vod_relation{};
                                      if (--st->left == 0)
                                        answer_continue(env, st, reply);
                                    });
                });
    });
}

// What the VODs kept take on each node's disk (from the recorder's figures), and in all.
void storage_figures(const node_env& env, route_request&&, route_reply reply) {
  env.query(
    std::string{vod_queries::disk}, json::object(), [reply](caf::expected<std::vector<json>> rows) {
      if (!rows)
        return reply(rows.error());
      std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> per_node;
      std::uint64_t vods = 0, bytes = 0;
      for (auto& row : *rows) {  // a node's VODs may be spread over several members
        auto& [n, b] = per_node[row.value("node", "")];
        n += row.value("vods", std::uint64_t{0});
        b += row.value("bytes", std::uint64_t{0});
        vods += row.value("vods", std::uint64_t{0});
        bytes += row.value("bytes", std::uint64_t{0});
      }
      json nodes = json::array();
      for (auto& [node, figures] : per_node)
        nodes.push_back(json{{"node", node}, {"vods", figures.first}, {"bytes", figures.second}});
      reply(route_response::json(200, json{{"nodes", nodes}, {"vods", vods}, {"bytes", bytes}}));
    });
}

}  // namespace

json vod_json(const vod_view& v) {
  auto files = "/vod/" + v.id + "/";
  return json{{"id", v.id},
              {"channel", v.channel},
              {"title", v.title},
              {"category", v.category},
              {"started_at_ms", v.started_at_ms},
              {"duration_ms", v.duration_ms},
              {"duration_s", static_cast<double>(v.duration_ms) / 1000.0},
              {"bytes", v.bytes},
              {"privacy", v.privacy},
              {"state", v.state},
              {"views", v.views},
              {"expires_at_ms", v.expires_at_ms},
              {"hls", files + std::string{actors::vod_files::playlist}},
              {"download", files + std::string{actors::vod_files::media} + "?download=1"},
              {"poster", files + std::string{actors::vod_files::poster}}};
}

void add_vod_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  // Answers depend on who asks (privacy): never from the shared response cache.
  routes.add(get, "channels/{channel}/vods", access::anyone,
             with_caller(env, with_env(env, list_vods)),
             "a channel's VODs the caller may see, newest first: ?limit=1-100 (30)");
  routes.add(get, "vods/{id}", access::anyone, with_caller(env, with_env(env, get_vod)),
             "one VOD (404 also when the caller may not see it)");
  routes.add(patch, "vods/{id}", access::signed_in, with_env(env, patch_vod),
             "change a VOD's title or privacy (channel owner)");
  routes.add(del, "vods/{id}", access::signed_in, with_env(env, delete_vod),
             "delete a VOD and its files (channel owner)");
  routes.add(post, "vods/{id}/views", access::anyone, with_caller(env, with_env(env, count_view)),
             "count one view of a VOD");
  routes.add(put, "vods/{id}/progress", access::user, with_env(env, store_progress),
             "remember where the signed-in user stopped: {position_s}");
  routes
    .add(get, "me/continue-watching", access::user, with_env(env, continue_watching),
         "VODs the signed-in user stopped in, most recent first (at most 20)")
    .scope = "user:read";
  routes.add(get, "vods/{id}/chat", access::anyone, with_caller(env, with_env(env, chat_replay)),
             "the channel's chat during a VOD: ?from_s=&to_s= (at most 600 s)");
  routes.add(get, "vod-storage", access::admin, with_env(env, storage_figures),
             "what the VODs kept take on each node's disk (admin)");
}

}  // namespace aethex::actors
