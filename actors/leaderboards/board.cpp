#include "actors/leaderboards/board.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "actors/leaderboards/leaderboards.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::int64_t lb_day_ms = 86'400'000;
constexpr std::int64_t lb_week_ms = 7 * lb_day_ms;
constexpr std::array<std::string_view, 5> lb_badges = {"first_win", "wins_10", "streak_3",
                                                       "streak_5", "tournament_winner"};

std::size_t widx(lb_window w) { return static_cast<std::size_t>(w); }

// Ratings are shown to two decimals; the index keeps the exact value.
double shown(double v) { return std::round(v * 100.0) / 100.0; }

bool slug_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::optional<lb_window> parse_lb_window(std::string_view name) {
  if (name == "weekly")
    return lb_window::weekly;
  if (name == "monthly")
    return lb_window::monthly;
  if (name == "all_time" || name.empty())
    return lb_window::all_time;
  return std::nullopt;
}

std::string_view lb_window_name(lb_window w) {
  switch (w) {
    case lb_window::weekly: return "weekly";
    case lb_window::monthly: return "monthly";
    case lb_window::all_time: break;
  }
  return "all_time";
}

std::int64_t lb_window_start(lb_window w, std::int64_t now_ms) {
  using namespace std::chrono;
  const std::int64_t days = (now_ms >= 0 ? now_ms : now_ms - lb_day_ms + 1) / lb_day_ms;
  switch (w) {
    case lb_window::weekly: {
      // 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays.
      const std::int64_t since_monday = ((days + 3) % 7 + 7) % 7;
      return (days - since_monday) * lb_day_ms;
    }
    case lb_window::monthly: {
      const year_month_day ymd{sys_days{std::chrono::days{days}}};
      const sys_days first{ymd.year() / ymd.month() / 1};
      return static_cast<std::int64_t>(first.time_since_epoch().count()) * lb_day_ms;
    }
    case lb_window::all_time: break;
  }
  return 0;
}

bool valid_lb_game(std::string_view game) {
  return game.size() >= 3 && game.size() <= 40 && std::all_of(game.begin(), game.end(), slug_char);
}

bool valid_lb_player(std::string_view player) {
  return !player.empty() && player.size() <= 64 &&
         std::all_of(player.begin(), player.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.';
         });
}

bool valid_lb_badge(std::string_view badge) {
  return std::find(lb_badges.begin(), lb_badges.end(), badge) != lb_badges.end();
}

bool lb_player::has_badge(std::string_view badge) const {
  return std::any_of(badges.begin(), badges.end(),
                     [&](const lb_badge& b) { return b.badge == badge; });
}

void board::create(std::string name_, std::string mode_, std::string order_, std::string owner_,
                   std::int64_t at_ms) {
  name = std::move(name_);
  mode = std::move(mode_);
  order = order_.empty() ? "desc" : std::move(order_);
  owner = std::move(owner_);
  created_at_ms = at_ms;
  // Ratings always rank highest first; scores follow the board's order.
  const bool desc = rating_mode() || order != "asc";
  index_ = {rank_index{desc}, rank_index{desc}, rank_index{desc}};
  starts_ = {lb_window_start(lb_window::weekly, at_ms), lb_window_start(lb_window::monthly, at_ms),
             0};
}

std::vector<std::pair<lb_window, std::int64_t>> board::due_rolls(std::int64_t now_ms) const {
  std::vector<std::pair<lb_window, std::int64_t>> due;
  if (!created())
    return due;
  for (auto w : {lb_window::weekly, lb_window::monthly})
    if (auto s = lb_window_start(w, now_ms); s > starts_[widx(w)])
      due.emplace_back(w, s);
  return due;
}

void board::roll(lb_window w, std::int64_t new_start_ms) {
  auto keep_ranks = [this](lb_window which) {
    auto& prev = prev_rank_[widx(which)];
    prev.assign(players_.size(), 0);
    const auto& idx = index_[widx(which)];
    idx.for_range(0, idx.size(), [&prev](std::size_t rank, const rank_index::entry& e) {
      prev[e.player] = static_cast<std::uint32_t>(rank + 1);
    });
  };
  keep_ranks(w);
  if (w == lb_window::weekly)
    keep_ranks(lb_window::all_time);
  if (w != lb_window::all_time) {
    auto& idx = index_[widx(w)];
    idx.for_range(0, idx.size(), [this, w](std::size_t, const rank_index::entry& e) {
      players_[e.player].value[widx(w)].reset();
    });
    idx.clear();
    starts_[widx(w)] = new_start_ms;
  }
}

