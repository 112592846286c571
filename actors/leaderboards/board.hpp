// The state of one leaderboard, without actors: players, their ratings or best scores, one rank
// index per window, the previous window's ranks, stats, badges and game keys. The entity applies
// its events to it; tests drive it directly (a million scores, windows on a manual clock).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/leaderboards/glicko2.hpp"
#include "actors/leaderboards/rank_index.hpp"

namespace aethex::actors {

enum class lb_window : std::uint8_t { weekly = 0, monthly = 1, all_time = 2 };
inline constexpr std::size_t lb_window_count = 3;

std::optional<lb_window> parse_lb_window(std::string_view name);
std::string_view lb_window_name(lb_window w);
/// Start of the window that holds `now_ms`: Monday 00:00 UTC, the 1st 00:00 UTC, or 0.
std::int64_t lb_window_start(lb_window w, std::int64_t now_ms);

/// Game slugs: 3-40 of a-z 0-9 _ -. Player ids: 1-64 of A-Z a-z 0-9 _ - . (account names fit).
bool valid_lb_game(std::string_view game);
bool valid_lb_player(std::string_view player);

/// Badges: first_win, wins_10, streak_3, streak_5 (from matches), tournament_winner (given).
bool valid_lb_badge(std::string_view badge);

/// Distinct stat names kept per player; further names are not recorded.
inline constexpr std::size_t lb_player_stats_max = 50;
/// Match ids remembered for idempotency (the oldest are forgotten first).
inline constexpr std::size_t lb_match_ids_max = 100'000;

using lb_stat_list = std::vector<std::pair<std::string, double>>;

struct lb_score {
  std::string player;
  double score = 0;
  lb_stat_list stats;
};

struct lb_match {
  std::string match_id;
  std::string winner;
  std::string loser;
  bool draw = false;
  std::vector<std::pair<std::string, lb_stat_list>> stats;  // by player
};

struct lb_stat {
  double sum = 0;
  double last = 0;
};
struct lb_badge {
  std::string badge;
  std::string detail;  // JSON text
  std::int64_t at_ms = 0;
  bool show_in_chat = false;  // the player's choice
};
struct lb_rating_point {
  std::int64_t at_ms = 0;
  double rating = 0;
};

struct lb_player {
  std::string name;
  glicko2::rating rating;
  std::int64_t last_match_ms = 0;
  std::array<std::optional<double>, lb_window_count> value;  // in each window's index
  std::int64_t matches = 0, wins = 0, losses = 0, draws = 0;
  std::int64_t streak = 0, best_streak = 0;  // consecutive wins
  std::vector<lb_rating_point> history;      // oldest first, ≤ lb_history_max
  std::vector<std::pair<std::string, lb_stat>> stats;
  std::vector<lb_badge> badges;

  bool has_badge(std::string_view badge) const;
};

struct lb_key {
  std::string key_id;
  std::string hash;  // runtime::token_digest of the key; the key itself is never stored
};

class board {
 public:
  // Settings (lb.created).
  std::string name, mode, order, owner;
  std::int64_t created_at_ms = 0;
  bool created() const { return !mode.empty(); }
  bool rating_mode() const { return mode == "rating"; }

  void create(std::string name_, std::string mode_, std::string order_, std::string owner_,
              std::int64_t at_ms);

  // Windows.
  std::int64_t window_start_ms(lb_window w) const { return starts_[static_cast<int>(w)]; }
  /// Windows whose period ended by `now_ms`, with the start of the period that holds it.
  std::vector<std::pair<lb_window, std::int64_t>> due_rolls(std::int64_t now_ms) const;
  /// Keeps the window's ranks as its previous ranks and empties it (all-time: only keeps the
  /// ranks, when the week rolls, so its change is "since the start of this week").
  void roll(lb_window w, std::int64_t new_start_ms);

  // Submissions.
  void apply_score(const lb_score& s, std::int64_t at_ms);
  void apply_match(const lb_match& m, std::int64_t at_ms);
  /// Badges `player` has earned by its record but not yet been given (first_win, wins_10, …).
  std::vector<std::string> due_badges(std::string_view player) const;
  /// False when the player already had it (or is unknown and `player` is invalid).
  bool award(const std::string& player, const std::string& badge, std::string detail,
             std::int64_t at_ms);
  /// The player's choice to show `badge` in chat; false when the player has no such badge.
  bool show_badge(std::string_view player, std::string_view badge, bool show);
  bool seen_match(const std::string& match_id) const { return seen_.contains(match_id); }
  bool better(double candidate, double current) const;

  // Keys.
  std::vector<lb_key> keys;
  std::uint64_t next_key = 1;
  /// The key id whose hash matches the digest of the presented key (constant-time compare).
  std::optional<std::string> key_for_digest(std::string_view digest) const;

  // Reading.
  std::size_t players() const { return players_.size(); }
  const lb_player* find(std::string_view player) const;
  const rank_index& index(lb_window w) const { return index_[static_cast<int>(w)]; }
  nlohmann::json summary(std::string_view game) const;
  nlohmann::json entry(std::string_view player, lb_window w) const;  // null rank when unranked
  nlohmann::json top(lb_window w, std::size_t offset, std::size_t limit) const;
  /// The player's entry with `around` neighbours on each side; nullopt when not ranked.
  std::optional<nlohmann::json> around(std::string_view player, lb_window w,
                                       std::size_t around) const;
  std::optional<nlohmann::json> player_stats(std::string_view player) const;

  // Snapshots: compact arrays, one row per player; the indexes are rebuilt on restore.
  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  std::uint32_t intern(const std::string& player);
  lb_player& player_at(std::uint32_t id) { return players_[id]; }
  void set_value(std::uint32_t id, lb_window w, double value);
  void add_stats(lb_player& p, const lb_stat_list& stats);
  nlohmann::json entry_at(std::uint32_t id, lb_window w, std::size_t rank) const;
  void remember_match(const std::string& match_id);

  std::array<std::int64_t, lb_window_count> starts_{};
  std::vector<lb_player> players_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::array<rank_index, lb_window_count> index_{rank_index{true}, rank_index{true},
                                                 rank_index{true}};
  // 1-based rank of each player id when the window last rolled; 0: not ranked then.
  std::array<std::vector<std::uint32_t>, lb_window_count> prev_rank_;
  std::unordered_set<std::string> seen_;
  std::deque<std::string> seen_order_;
};

}  // namespace aethex::actors
