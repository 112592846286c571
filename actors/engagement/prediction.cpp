#include "actors/engagement/prediction.hpp"

#include <algorithm>

#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using json = nlohmann::json;

std::int64_t prediction::pool() const {
  std::int64_t sum = 0;
  for (const auto& [user, s] : stakes)
    sum += s.points;
  return sum;
}

std::int64_t prediction::pool_of(std::int64_t outcome) const {
  std::int64_t sum = 0;
  for (const auto& [user, s] : stakes)
    if (s.outcome == outcome)
      sum += s.points;
  return sum;
}

json prediction::to_json(const std::string& user) const {
  std::vector<std::int64_t> points(outcomes.size(), 0);
  std::vector<std::int64_t> users(outcomes.size(), 0);
  for (const auto& [name, s] : stakes) {
    points[static_cast<std::size_t>(s.outcome)] += s.points;
    ++users[static_cast<std::size_t>(s.outcome)];
  }
  json list = json::array();
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    list.push_back(json{{"title", outcomes[i]}, {"points", points[i]}, {"users", users[i]}});
  json j{{"id", id},
         {"title", title},
         {"outcomes", list},
         {"state", state},
         {"window_s", window_s},
         {"created_at_ms", created_at_ms},
         {"locks_at_ms", locks_at_ms},
         {"ended_at_ms", ended_at_ms},
         {"total_points", pool()},
         {"winning_outcome", winner >= 0 ? json(winner) : json(nullptr)}};
  if (!user.empty())
    if (auto it = stakes.find(user); it != stakes.end()) {
      json mine{{"outcome", it->second.outcome}, {"points", it->second.points}};
      if (state == "resolved") {
        auto got = paid.find(user);
        mine["won"] = got == paid.end() ? 0 : got->second;
      }
      j["my_stake"] = mine;
    }
  return j;
}

json prediction::snapshot() const {
  json s = json::object();
  for (const auto& [user, stake] : stakes)
    s[user] = json::array({stake.outcome, stake.points, stake.order});
  return json{{"id", id},
              {"title", title},
              {"outcomes", outcomes},
              {"window_s", window_s},
              {"created_at_ms", created_at_ms},
              {"locks_at_ms", locks_at_ms},
              {"ended_at_ms", ended_at_ms},
              {"state", state},
              {"winner", winner},
              {"stakes", s},
              {"paid", paid}};
}

prediction prediction::restore(const json& j) {
  prediction p;
  p.id = j.at("id").get<std::string>();
  p.title = j.at("title").get<std::string>();
  p.outcomes = j.at("outcomes").get<std::vector<std::string>>();
  p.window_s = j.at("window_s").get<std::int64_t>();
  p.created_at_ms = j.at("created_at_ms").get<std::int64_t>();
  p.locks_at_ms = j.at("locks_at_ms").get<std::int64_t>();
  p.ended_at_ms = j.at("ended_at_ms").get<std::int64_t>();
  p.state = j.at("state").get<std::string>();
  p.winner = j.at("winner").get<std::int64_t>();
  for (const auto& [user, s] : j.at("stakes").items())
    p.stakes[user] = prediction_stake{s.at(0).get<std::int64_t>(), s.at(1).get<std::int64_t>(),
                                      s.at(2).get<std::uint64_t>()};
  p.paid = j.at("paid").get<std::map<std::string, std::int64_t>>();
  return p;
}

caf::expected<prediction_spec> prediction_spec_of(const json& body) {
  prediction_spec spec;
  auto title = body.find("title");
  if (title == body.end() || !title->is_string() || is_blank(title->get<std::string>()) ||
      utf8_length(title->get<std::string>()) > prediction_limits::max_title_chars)
    return make_error(errc::invalid_argument, "'title' must be 1-45 characters");
  spec.title = title->get<std::string>();
  auto outcomes = body.find("outcomes");
  if (outcomes == body.end() || !outcomes->is_array() ||
      outcomes->size() < prediction_limits::min_outcomes ||
      outcomes->size() > prediction_limits::max_outcomes)
    return make_error(errc::invalid_argument, "'outcomes' must be 2-10 strings");
  for (const auto& o : *outcomes) {
    if (!o.is_string() || is_blank(o.get<std::string>()) ||
        utf8_length(o.get<std::string>()) > prediction_limits::max_outcome_chars)
      return make_error(errc::invalid_argument, "every outcome must be 1-25 characters");
    spec.outcomes.push_back(o.get<std::string>());
  }
  auto window = body.find("window_s");
  if (window == body.end() || !window->is_number_integer() ||
      window->get<std::int64_t>() < prediction_limits::min_window_s ||
      window->get<std::int64_t>() > prediction_limits::max_window_s)
    return make_error(errc::invalid_argument, "'window_s' must be 30-1800 seconds");
  spec.window_s = window->get<std::int64_t>();
  return spec;
}

caf::error check_stake(const prediction& p, const std::string& user, std::int64_t outcome,
                       std::int64_t points) {
  if (p.state != "active")
    return make_error(errc::conflict, "the prediction is " + p.state + ": no more stakes");
  if (outcome < 0 || outcome >= static_cast<std::int64_t>(p.outcomes.size()))
    return make_error(errc::invalid_argument, "'outcome' must be an index of the outcomes");
  if (points < 1 || points > prediction_limits::max_stake)
    return make_error(errc::invalid_argument, "'points' must be 1-250000");
  if (auto it = p.stakes.find(user); it != p.stakes.end()) {
    if (it->second.outcome != outcome)
      return make_error(errc::conflict, "you already backed another outcome");
    if (it->second.points + points > prediction_limits::max_stake)
      return make_error(errc::conflict, "at most 250000 points per viewer per prediction");
  }
  return caf::none;
}

std::map<std::string, std::int64_t> payout(const prediction& p, std::int64_t winner) {
  std::map<std::string, std::int64_t> paid;
  const auto winners_pool = p.pool_of(winner);
  if (winners_pool == 0)
    return paid;
  const auto losers_pool = p.pool() - winners_pool;
  std::vector<std::pair<const std::string*, const prediction_stake*>> winners;
  std::int64_t shared = 0;
  for (const auto& [user, s] : p.stakes) {
    if (s.outcome != winner)
      continue;
    // stake ≤ 250000 and the pool ≤ 250000 × max viewers: the product fits in 64 bits.
    auto share = s.points * losers_pool / winners_pool;
    paid[user] = s.points + share;
    shared += share;
    winners.emplace_back(&user, &s);
  }
  std::sort(winners.begin(), winners.end(), [](const auto& a, const auto& b) {
    if (a.second->points != b.second->points)
      return a.second->points > b.second->points;
    return a.second->order < b.second->order;
  });
  // Fewer points are left than there are winners (each flooring drops less than one).
  auto left = losers_pool - shared;
  for (std::size_t i = 0; left > 0 && i < winners.size(); ++i, --left)
    ++paid[*winners[i].first];
  return paid;
}

}  // namespace aethex::actors
