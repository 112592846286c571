// Request bodies of leaderboard/<game>, checked once at the entity (routes and tournaments both
// end here), so every source of results obeys the same limits.
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "actors/core/route.hpp"
#include "actors/leaderboards/internal.hpp"
#include "actors/leaderboards/leaderboards.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

caf::error lb_bad(std::string message, std::string reason = {}) {
  return make_error(errc::invalid_argument, std::move(message), std::move(reason));
}

caf::expected<json> lb_object(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  return j;
}

bool stat_name_ok(std::string_view n) {
  return !n.empty() && n.size() <= 40 && std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

caf::expected<lb_stat_list> lb_parse_stats(const json& j) {
  if (!j.is_object())
    return lb_bad("stats must be an object of name: number", "stats");
  if (j.size() > lb_stats_max)
    return lb_bad("at most 20 stats per submission", "stats");
  lb_stat_list out;
  for (const auto& [k, v] : j.items()) {
    if (!stat_name_ok(k))
      return lb_bad("stat names are 1-40 of a-z 0-9 _", "stats");
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      return lb_bad("stat '" + k + "' must be a finite number", "stats");
    out.emplace_back(k, v.get<double>());
  }
  return out;
}

caf::expected<std::string> lb_player_field(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string() || !valid_lb_player(it->get<std::string>()))
    return lb_bad(std::string{"'"} + key + "' must be a player id (1-64 of A-Z a-z 0-9 _ - .)",
                  key);
  return it->get<std::string>();
}

}  // namespace

caf::expected<lb_create_spec> parse_lb_create(std::string_view body) {
  auto j = lb_object(body);
  if (!j)
    return j.error();
  if (auto err = only_fields(*j, {"game", "name", "mode", "order"}))
    return err;
  lb_create_spec spec;
  auto name = j->value("name", json());
  if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().size() > 80)
    return lb_bad("'name' must be 1-80 characters", "name");
  spec.name = name.get<std::string>();
  auto mode = j->value("mode", json());
  if (mode != "rating" && mode != "score")
    return lb_bad("'mode' must be rating or score", "mode");
  spec.mode = mode.get<std::string>();
  auto order = j->value("order", json("desc"));
  if (order != "desc" && order != "asc")
    return lb_bad("'order' must be desc or asc", "order");
  if (spec.mode == "rating" && order == "asc")
    return lb_bad("ratings rank highest first: 'order' must be desc", "order");
  spec.order = order.get<std::string>();
  return spec;
}

caf::expected<lb_score> parse_lb_score(std::string_view body) {
  auto j = lb_object(body);
  if (!j)
    return j.error();
  if (auto err = only_fields(*j, {"player", "score", "stats"}))
    return err;
  lb_score s;
  auto player = lb_player_field(*j, "player");
  if (!player)
    return player.error();
  s.player = std::move(*player);
  auto score = j->value("score", json());
  if (!score.is_number() || !std::isfinite(score.get<double>()) ||
      std::abs(score.get<double>()) > 1e15)
    return lb_bad("'score' must be a number of magnitude at most 1e15", "score");
  s.score = score.get<double>();
  if (j->contains("stats")) {
    auto stats = lb_parse_stats(j->at("stats"));
    if (!stats)
      return stats.error();
    s.stats = std::move(*stats);
  }
  return s;
}

caf::expected<lb_match> parse_lb_match(std::string_view body) {
  auto j = lb_object(body);
  if (!j)
    return j.error();
  if (auto err = only_fields(*j, {"winner", "loser", "draw", "match_id", "stats"}))
    return err;
  lb_match m;
  auto winner = lb_player_field(*j, "winner");
  if (!winner)
    return winner.error();
  auto loser = lb_player_field(*j, "loser");
  if (!loser)
    return loser.error();
  m.winner = std::move(*winner);
  m.loser = std::move(*loser);
  if (m.winner == m.loser)
    return lb_bad("a player cannot play against themselves", "loser");
  auto draw = j->value("draw", json(false));
  if (!draw.is_boolean())
    return lb_bad("'draw' must be true or false", "draw");
  m.draw = draw.get<bool>();
  auto id = j->value("match_id", json(""));
  if (!id.is_string() || id.get<std::string>().size() > 100)
    return lb_bad("'match_id' must be a string of at most 100 characters", "match_id");
  m.match_id = id.get<std::string>();
  if (j->contains("stats")) {
    const auto& stats = j->at("stats");
    if (!stats.is_object())
      return lb_bad("stats must be an object {player: {name: number}}", "stats");
    for (const auto& [player, s] : stats.items()) {
      if (player != m.winner && player != m.loser)
        return lb_bad("stats may only name the match's two players", "stats");
      auto parsed = lb_parse_stats(s);
      if (!parsed)
        return parsed.error();
      m.stats.emplace_back(player, std::move(*parsed));
    }
  }
  return m;
}

}  // namespace aethex::actors