std::uint32_t board::intern(const std::string& player) {
  if (auto it = ids_.find(player); it != ids_.end())
    return it->second;
  auto id = static_cast<std::uint32_t>(players_.size());
  players_.push_back(lb_player{});
  players_.back().name = player;
  ids_.emplace(player, id);
  return id;
}

const lb_player* board::find(std::string_view player) const {
  auto it = ids_.find(std::string{player});
  return it == ids_.end() ? nullptr : &players_[it->second];
}

bool board::better(double candidate, double current) const {
  return index_[0].descending() ? candidate > current : candidate < current;
}

void board::set_value(std::uint32_t id, lb_window w, double value) {
  auto& slot = players_[id].value[widx(w)];
  index_[widx(w)].set(id, slot, value);
  slot = value;
}

void board::add_stats(lb_player& p, const lb_stat_list& stats) {
  for (const auto& item : stats) {
    const auto& [stat, v] = item;
    auto it = std::find_if(p.stats.begin(), p.stats.end(),
                           [&item](const auto& s) { return s.first == item.first; });
    if (it == p.stats.end()) {
      if (p.stats.size() >= lb_player_stats_max)
        continue;
      it = p.stats.insert(p.stats.end(), {stat, lb_stat{}});
    }
    it->second.sum += v;
    it->second.last = v;
  }
}

void board::apply_score(const lb_score& s, std::int64_t) {
  auto id = intern(s.player);
  for (std::size_t w = 0; w < lb_window_count; ++w) {
    const auto& current = players_[id].value[w];
    if (!current || better(s.score, *current))
      set_value(id, static_cast<lb_window>(w), s.score);
  }
  add_stats(players_[id], s.stats);
}

void board::remember_match(const std::string& match_id) {
  if (match_id.empty())
    return;
  seen_.insert(match_id);
  seen_order_.push_back(match_id);
  while (seen_order_.size() > lb_match_ids_max) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
}

void board::apply_match(const lb_match& m, std::int64_t at_ms) {
  if (!m.match_id.empty() && seen_match(m.match_id))
    return;  // a repeat: idempotent
  remember_match(m.match_id);
  auto wid = intern(m.winner);
  auto lid = intern(m.loser);
  if (rating_mode()) {
    // Rating period = one match; a player idle for whole weeks gets one period of deviation
    // growth per week first (Glicko-2 step 6), so a returning player is uncertain again.
    auto before = [&](const lb_player& p) {
      auto r = p.rating;
      if (p.last_match_ms > 0) {
        const std::int64_t idle_weeks = (at_ms - p.last_match_ms) / lb_week_ms;  // whole weeks
        r.rd = glicko2::idle_deviation(r, static_cast<double>(idle_weeks));
      }
      return r;
    };
    auto w0 = before(players_[wid]);
    auto l0 = before(players_[lid]);
    const double ws = m.draw ? 0.5 : 1.0;
    std::array<glicko2::game, 1> wg{glicko2::game{l0, ws}};
    std::array<glicko2::game, 1> lg{glicko2::game{w0, 1.0 - ws}};
    players_[wid].rating = glicko2::update(w0, wg);
    players_[lid].rating = glicko2::update(l0, lg);
    for (auto id : {wid, lid}) {
      auto& p = players_[id];
      p.last_match_ms = at_ms;
      p.history.push_back({at_ms, p.rating.r});
      if (p.history.size() > lb_history_max)
        p.history.erase(p.history.begin());
      for (std::size_t w = 0; w < lb_window_count; ++w)
        set_value(id, static_cast<lb_window>(w), p.rating.r);
    }
  } else {
    players_[wid].last_match_ms = players_[lid].last_match_ms = at_ms;
  }
  auto& pw = players_[wid];
  auto& pl = players_[lid];
  ++pw.matches;
  ++pl.matches;
  if (m.draw) {
    ++pw.draws;
    ++pl.draws;
    pw.streak = pl.streak = 0;
  } else {
    ++pw.wins;
    ++pl.losses;
    pw.best_streak = std::max(pw.best_streak, ++pw.streak);
    pl.streak = 0;
  }
  for (const auto& [player, stats] : m.stats)
    if (player == m.winner || player == m.loser)
      add_stats(players_[ids_.at(player)], stats);
}

std::vector<std::string> board::due_badges(std::string_view player) const {
  std::vector<std::string> due;
  const auto* p = find(player);
  if (!p)
    return due;
  auto want = [&](bool earned, std::string_view badge) {
    if (earned && !p->has_badge(badge))
      due.emplace_back(badge);
  };
  want(p->wins >= 1, "first_win");
  want(p->wins >= 10, "wins_10");
  want(p->best_streak >= 3, "streak_3");
  want(p->best_streak >= 5, "streak_5");
  return due;
}

