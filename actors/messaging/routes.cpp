// Friends and blocks over REST. Each change is made on the asking user's side first (where a
// block of theirs refuses it), then on the other side, whose answer is final; the other user's
// pages hear of it on the "messages" topic. A block is never announced to the blocked user.
#include <algorithm>

#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "actors/messaging/internal.hpp"
#include "actors/messaging/message_hub.hpp"
#include "actors/messaging/relations.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using relations_ref = entity_ref<relations_protocol>;

// The API's words: a request sent is "requested", a friend "friends".
std::string api_state(std::string_view state) {
  if (state == relation::outgoing)
    return "requested";
  return state == relation::friends ? "friends" : std::string{state};
}

json state_json(const std::string& user, std::string_view state) {
  return json{{"user", user}, {"state", api_state(state)}};
}

// What the other user's pages see: `me` asked them, became their friend, or is gone.
void tell_other(const node_env& env, const std::string& me, const std::string& other,
                std::string_view their_state) {
  auto state = their_state == relation::incoming ? std::string{"requested"}
                                                 : api_state(their_state);
  push_to_users(env, {other}, json{{"type", "friend"}, {"user", me}, {"state", state}});
}

void send_request(const node_env& env, route_request&& req, route_reply reply) {
  auto me = req.who.name;
  auto other = req.param("user");
  with_other_user(env, me, other, reply, [env, me, other, reply] {
    relations_ref{env.registry, me}
      .ask(friend_ask_atom::value, other)
      .then(*env.sys, [env, me, other, reply](caf::expected<std::string> mine) {
        if (!mine)
          return reply(mine.error());
        relations_ref{env.registry, other}
          .ask(friend_asked_atom::value, me)
          .then(*env.sys, [env, me, other, reply, mine = *mine](caf::expected<std::string> theirs) {
            if (!theirs) {
              // They refuse (a block, too many requests): our side's request goes again.
              relations_ref{env.registry, me}.tell(relation_drop_atom::value, other);
              return reply(theirs.error());
            }
            env.read_models_changed();
            tell_other(env, me, other, *theirs);
            if (*theirs == relation::friends && mine != relation::friends)
              return relations_ref{env.registry, me}
                .ask(relation_mirror_atom::value, other, *theirs)
                .then(*env.sys, answer<std::string>(reply, [other](const std::string& state) {
                  return state_json(other, state);
                }));
            reply(route_response::json(200, state_json(other, mine)));
          });
      });
  });
}

// A change on our side (accept, drop, block: `Command`) that the other side mirrors (a block
// as the end of whatever was between us).
template <class Command>
void change_and_mirror(const node_env& env, const std::string& me, const std::string& other,
                       Command command, route_reply reply) {
  relations_ref{env.registry, me}
    .ask(command, other)
    .then(*env.sys, [env, me, other, reply](caf::expected<std::string> mine) {
      if (!mine)
        return reply(mine.error());
      auto mirrored = *mine == relation::blocked ? std::string{relation::none} : *mine;
      relations_ref{env.registry, other}
        .ask(relation_mirror_atom::value, me, mirrored)
        .then(*env.sys, [env, me, other, reply, mine = *mine](caf::expected<std::string> theirs) {
          if (!theirs)
            return reply(theirs.error());
          env.read_models_changed();
          if (mine != relation::blocked && *theirs != relation::blocked)
            tell_other(env, me, other, *theirs);
          reply(route_response::json(200, state_json(other, mine)));
        });
    });
}

json relations_json(const relations_view& view, const std::vector<std::string>& online) {
  json out{{"friends", json::array()},
           {"incoming", json::array()},
           {"outgoing", json::array()},
           {"blocked", json::array()}};
  for (auto& e : view.entries) {
    if (e.state == relation::friends) {
      bool is_online = std::find(online.begin(), online.end(), e.user) != online.end();
      out["friends"].push_back(json{
        {"user", e.user}, {"since_ms", e.since_ms}, {"online", is_online}});
    } else {
      out[e.state].push_back(json{{"user", e.user}, {"at_ms", e.since_ms}});
    }
  }
  return out;
}

