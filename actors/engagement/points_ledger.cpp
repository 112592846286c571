#include "actors/engagement/points_ledger.hpp"

#include <algorithm>

namespace aethex::actors {

using json = nlohmann::json;

std::int64_t points_ledger::watch_earning(const std::string& user, std::int64_t seconds) const {
  const auto* v = find(user);
  const std::int64_t before = v ? v->watch_s : 0;
  const auto periods = (before + seconds) / points_rules::watch_period_s -
                       before / points_rules::watch_period_s;
  return static_cast<std::int64_t>(static_cast<double>(periods * points_rules::watch_points) *
                                   points_rules::multiplier);
}

std::int64_t points_ledger::watch(const std::string& user, std::int64_t seconds) {
  const auto earned = watch_earning(user, seconds);
  at(user).watch_s += seconds;
  mint(user, earned);
  return earned;
}

bool points_ledger::claim_available(const std::string& user) const {
  const auto* v = find(user);
  return v && v->watch_s - v->bonus_from_s >= points_rules::bonus_period_s;
}

void points_ledger::claim(const std::string& user) {
  auto& v = at(user);
  v.bonus_from_s = v.watch_s;
  mint(user, points_rules::bonus_points);
}

bool points_ledger::follow_paid(const std::string& user) const {
  const auto* v = find(user);
  return v && v->follow_paid;
}

void points_ledger::pay_follow(const std::string& user) {
  at(user).follow_paid = true;
  mint(user, points_rules::follow_points);
}

bool points_ledger::raid_paid(const std::string& user, const std::string& raid) const {
  const auto* v = find(user);
  return v && std::find(v->raids.begin(), v->raids.end(), raid) != v->raids.end();
}

void points_ledger::pay_raid(const std::string& user, const std::string& raid) {
  auto& v = at(user);
  v.raids.push_back(raid);
  if (v.raids.size() > points_rules::raids_remembered)
    v.raids.pop_front();
  mint(user, points_rules::raid_points);
}

void points_ledger::mint(const std::string& user, std::int64_t points) {
  at(user).balance += points;
  minted_ += points;
}

bool points_ledger::can_spend(const std::string& user, std::int64_t points) const {
  return points >= 0 && balance(user) >= points;
}

void points_ledger::burn(const std::string& user, std::int64_t points) {
  at(user).balance -= points;
  burned_ += points;
}

void points_ledger::unburn(const std::string& user, std::int64_t points) {
  at(user).balance += points;
  burned_ -= points;
}

void points_ledger::hold(const std::string& user, std::int64_t points) {
  at(user).balance -= points;
  held_ += points;
}

void points_ledger::release(const std::string& user, std::int64_t points) {
  at(user).balance += points;
  held_ -= points;
}

void points_ledger::burn_held(std::int64_t points) {
  held_ -= points;
  burned_ += points;
}

std::int64_t points_ledger::balance(const std::string& user) const {
  const auto* v = find(user);
  return v ? v->balance : 0;
}

const viewer_points* points_ledger::find(const std::string& user) const {
  auto it = viewers_.find(user);
  return it == viewers_.end() ? nullptr : &it->second;
}

bool points_ledger::has_room_for(const std::string& user) const {
  return viewers_.size() < points_rules::max_viewers || knows(user);
}

std::int64_t points_ledger::sum_of_balances() const {
  std::int64_t sum = 0;
  for (const auto& [user, v] : viewers_)
    sum += v.balance;
  return sum;
}

json points_ledger::to_json() const {
  json viewers = json::object();
  for (const auto& [user, v] : viewers_)
    viewers[user] = json{{"b", v.balance},
                         {"w", v.watch_s},
                         {"c", v.bonus_from_s},
                         {"f", v.follow_paid},
                         {"r", v.raids}};
  return json{{"viewers", viewers}, {"minted", minted_}, {"burned", burned_}, {"held", held_}};
}

void points_ledger::from_json(const json& j) {
  viewers_.clear();
  for (const auto& [user, v] : j.at("viewers").items()) {
    auto& p = viewers_[user];
    p.balance = v.at("b").get<std::int64_t>();
    p.watch_s = v.at("w").get<std::int64_t>();
    p.bonus_from_s = v.at("c").get<std::int64_t>();
    p.follow_paid = v.at("f").get<bool>();
    for (const auto& raid : v.at("r"))
      p.raids.push_back(raid.get<std::string>());
  }
  minted_ = j.at("minted").get<std::int64_t>();
  burned_ = j.at("burned").get<std::int64_t>();
  held_ = j.at("held").get<std::int64_t>();
}

}  // namespace aethex::actors
