#include "actors/polls/poll.hpp"

#include <algorithm>
#include <string_view>

#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

std::string trimmed(std::string_view text) {
  constexpr std::string_view blank = " \t\r\n";
  auto first = text.find_first_not_of(blank);
  if (first == std::string_view::npos)
    return {};
  return std::string{text.substr(first, text.find_last_not_of(blank) - first + 1)};
}

caf::error out_of_range(const std::string& what) {
  return make_error(errc::invalid_argument, what);
}

// A whole number field in [lowest, highest]; `fallback` when absent and not required.
caf::expected<std::int64_t> whole_number(const json& body, const char* key, std::int64_t lowest,
                                         std::int64_t highest,
                                         std::optional<std::int64_t> fallback) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (fallback)
      return *fallback;
    return out_of_range(std::string{"'"} + key + "' is required");
  }
  auto range = std::to_string(lowest) + "-" + std::to_string(highest);
  if (!it->is_number_integer())
    return out_of_range(std::string{"'"} + key + "' must be a whole number " + range);
  auto n = it->get<std::int64_t>();
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(highest))
    n = highest + 1;
  if (n < lowest || n > highest)
    return out_of_range(std::string{"'"} + key + "' must be " + range);
  return n;
}

}  // namespace

json poll_json(const poll_record& p) {
  auto choices = json::array();
  for (auto& c : p.choices)
    choices.push_back(json{{"title", c.title}, {"votes", c.votes}});
  json j{{"id", p.id},
         {"title", p.title},
         {"choices", std::move(choices)},
         {"total_votes", p.total_votes},
         {"voters", p.voters},
         {"state", p.active ? "active" : "ended"},
         {"started_at_ms", p.started_at_ms},
         {"ends_at_ms", p.ends_at_ms},
         {"duration_s", p.duration_s},
         {"points_per_vote", p.points_per_vote}};
  if (!p.active)
    j["ended_at_ms"] = p.ended_at_ms;
  return j;
}

poll_record poll_from_json(const json& j) {
  poll_record p;
  p.id = j.at("id").get<std::int64_t>();
  p.title = j.at("title").get<std::string>();
  for (auto& c : j.at("choices"))
    p.choices.push_back({c.at("title").get<std::string>(), c.at("votes").get<std::int64_t>()});
  p.total_votes = j.at("total_votes").get<std::int64_t>();
  p.voters = j.at("voters").get<std::int64_t>();
  p.active = j.at("state").get<std::string>() == "active";
  p.started_at_ms = j.at("started_at_ms").get<std::int64_t>();
  p.ends_at_ms = j.at("ends_at_ms").get<std::int64_t>();
  p.ended_at_ms = j.value("ended_at_ms", std::int64_t{0});
  p.duration_s = j.at("duration_s").get<std::int64_t>();
  p.points_per_vote = j.at("points_per_vote").get<std::int64_t>();
  return p;
}

caf::expected<poll_spec> parse_poll_spec(const json& body) {
  using namespace poll_limits;
  for (auto& [key, _] : body.items())
    if (key != "title" && key != "choices" && key != "duration_s" && key != "points_per_vote")
      return out_of_range("unknown field '" + key + "'");
  poll_spec spec;
  auto title = body.find("title");
  if (title == body.end() || !title->is_string())
    return out_of_range("'title' must be a string of 1-" + std::to_string(title_max) +
                        " characters");
  spec.title = trimmed(title->get<std::string>());
  if (spec.title.empty() || utf8_length(spec.title) > title_max)
    return out_of_range("'title' must be 1-" + std::to_string(title_max) + " characters");

  auto choices = body.find("choices");
  auto count_rule = "'choices' must be a list of " + std::to_string(choices_min) + "-" +
                    std::to_string(choices_max) + " strings of 1-" + std::to_string(choice_max) +
                    " characters";
  if (choices == body.end() || !choices->is_array() || choices->size() < choices_min ||
      choices->size() > choices_max)
    return out_of_range(count_rule);
  for (auto& c : *choices) {
    if (!c.is_string())
      return out_of_range(count_rule);
    auto text = trimmed(c.get<std::string>());
    if (text.empty() || utf8_length(text) > choice_max)
      return out_of_range("every choice must be 1-" + std::to_string(choice_max) + " characters");
    if (std::find(spec.choices.begin(), spec.choices.end(), text) != spec.choices.end())
      return out_of_range("choice \"" + text + "\" appears twice");
    spec.choices.push_back(std::move(text));
  }

  auto duration = whole_number(body, "duration_s", duration_min_s, duration_max_s, std::nullopt);
  if (!duration)
    return duration.error();
  spec.duration_s = *duration;
  auto price = whole_number(body, "points_per_vote", 0, points_per_vote_max, 0);
  if (!price)
    return price.error();
  spec.points_per_vote = *price;
  return spec;
}