// The lists, with each friend's presence from this member's hub (it knows the whole cluster's).
void list_relations(const node_env& env, route_request&& req, route_reply reply) {
  relations_ref{env.registry, req.who.name}
    .ask(get_atom::value)
    .then(*env.sys, [env, reply](caf::expected<relations_view> view) {
      if (!view)
        return reply(view.error());
      std::vector<std::string> friends;
      for (auto& e : view->entries)
        if (e.state == relation::friends)
          friends.push_back(e.user);
      auto hub = env.services->find("topic:" + std::string{messages_topic});
      if (friends.empty() || !hub)
        return reply(route_response::json(200, relations_json(*view, {})));
      env.sys->spawn([hub, friends, view = *view, reply](caf::event_based_actor* self) {
        self->request(hub, std::chrono::seconds(5), online_atom::value, friends)
          .then(
            [view, reply](const std::vector<std::string>& online) {
              reply(route_response::json(200, relations_json(view, online)));
            },
            [view, reply](const caf::error&) {  // presence is a nicety: the lists still answer
              reply(route_response::json(200, relations_json(view, {})));
            });
      });
    });
}

}  // namespace

void with_other_user(const node_env& env, const std::string& me, const std::string& user,
                     route_reply reply, std::function<void()> then) {
  if (!valid_username(user))
    return reply(make_error(errc::not_found, "user not found"));
  if (user == me)
    return reply(make_error(errc::invalid_argument, "that is you"));
  entity_ref<user_protocol>{env.registry, user}
    .ask(get_atom::value)
    .then(*env.sys, [reply, then = std::move(then)](caf::expected<user_view> account) {
      if (!account)
        return reply(account.error());
      then();
    });
}

void push_to_users(const node_env& env, std::initializer_list<std::string> users,
                   const json& frame) {
  env.publish(std::string{message_push_topic},
              json{{"users", json(users)}, {"frame", frame}}.dump());
}

void add_friend_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(post, "users/{user}/friend", access::user, with_env(env, send_request),
             "asks a user to be friends (accepts when they asked first)");
  routes.add(
    post, "me/friends/requests/{user}/accept", access::user,
    [env](route_request&& req, route_reply reply) {
      auto other = req.param("user");
      if (!valid_username(other))
        return reply(make_error(errc::not_found, "user not found"));
      change_and_mirror(env, req.who.name, other, friend_accept_atom::value, std::move(reply));
    },
    "accepts a friend request");
  routes.add(
    del, "users/{user}/friend", access::user,
    [env](route_request&& req, route_reply reply) {
      auto other = req.param("user");
      if (!valid_username(other) || other == req.who.name)
        return reply(make_error(errc::not_found, "user not found"));
      change_and_mirror(env, req.who.name, other, relation_drop_atom::value, std::move(reply));
    },
    "ends a friendship, cancels a request or declines one");
  routes.add(
    post, "users/{user}/block", access::user,
    [env](route_request&& req, route_reply reply) {
      auto me = req.who.name;
      auto other = req.param("user");
      with_other_user(env, me, other, reply, [env, me, other, reply] {
        change_and_mirror(
          env, me, other, block_atom::value, [other, reply](caf::expected<route_response> done) {
            if (!done)
              return reply(done.error());
            reply(route_response::json(200, json{{"user", other}, {"blocked", true}}));
          });
      });
    },
    "blocks a user: no friend requests or messages from them");
  routes.add(
    del, "users/{user}/block", access::user,
    [env](route_request&& req, route_reply reply) {
      auto other = req.param("user");
      if (!valid_username(other))
        return reply(make_error(errc::not_found, "user not found"));
      relations_ref{env.registry, req.who.name}
        .ask(unblock_atom::value, other)
        .then(*env.sys, [env, other, reply](caf::expected<std::string> state) {
          if (!state)
            return reply(state.error());
          env.read_models_changed();
          reply(route_response::json(200, json{{"user", other}, {"blocked", false}}));
        });
    },
    "unblocks a user");
  routes
    .add(get, "me/friends", access::user, with_env(env, list_relations),
         "the signed-in account's friends, requests both ways and blocked users")
    .scope = "user:read";
}

}  // namespace aethex::actors
