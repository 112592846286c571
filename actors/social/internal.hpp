// The social domain's own parts, for its module.cpp; other domains include follows.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// POST/DELETE /api/v1/channels/{channel}/follow, GET /api/v1/channels/{channel}/followers,
/// GET /api/v1/me/following.
void add_social_routes(route_table& routes, const node_env& env);

/// GET /api/v1/me/recommendations (recommendations.cpp).
void add_recommendation_routes(route_table& routes, const node_env& env);
/// "social.co_follows" {"channels","user"} → [{"channel","users","via"}]: channels followed by
/// the owned users who follow one of `channels` (not those, not the user's own), most first.
nlohmann::json co_follows_query(storage::sqlite::database& db, const nlohmann::json& args,
                                const owns_fn& owns);

/// follows/<user> in the console: following, follow, unfollow.
console::adapter follows_adapter();

/// "social.followers" {"channel"} → [{"followers": n}] counted over the users a member owns.
nlohmann::json followers_query(storage::sqlite::database& db, const nlohmann::json& args,
                               const owns_fn& owns);

}  // namespace aethex::actors
