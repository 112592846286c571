// Leaderboards over REST (docs/esports.md, section Leaderboards). Game integrations authenticate
// with a game key (header X-Game-Key), checked by the entity against the keys' hashes; the key is
// never logged or echoed. Ownership (keys) is the entity's check too: it knows its owner.
#include <algorithm>

#include "actors/core/entity_ref.hpp"
#include "actors/leaderboards/internal.hpp"
#include "actors/leaderboards/leaderboards.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using lb_ref = entity_ref<leaderboard_protocol>;

caf::error lb_unknown(const std::string& game) {
  return make_error(errc::not_found, "leaderboard '" + game + "' not found");
}

std::string lb_window_param(const route_request& req) {
  return req.query_param("window").value_or("all_time");
}

void create_route(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto game = body->value("game", json());
  if (!game.is_string() || !valid_lb_game(game.get<std::string>()))
    return reply(make_error(errc::invalid_argument, "'game' must be 3-40 of a-z 0-9 _ -", "game"));
  auto caller = req.who.display();
  auto create = [env, reply, caller, game = game.get<std::string>(), text = body->dump()] {
    lb_ref{env.registry, game}
      .ask(lb_create_atom::value, caller, text)
      .then(*env.sys, pass_written_json_text(env, reply, 201));
  };
  if (req.who.is_admin())
    return create();
  // The per-owner limit is read from the read model: two creations racing may both pass.
  env.query("leaderboards.owned", json{{"owner", caller}},
            [reply, create](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::int64_t owned = 0;
              for (auto& row : *rows)
                owned += row.value("owned", std::int64_t{0});
              if (owned >= static_cast<std::int64_t>(lb_per_owner_max))
                return reply(make_error(errc::invalid_argument,
                                        "an account may own at most 20 leaderboards",
                                        "leaderboards"));
              create();
            });
}

void top_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& game = req.param("game");
  if (!valid_lb_game(game))
    return reply(lb_unknown(game));
  auto offset = req.number_param("offset", 0, 0, lb_players_max);
  if (!offset)
    return reply(offset.error());
  auto limit = req.number_param("limit", 20, 1, 100);
  if (!limit)
    return reply(limit.error());
  lb_ref{env.registry, game}
    .ask(lb_top_atom::value, lb_window_param(req), static_cast<std::int64_t>(*offset),
         static_cast<std::int64_t>(*limit))
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void position_of(const node_env& env, const route_request& req, const std::string& player,
                 route_reply reply) {
  const auto& game = req.param("game");
  if (!valid_lb_game(game))
    return reply(lb_unknown(game));
  auto around = req.number_param("around", 5, 0, 50);
  if (!around)
    return reply(around.error());
  lb_ref{env.registry, game}
    .ask(lb_player_atom::value, player, lb_window_param(req), static_cast<std::int64_t>(*around))
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void player_route(const node_env& env, route_request&& req, route_reply reply) {
  position_of(env, req, req.param("player"), std::move(reply));
}

// The signed-in viewer's own position: their account name is their player id.
void my_position_route(const node_env& env, route_request&& req, route_reply reply) {
  position_of(env, req, req.who.name, std::move(reply));
}

void key_new_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& game = req.param("game");
  if (!valid_lb_game(game))
    return reply(lb_unknown(game));
  lb_ref{env.registry, game}
    .ask(lb_key_new_atom::value, req.who.display())
    .then(*env.sys, pass_json_text(std::move(reply), 201));
}

void key_del_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& game = req.param("game");
  if (!valid_lb_game(game))
    return reply(lb_unknown(game));
  lb_ref{env.registry, game}
    .ask(lb_key_del_atom::value, req.who.display(), req.param("key_id"))
    .then(*env.sys, pass_json_text(std::move(reply)));
}

std::string game_key_of(const route_request& req) {
  auto it = req.headers.find("x-game-key");
  return it == req.headers.end() ? std::string{} : it->second;
}

