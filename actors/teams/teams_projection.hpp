// Read model of team rosters by user: which teams a user plays for (with the role) and which
// teams invited them, for GET /api/v1/me/teams. Fed by the team.* events of streams "team/<slug>";
// the team/<slug> entity stays the authority on every rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

/// Rows one user's list holds at most, per part (teams, invites): each team's roster and invites
/// are bounded, but a user can be on or invited to any number of teams.
inline constexpr std::int64_t my_teams_max = 200;

class teams_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "teams";

  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  /// Throws on an event schema newer than this code understands or a malformed payload.
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

/// The query "teams.of_user" (args {"user"}): rows {"team","name","tag","role","joined_at_ms"}
/// and {"invite","name","tag","by","invited_at_ms"} of the teams this member owns.
inline constexpr std::string_view teams_of_user_query = "teams.of_user";
nlohmann::json teams_of_user(storage::sqlite::database& db, const nlohmann::json& args,
                             const owns_fn& owns);

}  // namespace aethex::actors
