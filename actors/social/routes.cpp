// Follows over REST. Following needs a signed-in account and a channel that exists; the count of
// a channel's followers comes from the follows read model, summed over the cluster's members.
#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/social/follows.hpp"
#include "actors/social/follows_projection.hpp"
#include "actors/social/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using follows_ref = entity_ref<follows_protocol>;

json following_json(const follows_view& view) {
  json list = json::array();
  for (auto& followed : view.channels)
    list.push_back(json{{"channel", followed.channel}, {"since_ms", followed.since_ms}});
  return json{{"user", view.user}, {"following", list}};
}

json follow_state_json(const follows_view& view, const std::string& channel) {
  for (auto& followed : view.channels)
    if (followed.channel == channel)
      return json{{"channel", channel}, {"following", true}, {"since_ms", followed.since_ms}};
  return json{{"channel", channel}, {"following", false}};
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
        .then(*env.sys, [env, channel, reply](caf::expected<follows_view> follows) {
          if (!follows)
            return reply(follows.error());
          env.read_models_changed();
          reply(route_response::json(200, follow_state_json(*follows, channel)));
        });
    });
}

void unfollow(const node_env& env, route_request&& req, route_reply reply) {
  auto channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(make_error(errc::not_found, "channel not found"));
  follows_ref{env.registry, req.who.name}
    .ask(unfollow_atom::value, channel)
    .then(*env.sys, [env, channel, reply](caf::expected<follows_view> follows) {
      if (!follows)
        return reply(follows.error());
      env.read_models_changed();
      reply(route_response::json(200, follow_state_json(*follows, channel)));
    });
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
  routes.add(get, "channels/{channel}/followers", access::anyone, with_env(env, followers),
             "how many accounts follow the channel", {"follows"});
  routes.add(
    get, "me/following", access::user,
    [env](route_request&& req, route_reply reply) {
      follows_ref{env.registry, req.who.name}
        .ask(get_atom::value)
        .then(*env.sys, answer<follows_view>(std::move(reply), following_json));
    },
    "the channels the signed-in account follows, oldest first");
}

}  // namespace aethex::actors
