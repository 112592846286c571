// The leaderboards domain's own parts, for its files; other domains include leaderboards.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "actors/core/module.hpp"
#include "actors/leaderboards/board.hpp"

namespace aethex::actors {

struct lb_create_spec {
  std::string name, mode, order;
};

/// Bodies of the entity's commands, checked against the documented limits (invalid_argument
/// naming the field, invalid_json for text that is no JSON object).
caf::expected<lb_create_spec> parse_lb_create(std::string_view body);
caf::expected<lb_score> parse_lb_score(std::string_view body);
caf::expected<lb_match> parse_lb_match(std::string_view body);

/// leaderboards, leaderboards/{game}, …/players/{player}, …/keys, …/scores, …/matches,
/// players/{player}/stats, users/{user}/achievements.
void add_leaderboard_routes(route_table& routes, const node_env& env);

/// leaderboard/<game> in the console: get and tick.
console::adapter leaderboard_adapter();

/// The read model: leaderboards (game, owner) and badges (user, game, badge), for the per-owner
/// limit and the achievements of a user across games.
std::unique_ptr<storage::projection> make_leaderboards_projection();
void add_leaderboard_queries(read_query_table& queries);

/// The badges a user chose to show in chat, from their rows of "leaderboards.achievements", as
/// the JSON array text chat rooms take (at most chat_badges_per_user_max, newest first).
std::string shown_chat_badges(std::vector<nlohmann::json> rows);
/// The node's chat badge service (actors/chat/chat_badges.hpp).
caf::actor spawn_chat_badge_service(const node_env& env);

}  // namespace aethex::actors
