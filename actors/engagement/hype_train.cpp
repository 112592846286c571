#include "actors/engagement/hype_train.hpp"

#include <algorithm>
#include <vector>

namespace aethex::actors {

using json = nlohmann::json;
namespace rules = hype_rules;

namespace {
constexpr auto levels = static_cast<std::int64_t>(rules::level_goals.size());
}

std::int64_t hype_train::goal() const {
  if (level_ < 1)
    return rules::level_goals.front();
  return rules::level_goals[static_cast<std::size_t>(std::min(level_, levels) - 1)];
}

std::int64_t hype_train::next_deadline_ms() const {
  if (state_ == "active")
    return ends_at_ms_;
  if (state_ == "cooldown")
    return cooldown_ends_at_ms_;
  return 0;
}

bool hype_train::advance(std::int64_t now_ms) {
  bool changed = false;
  if (state_ == "active" && now_ms >= ends_at_ms_) {
    state_ = "cooldown";
    cooldown_ends_at_ms_ = ends_at_ms_ + rules::cooldown_ms;
    changed = true;
  }
  if (state_ == "cooldown" && now_ms >= cooldown_ends_at_ms_) {
    state_ = "idle";
    level_ = 0;
    progress_ = 0;
    ends_at_ms_ = 0;
    cooldown_ends_at_ms_ = 0;
    contributions_.clear();
    first_at_.clear();
    changed = true;
  }
  return changed;
}

void hype_train::add(const std::string& user, std::int64_t hype) {
  if (contributions_.count(user) || contributions_.size() < rules::max_contributors) {
    if (contributions_.emplace(user, 0).second)
      first_at_[user] = static_cast<std::int64_t>(first_at_.size());
    contributions_[user] += hype;
  }
  progress_ += hype;
  while (level_ < levels && progress_ >= goal()) {
    progress_ -= goal();
    ++level_;
  }
}

bool hype_train::contribute(const std::string& user, std::int64_t hype, std::int64_t now_ms) {
  advance(now_ms);
  if (hype <= 0 || state_ == "cooldown")
    return false;
  if (state_ == "active") {
    add(user, hype);
    ends_at_ms_ = now_ms + rules::timer_ms;
    return true;
  }
  recent_.push_back(pending{user, hype, now_ms});
  while (!recent_.empty() && now_ms - recent_.front().at_ms >= rules::start_window_ms)
    recent_.pop_front();
  while (recent_.size() > rules::events_to_start)
    recent_.pop_front();
  if (recent_.size() < rules::events_to_start)
    return false;
  state_ = "active";
  level_ = 1;
  progress_ = 0;
  for (const auto& p : recent_)
    add(p.user, p.hype);
  recent_.clear();
  ends_at_ms_ = now_ms + rules::timer_ms;
  return true;
}

json hype_train::to_json() const {
  std::vector<std::pair<std::string, std::int64_t>> top(contributions_.begin(),
                                                        contributions_.end());
  std::sort(top.begin(), top.end(), [this](const auto& a, const auto& b) {
    if (a.second != b.second)
      return a.second > b.second;
    return first_at_.at(a.first) < first_at_.at(b.first);
  });
  if (top.size() > rules::top_shown)
    top.resize(rules::top_shown);
  json list = json::array();
  for (const auto& [user, amount] : top)
    list.push_back(json{{"user", user}, {"amount", amount}});
  return json{{"state", state_},
              {"level", level_},
              {"progress", progress_},
              {"goal", state_ == "idle" ? rules::level_goals.front() : goal()},
              {"ends_at_ms", ends_at_ms_},
              {"cooldown_ends_at_ms", cooldown_ends_at_ms_},
              {"top", list}};
}

json hype_train::snapshot() const {
  json recent = json::array();
  for (const auto& p : recent_)
    recent.push_back(json::array({p.user, p.hype, p.at_ms}));
  return json{{"state", state_},
              {"level", level_},
              {"progress", progress_},
              {"ends", ends_at_ms_},
              {"cooldown_ends", cooldown_ends_at_ms_},
              {"recent", recent},
              {"contributions", contributions_},
              {"first", first_at_}};
}

void hype_train::restore(const json& j) {
  state_ = j.at("state").get<std::string>();
  level_ = j.at("level").get<std::int64_t>();
  progress_ = j.at("progress").get<std::int64_t>();
  ends_at_ms_ = j.at("ends").get<std::int64_t>();
  cooldown_ends_at_ms_ = j.at("cooldown_ends").get<std::int64_t>();
  recent_.clear();
  for (const auto& p : j.at("recent"))
    recent_.push_back(pending{p.at(0).get<std::string>(), p.at(1).get<std::int64_t>(),
                              p.at(2).get<std::int64_t>()});
  contributions_ = j.at("contributions").get<std::map<std::string, std::int64_t>>();
  first_at_ = j.at("first").get<std::map<std::string, std::int64_t>>();
}

}  // namespace aethex::actors
