// Polls over REST (docs/engagement.md, section Polls). Managers (the broadcaster or the admin,
// editors, moderators) are told apart by the channel's chat room, which knows the roles and
// answers 404 for a channel that does not exist; the rules of polls and votes are the entity's.
#include <limits>

#include "actors/channel/channel.hpp"
#include "actors/chat/roles.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/polls/internal.hpp"
#include "actors/polls/poll.hpp"
#include "actors/polls/polls.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using poll_ref = entity_ref<poll_protocol>;

caf::error unknown_channel(const std::string& name) {
  return make_error(errc::not_found, "channel '" + name + "' not found");
}

// Runs `then` when `who` manages `channel`'s polls; 404 for a channel that does not exist.
void as_manager(const node_env& env, const std::string& channel, const runtime::principal& who,
                route_reply reply, std::function<void()> then) {
  check_channel_role(env, who, channel, {"broadcaster", "editor", "moderator"},
                     [reply, then](caf::error err) {
                       if (err)
                         return reply(err);
                       then();
                     });
}

// A whole-number field; `fallback` when absent (nullopt: required).
caf::expected<std::int64_t> int_field(const json& body, const char* key,
                                      std::optional<std::int64_t> fallback) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (fallback)
      return *fallback;
    return make_error(errc::invalid_argument, std::string{"'"} + key + "' is required");
  }
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() &&
       it->get<std::uint64_t>() >
         static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))
    return make_error(errc::invalid_argument, std::string{"'"} + key + "' must be a whole number");
  return it->get<std::int64_t>();
}

void start_poll(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(unknown_channel(channel));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  as_manager(env, channel, req.who, reply, [env, channel, reply, text = body->dump()] {
    poll_ref{env.registry, channel}
      .ask(poll_start_atom::value, text)
      .then(*env.sys, pass_json_text(reply, 201));
  });
}

void end_poll_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(unknown_channel(channel));
  as_manager(env, channel, req.who, reply, [env, channel, reply] {
    poll_ref{env.registry, channel}.ask(poll_end_atom::value).then(*env.sys, pass_json_text(reply));
  });
}

void current_poll(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(unknown_channel(channel));
  auto user = req.who.is_user() ? req.who.name : std::string{};
  poll_ref{env.registry, channel}
    .ask(poll_get_atom::value, std::move(user))
    .then(*env.sys, [env, channel, reply](caf::expected<std::string> poll) {
      if (poll || code_of(poll.error()) != errc::not_found)
        return pass_json_text(reply)(std::move(poll));
      // No poll: `null` for a channel that exists, 404 for one that does not.
      entity_ref<channel_protocol>{env.registry, channel}
        .ask(get_atom::value)
        .then(*env.sys, [reply](caf::expected<channel_view> view) {
          if (!view)
            return reply(view.error());
          reply(route_response{200, "null", {}});
        });
    });
}

void vote_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(unknown_channel(channel));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"choice", "votes"}))
    return reply(err);
  auto choice = int_field(*body, "choice", std::nullopt);
  if (!choice)
    return reply(choice.error());
  auto votes = int_field(*body, "votes", 1);
  if (!votes)
    return reply(votes.error());
  poll_ref{env.registry, channel}
    .ask(poll_vote_atom::value, req.who.name, *choice, *votes)
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void archive(const node_env& env, route_request&& req, route_reply reply) {
  const auto& channel = req.param("channel");
  if (!valid_channel_name(channel))
    return reply(unknown_channel(channel));
  auto limit = req.number_param("limit", 20, 1, poll_limits::archive_max);
  if (!limit)
    return reply(limit.error());
  poll_ref{env.registry, channel}
    .ask(poll_archive_atom::value, static_cast<std::int64_t>(*limit))
    .then(*env.sys, [env, channel, reply](caf::expected<std::string> polls) {
      if (!polls)
        return reply(polls.error());
      if (json::parse(*polls, nullptr, false).value("polls", json::array()).size() > 0)
        return reply(route_response{200, std::move(*polls), {}});
      // No polls yet: a channel that does not exist is a 404, not an empty archive.
      entity_ref<channel_protocol>{env.registry, channel}
        .ask(get_atom::value)
        .then(*env.sys, [reply, polls = *polls](caf::expected<channel_view> found) {
          if (!found)
            return reply(found.error());
          reply(route_response{200, polls, {}});
        });
    });
}

}  // namespace

void add_poll_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(post, "channels/{channel}/polls", access::signed_in, with_env(env, start_poll),
         "starts a poll (managers): title, 2-5 choices, 15-1800 s, optional paid extra votes")
    .scope = "engagement:manage";
  routes.add(get, "channels/{channel}/polls/current", access::anyone,
             with_caller(env, with_env(env, current_poll)),
             "the active poll, or the last one ended < 5 min ago (else null); my_votes with a "
             "bearer token");
  routes.add(post, "channels/{channel}/polls/current/vote", access::user, with_env(env, vote_route),
             "votes: the first vote is free, further ones cost channel points when enabled");
  routes
    .add(post, "channels/{channel}/polls/current/end", access::signed_in,
         with_env(env, end_poll_route), "ends the active poll now (managers)")
    .scope = "engagement:manage";
  routes.add(get, "channels/{channel}/polls", access::anyone, with_env(env, archive),
             "the last ended polls with their results, newest first (limit 1-50)");
}

}  // namespace aethex::actors
