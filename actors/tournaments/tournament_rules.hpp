// The rules of a tournament without actors or storage: its settings and their limits, times in
// ISO 8601, best-of-N scores, the prize split and the iCalendar text. Contract: docs/esports.md,
// section Tournaments.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/tournaments/bracket.hpp"

namespace aethex::actors::esports {

struct prize_pool {
  std::int64_t amount = 0;             // minor units
  std::string currency;                // ISO 4217
  std::vector<std::int64_t> split_bp;  // per place, sum 10000
};

/// What the organizer chose (the creation body, then PATCHes before the start).
struct tournament_settings {
  std::string name;
  std::string description;
  std::string game;  // leaderboard slug, "" for none
  bracket_options options;
  bool random_seeding = false;
  bool team_entrants = false;
  int best_of = 1;
  std::size_t max_entrants = 256;
  std::int64_t starts_at_ms = 0;  // 0: not set
  std::int64_t check_in_minutes = 0;
  std::optional<prize_pool> prize;
};

nlohmann::json settings_json(const tournament_settings& s);
tournament_settings settings_from_json(const nlohmann::json& j);

/// Reads the creation body (keys of docs/esports.md); the entrants and "start" are the caller's.
/// errc::invalid_argument naming the limit a field breaks.
caf::expected<tournament_settings> parse_settings(const nlohmann::json& body);
/// Applies a PATCH (the same keys but entrants/start); `started`: only name and description.
caf::expected<tournament_settings> patch_settings(tournament_settings s,
                                                  const nlohmann::json& patch, bool started);

/// An entrant name: a user name or a team slug (1–25 of a-z 0-9 _).
bool valid_entrant_name(std::string_view name);

/// "2026-12-04T09:30:00+01:00", "…Z", "…T09:30" with seconds/fractions optional, or a number of
/// ms since the epoch → ms UTC; errc::invalid_argument otherwise (an offset is required).
caf::expected<std::int64_t> parse_time(const nlohmann::json& value, std::string_view field);

/// Whether `score` finishes a best-of-`best_of` match won by opponents[winner]: the winner has
/// ⌈N/2⌉ games, the loser fewer. Best of 1 also accepts [1,0]/[0,1] only.
bool valid_score(int best_of, const std::array<int, 2>& score, int winner);

/// Amount per place: floor(amount × bp / 10000) each, the remainder to the first place.
std::vector<std::int64_t> split_prize(std::int64_t amount, const std::vector<std::int64_t>& bp);
/// `amount` shared equally by `members` (the first gets the remainder).
std::vector<std::int64_t> share_equally(std::int64_t amount, std::size_t members);

}  // namespace aethex::actors::esports
