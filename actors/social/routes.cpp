// Follows over REST. Following needs a signed-in account and a channel that exists; the count of
// a channel's followers comes from the follows read model, summed over the cluster's members.
#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/engagement/engagement.hpp"
#include "actors/social/follows.hpp"
#include "actors/social/follows_projection.hpp"
#include "actors/social/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using follows_ref = entity_ref<follows_protocol>;

json followed_json(const followed_channel& followed) {
  return json{{"channel", followed.channel},
              {"since_ms", followed.since_ms},
              {"notify", followed.notify},
              {"email", followed.email}};
}

json following_json(const follows_view& view) {
  json list = json::array();
  for (auto& followed : view.channels)
    list.push_back(followed_json(followed));
  return json{{"user", view.user}, {"following", list}};
}

json follow_state_json(const follows_view& view, const std::string& channel) {
  for (auto& followed : view.channels)
    if (followed.channel == channel) {
      auto j = followed_json(followed);
      j["following"] = true;
      return j;
    }
  return json{{"channel", channel}, {"following", false}};
}

// Node services that keep per-user state (the notification hub's index of who follows what)
// hear of every change, wherever the user is connected.
void announce_follow_change(const node_env& env, const follows_view& view,
                            const std::string& channel) {
  auto state = follow_state_json(view, channel);
  state["user"] = view.user;
  env.publish(std::string{follows_changed_topic}, state.dump());
}

// An optional boolean field as follow_prefs holds it: 1, 0 or -1 when absent.
// The end of every follow change: read models woken, every member's hub told, the new state.
std::function<void(caf::expected<follows_view>)> answer_follow_change(const node_env& env,
                                                                      std::string channel,
                                                                      route_reply reply) {
  return [env, channel = std::move(channel), reply](caf::expected<follows_view> follows) {
    if (!follows)
      return reply(follows.error());
    env.read_models_changed();
    announce_follow_change(env, *follows, channel);
    reply(route_response::json(200, follow_state_json(*follows, channel)));
  };
}

caf::expected<std::int8_t> bool_field(const json& body, const char* key) {
  if (!body.contains(key))
    return std::int8_t{-1};
  if (!body[key].is_boolean())
    return make_error(errc::invalid_argument, std::string{"'"} + key + "' must be true or false");
  return static_cast<std::int8_t>(body[key].get<bool>() ? 1 : 0);
}

// PATCH {"notify"?: bool, "email"?: bool}: the follower's notification choices for the channel.
void set_follow_prefs(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"notify", "email"}))
    return reply(err);
  auto notify = bool_field(*body, "notify");
  auto email = bool_field(*body, "email");
  if (!notify)
    return reply(notify.error());
  if (!email)
    return reply(email.error());
  follows_ref{env.registry, req.who.name}
    .ask(follow_prefs_atom::value, channel, follow_prefs{*notify, *email})
    .then(*env.sys, answer_follow_change(env, channel, reply));
}

void follow(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  // Only channels that exist can be followed (the channel entity says not_found otherwise).
  entity_ref<channel_protocol>{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys, [env, who = req.who, channel, reply](caf::expected<channel_view> view) {
      if (!view)
        return reply(view.error());
      follows_ref{env.registry, who.name}
        .ask(follow_atom::value, channel)
        .then(*env.sys, [env, who, channel, answer = answer_follow_change(env, channel, reply)](
                          caf::expected<follows_view> follows) {
          // Channel points for the first follow ever, and a hype train event (engagement
          // decides whether this follow counts).
          if (follows)
            entity_ref<engagement_protocol>{env.registry, channel}.tell(points_follow_atom::value,
                                                                        who.name);
          answer(std::move(follows));
        });
    });
}

void unfollow(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  follows_ref{env.registry, req.who.name}
    .ask(unfollow_atom::value, channel)
    .then(*env.sys, answer_follow_change(env, channel, reply));
}

void followers(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  env.query("social.followers", json{{"channel", channel}},
            [channel, reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::uint64_t total = 0;
              for (auto& row : *rows)
                total += row.value("followers", std::uint64_t{0});
              reply(route_response::json(200, json{{"channel", channel}, {"followers", total}}));
            });
}

}  // namespace

json followers_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", std::string{});
  auto count = follows_projection::followers(db, channel, [&owns](std::string_view user) {
    return owns("follows", user);
  });
  return json::array({json{{"followers", count}}});
}

void add_social_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(post, "channels/{channel}/follow", access::user, with_env(env, follow),
             "follow a channel");
  routes.add(del, "channels/{channel}/follow", access::user, with_env(env, unfollow),
             "stop following a channel");
  routes.add(patch, "channels/{channel}/follow", access::user, with_env(env, set_follow_prefs),
             "notification choices for a followed channel: notify, email");
  routes.add(get, "channels/{channel}/followers", access::anyone, with_env(env, followers),
             "how many accounts follow the channel", {"follows"});
  routes
    .add(
      get, "me/following", access::user,
      [env](route_request&& req, route_reply reply) {
        follows_ref{env.registry, req.who.name}
          .ask(get_atom::value)
          .then(*env.sys, answer<follows_view>(std::move(reply), following_json));
      },
      "the channels the signed-in account follows, oldest first")
    .scope = "user:read";
}

}  // namespace aethex::actors