void score_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& game = req.param("game");
  if (!valid_lb_game(game))
    return reply(lb_unknown(game));
  auto key = game_key_of(req);
  if (key.empty())
    return reply(make_error(errc::unauthorized, "a game key (header X-Game-Key) is required"));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  lb_ref{env.registry, game}
    .ask(lb_score_atom::value, std::move(key), body->dump())
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void match_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& game = req.param("game");
  if (!valid_lb_game(game))
    return reply(lb_unknown(game));
  auto key = game_key_of(req);
  if (key.empty() && req.who.is_anonymous())
    return reply(make_error(errc::unauthorized,
                            "a game key (header X-Game-Key) or the owner's sign-in is required"));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  lb_ref{env.registry, game}
    .ask(lb_key_match_atom::value, std::move(key), req.who.display(), body->dump())
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void stats_route(const node_env& env, route_request&& req, route_reply reply) {
  auto game = req.query_param("game");
  if (!game || !valid_lb_game(*game))
    return reply(make_error(errc::invalid_argument, "'game' (a leaderboard's slug) is required",
                            "game"));
  lb_ref{env.registry, *game}
    .ask(lb_stats_atom::value, req.param("player"))
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void achievements_route(const node_env& env, route_request&& req, route_reply reply) {
  auto user = req.param("user");
  if (!valid_lb_player(user))
    return reply(make_error(errc::not_found, "no such user"));
  env.query("leaderboards.achievements", json{{"user", user}},
            [reply, user](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              auto badges = json::array();
              for (auto& row : *rows)
                badges.push_back(std::move(row));
              std::sort(badges.begin(), badges.end(), [](const json& a, const json& b) {
                return a.value("at_ms", std::int64_t{0}) < b.value("at_ms", std::int64_t{0});
              });
              reply(route_response::json(200, json{{"user", user}, {"achievements", badges}}));
            });
}

void chat_show_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& game = req.param("game");
  if (!valid_lb_game(game))
    return reply(lb_unknown(game));
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"show_in_chat"}))
    return reply(err);
  auto show = body->value("show_in_chat", json());
  if (!show.is_boolean())
    return reply(make_error(errc::invalid_argument, "'show_in_chat' must be true or false",
                            "show_in_chat"));
  lb_ref{env.registry, game}
    .ask(lb_chat_show_atom::value, req.who.name, req.param("user"), req.param("badge"),
         std::int64_t{show.get<bool>() ? 1 : 0})
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

}  // namespace

void add_leaderboard_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes.add(post, "leaderboards", access::signed_in, with_env(env, create_route),
             "creates a game's leaderboard: game, name, mode rating|score, order desc|asc");
  routes.add(get, "leaderboards/{game}", access::anyone, with_env(env, top_route),
             "a window's ranking (window weekly|monthly|all_time, offset, limit 1-100)");
  routes.add(get, "leaderboards/{game}/players/{player}", access::anyone,
             with_env(env, player_route),
             "a player's rank, value, change and `around` (0-50) neighbours on each side");
  routes.add(get, "leaderboards/{game}/me", access::user, with_env(env, my_position_route),
             "the signed-in viewer's own rank, value, change and neighbours");
  routes.add(post, "leaderboards/{game}/keys", access::signed_in, with_env(env, key_new_route),
             "a new game key for integrations (owner); the key is shown only in this answer");
  routes.add(del, "leaderboards/{game}/keys/{key_id}", access::signed_in,
             with_env(env, key_del_route), "revokes a game key (owner)");
  routes
    .add(post, "leaderboards/{game}/scores", access::anyone, with_env(env, score_route),
         "submits a player's score (header X-Game-Key): player, score, stats")
    .headers = {"x-game-key"};
  routes
    .add(post, "leaderboards/{game}/matches", access::anyone,
         with_caller(env, with_env(env, match_route)),
         "submits a match result (header X-Game-Key, or the owner): winner, loser, draw, stats")
    .headers = {"x-game-key"};
  routes.add(get, "players/{player}/stats", access::anyone, with_env(env, stats_route),
             "a player's matches, win rate, rating history, stats and badges on `game`");
  routes.add(get, "users/{user}/achievements", access::anyone, with_env(env, achievements_route),
             "a user's badges across games");
  routes.add(put, "users/{user}/achievements/{game}/{badge}", access::user,
             with_env(env, chat_show_route),
             "the user's choice to show one of their badges in chat: show_in_chat");
}

}  // namespace aethex::actors