bool board::award(const std::string& player, const std::string& badge, std::string detail,
                  std::int64_t at_ms) {
  if (!valid_lb_player(player) || !valid_lb_badge(badge))
    return false;
  auto& p = players_[intern(player)];
  if (p.has_badge(badge))
    return false;
  p.badges.push_back({badge, std::move(detail), at_ms, false});
  return true;
}

bool board::show_badge(std::string_view player, std::string_view badge, bool show) {
  auto it = ids_.find(std::string{player});
  if (it == ids_.end())
    return false;
  for (auto& b : players_[it->second].badges)
    if (b.badge == badge) {
      b.show_in_chat = show;
      return true;
    }
  return false;
}

std::optional<std::string> board::key_for_digest(std::string_view digest) const {
  std::optional<std::string> found;
  // Every key is compared, in constant time each, so the timing tells nothing about which.
  for (const auto& k : keys)
    if (runtime::constant_time_equal(k.hash, digest) && k.hash.size() == digest.size())
      found = k.key_id;
  return found;
}

json board::summary(std::string_view game) const {
  return json{{"game", game},
              {"name", name},
              {"mode", mode},
              {"order", rating_mode() ? "desc" : order},
              {"owner", owner},
              {"created_at_ms", created_at_ms},
              {"players", players_.size()},
              {"windows",
               {{"weekly", {{"start_ms", starts_[0]}, {"players", index_[0].size()}}},
                {"monthly", {{"start_ms", starts_[1]}, {"players", index_[1].size()}}},
                {"all_time", {{"start_ms", starts_[2]}, {"players", index_[2].size()}}}}},
              {"keys", keys.size()}};
}

json board::entry_at(std::uint32_t id, lb_window w, std::size_t rank) const {
  const auto& p = players_[id];
  const auto& prev = prev_rank_[widx(w)];
  json change = nullptr;
  if (id < prev.size() && prev[id] > 0)
    change = static_cast<std::int64_t>(prev[id]) - static_cast<std::int64_t>(rank + 1);
  json e{{"rank", rank + 1},
         {"player", p.name},
         {"value", p.value[widx(w)]
                     ? json(rating_mode() ? shown(*p.value[widx(w)]) : *p.value[widx(w)])
                     : json(nullptr)},
         {"change", change}};
  if (rating_mode())
    e["rd"] = shown(p.rating.rd);
  return e;
}

json board::entry(std::string_view player, lb_window w) const {
  auto it = ids_.find(std::string{player});
  if (it == ids_.end() || !players_[it->second].value[widx(w)])
    return json{{"rank", nullptr}, {"player", player}, {"value", nullptr}, {"change", nullptr}};
  auto id = it->second;
  return entry_at(id, w, index_[widx(w)].rank_of(id, *players_[id].value[widx(w)]));
}

json board::top(lb_window w, std::size_t offset, std::size_t limit) const {
  auto entries = json::array();
  index_[widx(w)].for_range(offset, limit, [&](std::size_t rank, const rank_index::entry& e) {
    entries.push_back(entry_at(e.player, w, rank));
  });
  return entries;
}

std::optional<json> board::around(std::string_view player, lb_window w, std::size_t n) const {
  auto it = ids_.find(std::string{player});
  if (it == ids_.end() || !players_[it->second].value[widx(w)])
    return std::nullopt;
  auto id = it->second;
  const auto rank = index_[widx(w)].rank_of(id, *players_[id].value[widx(w)]);
  const auto first = rank >= n ? rank - n : 0;
  auto me = entry_at(id, w, rank);
  auto neighbours = json::array();
  index_[widx(w)].for_range(first, rank - first + n + 1,
                            [&](std::size_t r, const rank_index::entry& e) {
                              if (r != rank)
                                neighbours.push_back(entry_at(e.player, w, r));
                            });
  me["neighbours"] = std::move(neighbours);
  me["window"] = lb_window_name(w);
  me["window_start_ms"] = starts_[widx(w)];
  me["of"] = index_[widx(w)].size();
  return me;
}