caf::error poll_book::can_start() const {
  if (active())
    return make_error(errc::conflict,
                      "a poll is running on this channel; end it before starting another");
  return caf::none;
}

caf::expected<vote_plan> poll_book::plan_vote(const std::string& user, std::int64_t choice,
                                              std::int64_t votes, std::int64_t now_ms) const {
  if (!current_)
    return make_error(errc::not_found, "no poll is running on this channel");
  const auto& poll = *current_;
  if (!poll.active || now_ms >= poll.ends_at_ms)
    return make_error(errc::conflict, "the poll has ended");
  auto choices = static_cast<std::int64_t>(poll.choices.size());
  if (choice < 0 || choice >= choices)
    return make_error(errc::invalid_argument, "'choice' must be 0-" + std::to_string(choices - 1));
  if (votes < 1 || votes > poll_limits::votes_per_request_max)
    return make_error(errc::invalid_argument,
                      "'votes' must be 1-" + std::to_string(poll_limits::votes_per_request_max));
  auto index = static_cast<std::size_t>(choice);
  auto mine = voters_.find(user);
  bool first = mine == voters_.end();
  bool counting = reserved_.contains(user);
  if (poll.points_per_vote == 0) {
    if (!first || counting)
      return make_error(errc::conflict, "you already voted in this poll");
    if (votes > 1)
      return make_error(errc::conflict, "this poll takes one vote per viewer: extra votes are off");
  } else if (counting) {
    return make_error(errc::conflict, "your last vote is still being counted; try again");
  } else if (!first && mine->second.choice != index) {
    return make_error(errc::conflict, "your votes go to \"" +
                                        poll.choices[mine->second.choice].title +
                                        "\", the choice of your first vote");
  }
  if (first && voters_.size() + reserved_.size() >= poll_limits::voters_max)
    return make_error(errc::conflict, "this poll has all the voters it can take");
  return vote_plan{index, votes, (first ? votes - 1 : votes) * poll.points_per_vote};
}

void poll_book::start(poll_record fresh) {
  voters_.clear();
  last_id_ = std::max(last_id_, fresh.id);
  current_ = std::move(fresh);
}

void poll_book::count(const std::string& user, std::size_t choice, std::int64_t votes) {
  if (!current_ || choice >= current_->choices.size())
    return;  // a stored vote the poll cannot hold: skipped rather than misread
  auto [it, first] = voters_.try_emplace(user, voter_votes{choice, 0});
  it->second.votes += votes;
  current_->choices[it->second.choice].votes += votes;
  current_->total_votes += votes;
  if (first)
    ++current_->voters;
}

void poll_book::end(std::int64_t at_ms) {
  if (!active())
    return;
  current_->active = false;
  current_->ended_at_ms = at_ms;
  archive_.push_back(*current_);
  while (archive_.size() > poll_limits::archive_max)
    archive_.pop_front();
}

const poll_record* poll_book::current(std::int64_t now_ms) const {
  if (!current_)
    return nullptr;
  if (current_->active || now_ms - current_->ended_at_ms < poll_limits::recent_ms)
    return &*current_;
  return nullptr;
}

std::optional<voter_votes> poll_book::votes_of(const std::string& user) const {
  auto it = voters_.find(user);
  if (it == voters_.end())
    return std::nullopt;
  return it->second;
}

std::vector<poll_record> poll_book::archive(std::size_t limit) const {
  std::vector<poll_record> out;
  for (auto it = archive_.rbegin(); it != archive_.rend() && out.size() < limit; ++it)
    out.push_back(*it);
  return out;
}

json poll_book::snapshot() const {
  auto voters = json::object();
  for (auto& [user, v] : voters_)
    voters[user] = json::array({v.choice, v.votes});
  auto archive = json::array();
  for (auto& p : archive_)
    archive.push_back(poll_json(p));
  return json{{"last_id", last_id_},
              {"current", current_ ? poll_json(*current_) : json(nullptr)},
              {"voters", std::move(voters)},
              {"archive", std::move(archive)}};
}

void poll_book::restore(const json& j) {
  last_id_ = j.at("last_id").get<std::int64_t>();
  current_.reset();
  if (!j.at("current").is_null())
    current_ = poll_from_json(j.at("current"));
  voters_.clear();
  for (auto& [user, v] : j.at("voters").items())
    voters_[user] = voter_votes{v.at(0).get<std::size_t>(), v.at(1).get<std::int64_t>()};
  archive_.clear();
  for (auto& p : j.at("archive"))
    archive_.push_back(poll_from_json(p));
}

}  // namespace aethex::actors
