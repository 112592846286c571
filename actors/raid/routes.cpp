// Raids over REST. Starting one checks, in order: the raider is live (its viewers are what
// moves), the target exists and is live, and the target accepts raids from it (its setting,
// its block list, and for "followed" its owner's follows); only then does the countdown begin.
#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/raid/internal.hpp"
#include "actors/raid/raid.hpp"
#include "actors/social/follows.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using raid_ref = entity_ref<raid_protocol>;
using channel_ref = entity_ref<channel_protocol>;

json status_json(const raid_status& s) {
  if (s.target.empty())
    return json{{"raid", nullptr}};
  return json{
    {"raid",
     {{"target", s.target}, {"viewers", s.viewers}, {"go_at_ms", s.go_at_ms}, {"state", s.state}}}};
}

json settings_json(const raid_settings& s) {
  return json{{"accept", s.accept}, {"blocked", s.blocked}};
}

void begin(const node_env& env, const std::string& source, const std::string& target,
           std::uint64_t viewers, route_reply reply) {
  raid_ref{env.registry, source}
    .ask(raid_start_atom::value, target, viewers)
    .then(*env.sys, answer<raid_status>(std::move(reply), status_json, 201));
}

// The target's consent: its setting and blocks, then (for "followed") its owner's follows.
void with_consent(const node_env& env, const std::string& source, const channel_view& target,
                  route_reply reply, std::function<void()> then) {
  raid_ref{env.registry, target.name}
    .ask(raid_accept_atom::value, source)
    .then(*env.sys, [env, source, target, reply, then](caf::expected<std::string> accept) {
      if (!accept)
        return reply(accept.error());
      if (*accept != raid_accept::followed)
        return then();
      auto refused = make_error(errc::forbidden,
                                target.name + " only accepts raids from channels it follows");
      if (target.owner_is_admin)
        return reply(refused);
      entity_ref<follows_protocol>{env.registry, target.owner}
        .ask(get_atom::value)
        .then(*env.sys, [source, reply, then, refused](caf::expected<follows_view> follows) {
          if (!follows)
            return reply(follows.error());
          for (auto& followed : follows->channels)
            if (followed.channel == source)
              return then();
          reply(refused);
        });
    });
}

void start_raid(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"target"}))
    return reply(err);
  auto target = string_field(*body, "target", true);
  if (!target)
    return reply(target.error());
  const auto& source = req.param("channel");
  auto name = **target;
  if (!valid_channel_name(name))
    return reply(make_error(errc::not_found, "channel '" + name + "' not found"));
  if (name == source)
    return reply(make_error(errc::invalid_argument, "a channel cannot raid itself"));
  channel_ref{env.registry, source}
    .ask(get_atom::value)
    .then(*env.sys, [env, source, name, reply](caf::expected<channel_view> raider) {
      if (!raider)
        return reply(raider.error());
      if (!raider->live)
        return reply(make_error(errc::conflict, "raids start from a live stream: go live first"));
      channel_ref{env.registry, name}
        .ask(get_atom::value)
        .then(*env.sys,
              [env, source, viewers = raider->viewers, reply](caf::expected<channel_view> target) {
                if (!target)
                  return reply(target.error());
                if (!target->live)
                  return reply(make_error(errc::conflict, target->name + " is offline"));
                with_consent(env, source, *target, reply,
                             [env, source, name = target->name, viewers, reply] {
                               begin(env, source, name, viewers, reply);
                             });
              });
    });
}

// Owner routes that are one command to raid/<channel> answered with its status or settings.
template <class Reply, class Render, class... Ts>
route_handler command(const node_env& env, Render render, Ts... command) {
  return [env, render, command...](route_request&& req, route_reply reply) {
    if (!valid_channel_name(req.param("channel")))
      return reply(make_error(errc::not_found, "channel not found"));
    raid_ref{env.registry, req.param("channel")}
      .ask(command...)
      .then(*env.sys, answer<Reply>(std::move(reply), render));
  };
}

void set_settings(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"accept"}))
    return reply(err);
  auto accept = string_field(*body, "accept", true);
  if (!accept)
    return reply(accept.error());
  raid_ref{env.registry, req.param("channel")}
    .ask(raid_settings_atom::value, **accept)
    .then(*env.sys, answer<raid_settings>(std::move(reply), settings_json));
}

route_handler block_raider(const node_env& env, bool block) {
  return [env, block](route_request&& req, route_reply reply) {
    auto other = req.param("other");
    if (!valid_channel_name(other))
      return reply(make_error(errc::not_found, "channel '" + other + "' not found"));
    raid_ref{env.registry, req.param("channel")}
      .ask(raid_block_atom::value, other, block)
      .then(*env.sys, answer<raid_settings>(std::move(reply), settings_json));
  };
}

}  // namespace

void add_raid_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(post, "channels/{channel}/raid", access::owner, with_env(env, start_raid),
         "starts a raid on a live channel: 90 s countdown, then every viewer moves there")
    .scope = "channel:manage";
  routes
    .add(post, "channels/{channel}/raid/go", access::owner,
         command<raid_status>(env, status_json, raid_go_atom::value),
         "raids now instead of at the end of the countdown")
    .scope = "channel:manage";
  routes
    .add(del, "channels/{channel}/raid", access::owner,
         command<raid_status>(env, status_json, raid_cancel_atom::value),
         "cancels the raid counting down")
    .scope = "channel:manage";
  routes.add(get, "channels/{channel}/raid", access::anyone,
             command<raid_status>(env, status_json, get_atom::value),
             "the raid counting down, if any (for viewers joining during it)");
  routes
    .add(get, "channels/{channel}/raid-settings", access::owner,
         command<raid_settings>(env, settings_json, raid_settings_atom::value),
         "who may raid the channel, and the channels it blocked from raiding")
    .scope = "channel:manage";
  routes
    .add(patch, "channels/{channel}/raid-settings", access::owner, with_env(env, set_settings),
         "accept raids from everyone, followed or nobody")
    .scope = "channel:manage";
  routes
    .add(post, "channels/{channel}/raid-blocks/{other}", access::owner, block_raider(env, true),
         "blocks a channel from raiding this one")
    .scope = "channel:manage";
  routes
    .add(del, "channels/{channel}/raid-blocks/{other}", access::owner, block_raider(env, false),
         "lets a blocked channel raid again")
    .scope = "channel:manage";
}

}  // namespace aethex::actors
