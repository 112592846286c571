#include "actors/teams/teams_projection.hpp"

#include <stdexcept>

#include "actors/core/read_model_support.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view team_stream_prefix = "team/";

const storage::event_schema_registry& team_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (const char* type : {"team.created", "team.updated", "team.invited", "team.invite_accepted",
                             "team.invite_declined", "team.member_removed", "team.captain_changed",
                             "team.locked", "team.unlocked"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

void forget_team(storage::sqlite::database& db, const std::string& team) {
  for (const char* sql :
       {"DELETE FROM teams WHERE slug = ?1", "DELETE FROM team_members WHERE team = ?1",
        "DELETE FROM team_invites WHERE team = ?1"})
    db.prepare(sql).bind(1, team).run();
}

}  // namespace

void teams_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS teams(slug TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "tag TEXT NOT NULL, captain TEXT NOT NULL)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS team_members(team TEXT NOT NULL, user TEXT NOT NULL, "
    "joined_at_ms INTEGER NOT NULL, PRIMARY KEY(team, user))");
  db.exec("CREATE INDEX IF NOT EXISTS team_members_by_user ON team_members(user, joined_at_ms)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS team_invites(team TEXT NOT NULL, user TEXT NOT NULL, "
    "by TEXT NOT NULL, invited_at_ms INTEGER NOT NULL, PRIMARY KEY(team, user))");
  db.exec("CREATE INDEX IF NOT EXISTS team_invites_by_user ON team_invites(user, invited_at_ms)");
}

void teams_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM teams");
  db.exec("DELETE FROM team_members");
  db.exec("DELETE FROM team_invites");
}

void teams_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(team_stream_prefix))
    return;
  if (auto problem = team_schemas().check(e))
    throw std::runtime_error(*problem);
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("teams: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  auto team = e.stream.substr(team_stream_prefix.size());
  auto& db = tx.db();
  const auto& type = e.data.type;
  if (type == "team.created") {
    forget_team(db, team);  // a disbanded slug created again starts afresh
    auto captain = projected_text(body, "captain", e, "teams");
    db.prepare("INSERT INTO teams(slug, name, tag, captain) VALUES(?1, ?2, ?3, ?4)")
      .bind(1, team)
      .bind(2, projected_text(body, "name", e, "teams"))
      .bind(3, body.value("tag", ""))
      .bind(4, captain)
      .run();
    db.prepare("INSERT INTO team_members(team, user, joined_at_ms) VALUES(?1, ?2, ?3)")
      .bind(1, team)
      .bind(2, captain)
      .bind(3, e.data.timestamp_ms)
      .run();
  } else if (type == "team.updated") {
    for (const char* column : {"name", "tag"})
      if (body.contains(column))
        db.prepare(std::string{"UPDATE teams SET "} + column + " = ?2 WHERE slug = ?1")
          .bind(1, team)
          .bind(2, projected_text(body, column, e, "teams"))
          .run();
  } else if (type == "team.invited") {
    db.prepare(
        "INSERT OR REPLACE INTO team_invites(team, user, by, invited_at_ms) "
        "VALUES(?1, ?2, ?3, ?4)")
      .bind(1, team)
      .bind(2, projected_text(body, "user", e, "teams"))
      .bind(3, body.value("by", ""))
      .bind(4, e.data.timestamp_ms)
      .run();
  } else if (type == "team.invite_accepted" || type == "team.invite_declined") {
    auto user = projected_text(body, "user", e, "teams");
    db.prepare("DELETE FROM team_invites WHERE team = ?1 AND user = ?2")
      .bind(1, team)
      .bind(2, user)
      .run();
    if (type == "team.invite_accepted")
      db.prepare("INSERT OR IGNORE INTO team_members(team, user, joined_at_ms) VALUES(?1, ?2, ?3)")
        .bind(1, team)
        .bind(2, user)
        .bind(3, e.data.timestamp_ms)
        .run();
  } else if (type == "team.member_removed") {
    if (body.value("disbanded", false))
      return forget_team(db, team);
    db.prepare("DELETE FROM team_members WHERE team = ?1 AND user = ?2")
      .bind(1, team)
      .bind(2, projected_text(body, "user", e, "teams"))
      .run();
  } else if (type == "team.captain_changed") {
    db.prepare("UPDATE teams SET captain = ?2 WHERE slug = ?1")
      .bind(1, team)
      .bind(2, projected_text(body, "to", e, "teams"))
      .run();
  }
  // team.locked / team.unlocked change no list.
}

std::optional<std::uint64_t> teams_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM teams) + (SELECT COUNT(*) FROM team_members) + "
    "(SELECT COUNT(*) FROM team_invites)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json teams_of_user(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto user = args.value("user", std::string{});
  auto rows = json::array();
  auto teams = db.prepare(
    "SELECT t.slug, t.name, t.tag, t.captain, m.joined_at_ms FROM team_members m "
    "JOIN teams t ON t.slug = m.team WHERE m.user = ?1 ORDER BY m.joined_at_ms, t.slug "
    "LIMIT ?2");
  teams.bind(1, user).bind(2, my_teams_max);
  while (teams.step()) {
    auto slug = teams.column_text(0);
    if (!owns("team", slug))
      continue;
    rows.push_back(json{{"team", slug},
                        {"name", teams.column_text(1)},
                        {"tag", teams.column_text(2)},
                        {"role", teams.column_text(3) == user ? "captain" : "member"},
                        {"joined_at_ms", teams.column_int64(4)}});
  }
  auto invites = db.prepare(
    "SELECT t.slug, t.name, t.tag, i.by, i.invited_at_ms FROM team_invites i "
    "JOIN teams t ON t.slug = i.team WHERE i.user = ?1 ORDER BY i.invited_at_ms DESC, t.slug "
    "LIMIT ?2");
  invites.bind(1, user).bind(2, my_teams_max);
  while (invites.step()) {
    auto slug = invites.column_text(0);
    if (!owns("team", slug))
      continue;
    rows.push_back(json{{"invite", slug},
                        {"name", invites.column_text(1)},
                        {"tag", invites.column_text(2)},
                        {"by", invites.column_text(3)},
                        {"invited_at_ms", invites.column_int64(4)}});
  }
  return rows;
}

}  // namespace aethex::actors
