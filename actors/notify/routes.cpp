// The signed-in user's inbox over REST: assembled from their follows (channels with
// notifications on, each since it was followed), the channels' notices across the cluster and
// the inbox's read mark.
#include <algorithm>

#include "actors/core/entity_ref.hpp"
#include "actors/notify/inbox.hpp"
#include "actors/notify/internal.hpp"
#include "actors/social/follows.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::size_t default_page = 50;
constexpr std::size_t max_page = 200;

json inbox_json(std::vector<json> rows, std::int64_t read_up_to_ms, std::size_t limit) {
  std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return a.value("at_ms", std::int64_t{0}) > b.value("at_ms", std::int64_t{0});
  });
  if (rows.size() > limit)
    rows.resize(limit);
  std::size_t unread = 0;
  for (auto& row : rows) {
    bool read = row.value("at_ms", std::int64_t{0}) <= read_up_to_ms;
    row["read"] = read;
    unread += read ? 0 : 1;
  }
  return json{{"notifications", rows}, {"unread", unread}, {"read_up_to_ms", read_up_to_ms}};
}

void list_notifications(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", default_page, 1, max_page);
  if (!limit)
    return reply(limit.error());
  auto user = req.who.name;
  entity_ref<follows_protocol>{env.registry, user}
    .ask(get_atom::value)
    .then(*env.sys, [env, user, limit = *limit, reply](caf::expected<follows_view> follows) {
      if (!follows)
        return reply(follows.error());
      json channels = json::array();
      for (auto& followed : follows->channels)
        if (followed.notify)
          channels.push_back(json{{"channel", followed.channel},
                                  {"since_ms", followed.notify_since_ms}});
      entity_ref<inbox_protocol>{env.registry, user}
        .ask(get_atom::value)
        .then(*env.sys, [env, user, channels, limit, reply](caf::expected<inbox_view> inbox) {
          if (!inbox)
            return reply(inbox.error());
          // The user's personal notices (match reminders…), then the followed channels' notices.
          env.query("notify.personal", json{{"user", user}, {"limit", limit}},
                    [env, channels, limit, read = inbox->read_up_to_ms,
                     reply](caf::expected<std::vector<json>> personal) {
                      if (!personal)
                        return reply(personal.error());
                      if (channels.empty())
                        return reply(route_response::json(200, inbox_json(std::move(*personal),
                                                                          read, limit)));
                      env.query("notify.notices", json{{"channels", channels}, {"limit", limit}},
                                [read, limit, personal = std::move(*personal),
                                 reply](caf::expected<std::vector<json>> rows) mutable {
                                  if (!rows)
                                    return reply(rows.error());
                                  rows->insert(rows->end(), personal.begin(), personal.end());
                                  reply(route_response::json(200, inbox_json(std::move(*rows), read,
                                                                             limit)));
                                });
                    });
        });
    });
}

// POST {"up_to_ms"?}: everything up to then (default: now) is read.
void mark_read(const node_env& env, route_request&& req, route_reply reply) {
  std::int64_t up_to_ms = 0;
  if (!req.body.empty()) {
    auto body = req.json_object();
    if (!body)
      return reply(body.error());
    if (auto err = only_fields(*body, {"up_to_ms"}))
      return reply(err);
    if (body->contains("up_to_ms")) {
      if (!(*body)["up_to_ms"].is_number_integer() || (*body)["up_to_ms"].get<std::int64_t>() < 0)
        return reply(make_error(errc::invalid_argument, "'up_to_ms' must be a time in ms"));
      up_to_ms = (*body)["up_to_ms"].get<std::int64_t>();
    }
  }
  entity_ref<inbox_protocol>{env.registry, req.who.name}
    .ask(mark_read_atom::value, up_to_ms)
    .then(*env.sys, answer<inbox_view>(std::move(reply), [](const inbox_view& inbox) {
      return json{{"read_up_to_ms", inbox.read_up_to_ms}};
    }));
}

}  // namespace

void add_notify_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(get, "me/notifications", access::user, with_env(env, list_notifications),
         "the signed-in account's notifications, newest first, with the unread count")
    .scope = "user:read";
  routes.add(post, "me/notifications/read", access::user, with_env(env, mark_read),
             "marks notifications read up to a time (default: now)");
}

}  // namespace aethex::actors
