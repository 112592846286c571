// The messaging domain's own parts, for its module.cpp; other domains include relations.hpp or
// dm_thread.hpp.
#pragma once

#include <functional>
#include <string>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// Friends and blocks: POST/DELETE users/{user}/friend, POST me/friends/requests/{user}/accept,
/// POST/DELETE users/{user}/block, GET me/friends.
void add_friend_routes(route_table& routes, const node_env& env);
/// Direct messages: GET me/dms, GET/POST me/dms/{user}, POST me/dms/{user}/read.
void add_dm_routes(route_table& routes, const node_env& env);

/// Calls `then` when `user` is an account other than `me`; answers the error otherwise
/// (not_found for an unknown or malformed name, invalid_argument for oneself).
void with_other_user(const node_env& env, const std::string& me, const std::string& user,
                     route_reply reply, std::function<void()> then);
/// Sends `frame` to the pages of `users` that subscribed to "messages", on every member.
void push_to_users(const node_env& env, std::initializer_list<std::string> users,
                   const nlohmann::json& frame);

/// relations/<user> and dm/<a.b> in the console.
console::adapter relations_adapter();
console::adapter dm_thread_adapter();

}  // namespace aethex::actors