std::optional<json> board::player_stats(std::string_view player) const {
  const auto* p = find(player);
  if (!p)
    return std::nullopt;
  auto history = json::array();
  for (const auto& h : p->history)
    history.push_back({{"at_ms", h.at_ms}, {"rating", shown(h.rating)}});
  auto stats = json::object();
  for (const auto& [stat, v] : p->stats)
    stats[stat] = {{"sum", v.sum}, {"last", v.last}};
  auto badges = json::array();
  for (const auto& b : p->badges)
    badges.push_back({{"badge", b.badge},
                      {"detail", json::parse(b.detail, nullptr, false).is_discarded()
                                   ? json(nullptr)
                                   : json::parse(b.detail, nullptr, false)},
                      {"at_ms", b.at_ms},
                      {"show_in_chat", b.show_in_chat}});
  json j{{"player", p->name},
         {"matches", p->matches},
         {"wins", p->wins},
         {"losses", p->losses},
         {"draws", p->draws},
         {"win_rate", p->matches > 0 ? std::round(10000.0 * static_cast<double>(p->wins) /
                                                  static_cast<double>(p->matches)) /
                                         10000.0
                                     : 0.0},
         {"streak", p->streak},
         {"best_streak", p->best_streak},
         {"rating", rating_mode() ? json(shown(p->rating.r)) : json(nullptr)},
         {"rd", rating_mode() ? json(shown(p->rating.rd)) : json(nullptr)},
         {"rating_history", std::move(history)},
         {"stats", std::move(stats)},
         {"achievements", std::move(badges)}};
  if (!rating_mode())
    j["best"] = p->value[widx(lb_window::all_time)] ? json(*p->value[widx(lb_window::all_time)])
                                                    : json(nullptr);
  return j;
}

json board::snapshot() const {
  auto players = json::array();
  for (const auto& p : players_) {
    auto values = json::array();
    for (const auto& v : p.value)
      values.push_back(v ? json(*v) : json(nullptr));
    auto history = json::array();
    for (const auto& h : p.history) {
      history.push_back(h.at_ms);
      history.push_back(h.rating);
    }
    auto stats = json::array();
    for (const auto& [stat, v] : p.stats)
      stats.push_back({stat, v.sum, v.last});
    auto badges = json::array();
    for (const auto& b : p.badges)
      badges.push_back({b.badge, b.detail, b.at_ms, b.show_in_chat});
    players.push_back({p.name, p.rating.r, p.rating.rd, p.rating.sigma, p.last_match_ms, values,
                       p.matches, p.wins, p.losses, p.draws, p.streak, p.best_streak, history,
                       stats, badges});
  }
  auto key_rows = json::array();
  for (const auto& k : keys)
    key_rows.push_back({k.key_id, k.hash});
  return json{{"name", name},
              {"mode", mode},
              {"order", order},
              {"owner", owner},
              {"created_at_ms", created_at_ms},
              {"starts", starts_},
              {"players", std::move(players)},
              {"prev", prev_rank_},
              {"keys", std::move(key_rows)},
              {"next_key", next_key},
              {"seen", seen_order_}};
}

void board::restore(const json& j) {
  create(j.at("name"), j.at("mode"), j.at("order"), j.at("owner"), j.at("created_at_ms"));
  starts_ = j.at("starts").get<std::array<std::int64_t, lb_window_count>>();
  players_.clear();
  ids_.clear();
  for (const auto& row : j.at("players")) {
    auto id = intern(row.at(0).get<std::string>());
    auto& p = players_[id];
    p.rating = {row.at(1).get<double>(), row.at(2).get<double>(), row.at(3).get<double>()};
    p.last_match_ms = row.at(4).get<std::int64_t>();
    for (std::size_t w = 0; w < lb_window_count; ++w)
      if (!row.at(5).at(w).is_null())
        set_value(id, static_cast<lb_window>(w), row.at(5).at(w).get<double>());
    p.matches = row.at(6);
    p.wins = row.at(7);
    p.losses = row.at(8);
    p.draws = row.at(9);
    p.streak = row.at(10);
    p.best_streak = row.at(11);
    const auto& h = row.at(12);
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
      p.history.push_back({h[i].get<std::int64_t>(), h[i + 1].get<double>()});
    for (const auto& s : row.at(13))
      p.stats.push_back({s.at(0).get<std::string>(),
                         {s.at(1).get<double>(), s.at(2).get<double>()}});
    for (const auto& b : row.at(14))
      p.badges.push_back({b.at(0), b.at(1), b.at(2), b.size() > 3 && b.at(3).get<bool>()});
  }
  prev_rank_ = j.at("prev").get<std::array<std::vector<std::uint32_t>, lb_window_count>>();
  keys.clear();
  for (const auto& k : j.at("keys"))
    keys.push_back({k.at(0), k.at(1)});
  next_key = j.at("next_key");
  seen_.clear();
  seen_order_.clear();
  for (const auto& m : j.at("seen"))
    remember_match(m.get<std::string>());
}

}  // namespace aethex::actors
