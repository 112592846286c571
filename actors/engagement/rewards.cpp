#include "actors/engagement/rewards.hpp"

#include <algorithm>

#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using json = nlohmann::json;
namespace lim = reward_limits;

namespace {

caf::error bad(const std::string& text) { return make_error(errc::invalid_argument, text); }

// Reads integer field `key` into `out` when present; its range is [lo, hi].
caf::error read_int(const json& body, const char* key, std::int64_t lo, std::int64_t hi,
                    std::int64_t& out) {
  auto it = body.find(key);
  if (it == body.end())
    return caf::none;
  if (!it->is_number_integer() || it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
    return bad(std::string{"'"} + key + "' must be a whole number from " + std::to_string(lo) +
               " to " + std::to_string(hi));
  out = it->get<std::int64_t>();
  return caf::none;
}

caf::error read_bool(const json& body, const char* key, bool& out) {
  auto it = body.find(key);
  if (it == body.end())
    return caf::none;
  if (!it->is_boolean())
    return bad(std::string{"'"} + key + "' must be true or false");
  out = it->get<bool>();
  return caf::none;
}

}  // namespace

json reward::definition() const {
  return json{{"id", id},
              {"title", title},
              {"prompt", prompt},
              {"cost", cost},
              {"user_input", user_input},
              {"cooldown_s", cooldown_s},
              {"max_per_stream", max_per_stream},
              {"max_per_user_per_stream", max_per_user_per_stream},
              {"enabled", enabled}};
}

json reward::to_json() const {
  auto j = definition();
  j["cooldown_ends_at_ms"] = cooldown_s > 0 && last_redeemed_ms > 0
                               ? last_redeemed_ms + cooldown_s * 1000
                               : 0;
  j["redeemed_this_stream"] = stream_count;
  return j;
}

json reward::snapshot() const {
  auto j = definition();
  j["last"] = last_redeemed_ms;
  j["stream"] = stream;
  j["count"] = stream_count;
  j["users"] = user_counts;
  return j;
}

reward reward::restore(const json& j) {
  auto r = reward_from_body(j, nullptr);
  reward out = r ? *r : reward{};
  out.id = j.value("id", std::string{});
  out.last_redeemed_ms = j.value("last", std::int64_t{0});
  out.stream = j.value("stream", std::string{});
  out.stream_count = j.value("count", std::int64_t{0});
  out.user_counts = j.value("users", std::map<std::string, std::int64_t>{});
  return out;
}

caf::expected<reward> reward_from_body(const json& body, const reward* base) {
  reward r = base ? *base : reward{};
  if (auto it = body.find("title"); it != body.end()) {
    if (!it->is_string() || is_blank(it->get<std::string>()) ||
        utf8_length(it->get<std::string>()) > lim::max_title_chars)
      return bad("'title' must be 1-45 characters");
    r.title = it->get<std::string>();
  } else if (!base) {
    return bad("'title' is required");
  }
  if (!base && !body.contains("cost"))
    return bad("'cost' is required");
  if (auto it = body.find("prompt"); it != body.end()) {
    if (!it->is_string() || utf8_length(it->get<std::string>()) > lim::max_prompt_chars)
      return bad("'prompt' must be at most 200 characters");
    r.prompt = it->get<std::string>();
  }
  if (auto err = read_int(body, "cost", 1, lim::max_cost, r.cost))
    return err;
  if (auto err = read_int(body, "cooldown_s", 0, lim::max_cooldown_s, r.cooldown_s))
    return err;
  if (auto err = read_int(body, "max_per_stream", 0, lim::max_cap, r.max_per_stream))
    return err;
  if (auto err = read_int(body, "max_per_user_per_stream", 0, lim::max_cap,
                          r.max_per_user_per_stream))
    return err;
  if (auto err = read_bool(body, "user_input", r.user_input))
    return err;
  if (auto err = read_bool(body, "enabled", r.enabled))
    return err;
  return r;
}

json redemption::to_json() const {
  return json{{"id", id},
              {"reward", reward},
              {"title", title},
              {"user", user},
              {"input", input},
              {"cost", cost},
              {"status", status},
              {"redeemed_at_ms", redeemed_at_ms},
              {"closed_at_ms", closed_at_ms}};
}

redemption redemption::restore(const json& j) {
  redemption d;
  d.id = j.at("id").get<std::string>();
  d.reward = j.at("reward").get<std::string>();
  d.title = j.at("title").get<std::string>();
  d.user = j.at("user").get<std::string>();
  d.input = j.at("input").get<std::string>();
  d.cost = j.at("cost").get<std::int64_t>();
  d.status = j.at("status").get<std::string>();
  d.redeemed_at_ms = j.at("redeemed_at_ms").get<std::int64_t>();
  d.closed_at_ms = j.at("closed_at_ms").get<std::int64_t>();
  return d;
}

reward* reward_book::find(const std::string& id) {
  auto it = std::find_if(rewards_.begin(), rewards_.end(), [&](auto& r) { return r.id == id; });
  return it == rewards_.end() ? nullptr : &*it;
}

const reward* reward_book::find(const std::string& id) const {
  return const_cast<reward_book*>(this)->find(id);
}

void reward_book::save(reward r) {
  if (auto* old = find(r.id)) {
    r.last_redeemed_ms = old->last_redeemed_ms;
    r.stream = old->stream;
    r.stream_count = old->stream_count;
    r.user_counts = std::move(old->user_counts);
    *old = std::move(r);
  } else {
    rewards_.push_back(std::move(r));
  }
}

void reward_book::remove(const std::string& id) {
  std::erase_if(rewards_, [&](const reward& r) { return r.id == id; });
}

caf::error reward_book::check_redeem(const reward& r, const std::string& user,
                                     const std::string& input, const std::string& stream,
                                     std::int64_t now_ms) const {
  if (!r.enabled)
    return make_error(errc::conflict, "this reward is disabled");
  if (r.user_input && (is_blank(input) || utf8_length(input) > lim::max_input_chars))
    return make_error(errc::invalid_argument, "this reward needs 'input' of 1-200 characters");
  if (!r.user_input && !input.empty())
    return make_error(errc::invalid_argument, "this reward takes no 'input'");
  if (r.cooldown_s > 0 && r.last_redeemed_ms > 0 &&
      now_ms < r.last_redeemed_ms + r.cooldown_s * 1000)
    return make_error(
      errc::conflict, "this reward is on cooldown", "cooldown",
      static_cast<std::uint32_t>((r.last_redeemed_ms + r.cooldown_s * 1000 - now_ms + 999) / 1000));
  const bool new_stream = !stream.empty() && stream != r.stream;
  if (!new_stream) {
    if (r.max_per_stream > 0 && r.stream_count >= r.max_per_stream)
      return make_error(errc::conflict, "this reward reached its limit for this stream");
    if (r.max_per_user_per_stream > 0) {
      auto it = r.user_counts.find(user);
      if (it != r.user_counts.end() && it->second >= r.max_per_user_per_stream)
        return make_error(errc::conflict, "you reached this reward's limit for this stream");
    }
  }
  if (open_.size() >= lim::max_open)
    return make_error(errc::unavailable,
                      "the channel's redemption queue is full (1000 open); try again later");
  return caf::none;
}

void reward_book::redeem(redemption d, const std::string& stream) {
  if (auto* r = find(d.reward)) {
    if (!stream.empty() && stream != r->stream) {
      r->stream = stream;
      r->stream_count = 0;
      r->user_counts.clear();
    }
    ++r->stream_count;
    ++r->user_counts[d.user];
    r->last_redeemed_ms = d.redeemed_at_ms;
  }
  open_.push_back(std::move(d));
}

const redemption* reward_book::open_redemption(const std::string& id) const {
  auto it = std::find_if(open_.begin(), open_.end(), [&](auto& d) { return d.id == id; });
  return it == open_.end() ? nullptr : &*it;
}

redemption reward_book::close(const std::string& id, const std::string& status,
                              std::int64_t now_ms) {
  auto it = std::find_if(open_.begin(), open_.end(), [&](auto& d) { return d.id == id; });
  if (it == open_.end())
    return {};
  auto d = std::move(*it);
  open_.erase(it);
  d.status = status;
  d.closed_at_ms = now_ms;
  closed_.push_back(d);
  if (closed_.size() > lim::closed_kept)
    closed_.pop_front();
  return d;
}

json reward_book::snapshot() const {
  json rewards = json::array();
  for (const auto& r : rewards_)
    rewards.push_back(r.snapshot());
  json open = json::array();
  for (const auto& d : open_)
    open.push_back(d.to_json());
  json closed = json::array();
  for (const auto& d : closed_)
    closed.push_back(d.to_json());
  return json{{"rewards", rewards}, {"open", open}, {"closed", closed}};
}

void reward_book::restore(const json& j) {
  rewards_.clear();
  open_.clear();
  closed_.clear();
  for (const auto& r : j.at("rewards"))
    rewards_.push_back(reward::restore(r));
  for (const auto& d : j.at("open"))
    open_.push_back(redemption::restore(d));
  for (const auto& d : j.at("closed"))
    closed_.push_back(redemption::restore(d));
}

}  // namespace aethex::actors
