// Read model of tournaments, from each tournament's `tournament.indexed` events (the entity
// writes one whenever its summary, calendar or next due time changed): `tournaments` (one row
// each: the list route, the open-per-organizer limit, the ticker's due times) and
// `tournament_calendar` (one row per scheduled match and entrant: team calendars). And the
// node's ticker, which ticks the tournaments with something due on the node's clock.
#include <algorithm>
#include <stdexcept>

#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/tournaments/internal.hpp"
#include "actors/tournaments/tournaments.hpp"

namespace aethex::actors {
namespace trn_model {

using json = nlohmann::json;
constexpr std::string_view stream_prefix = "tournament/";
constexpr auto tick_every = std::chrono::seconds(2);
using ticker_atom = caf::atom_constant<caf::atom("trnticker")>;
using tick_one_atom = caf::atom_constant<caf::atom("trntickone")>;

// For each wanted link: the channel's public VOD covering the match's start (started before it,
// and still recording or long enough to reach it) is linked with the offset into it.
void link_vods(const node_env& env, const std::string& id, const json& wanted) {
  for (auto& want : wanted) {
    auto channel = want.value("channel", "");
    auto match = want.value("match", "");
    auto at = want.value("at_ms", std::int64_t{0});
    env.query("vod.channel", json{{"channel", channel}, {"limit", 20}, {"privacies", {"public"}}},
              [env, id, channel, match, at](caf::expected<std::vector<json>> rows) {
                if (!rows)
                  return;
                for (auto& vod : *rows) {
                  auto started = vod.value("started_at_ms", std::int64_t{0});
                  auto duration = vod.value("duration_ms", std::int64_t{0});
                  bool covers = started <= at &&
                                (vod.value("state", "") == "recording" || at <= started + duration);
                  if (!covers)
                    continue;
                  entity_ref<tournament_protocol>{env.registry, id}.tell(trn_vod_atom::value, match,
                                                                         channel,
                                                                         vod.value("id", ""),
                                                                         (at - started) / 1000);
                  return;
                }
              });
  }
}

json list(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto limit = std::clamp<std::int64_t>(args.value("limit", std::int64_t{50}), 1, 200);
  auto rows = db.prepare(
    "SELECT id, name, game, state, starts_at_ms, organizer, entrant_type, entrants, champion, "
    "created_at_ms FROM tournaments WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR game = ?2) "
    "AND (?3 = '' OR organizer = ?3) ORDER BY created_at_ms DESC LIMIT ?4");
  rows.bind(1, args.value("state", std::string{}));
  rows.bind(2, args.value("game", std::string{}));
  rows.bind(3, args.value("organizer", std::string{}));
  rows.bind(4, limit);
  json out = json::array();
  while (rows.step()) {
    auto id = rows.column_text(0);
    if (!owns("tournament", id))
      continue;
    auto game = rows.column_text(2);
    auto champion = rows.column_text(8);
    auto starts = rows.column_int64(4);
    out.push_back(json{{"id", id},
                       {"name", rows.column_text(1)},
                       {"game", game.empty() ? json(nullptr) : json(game)},
                       {"state", rows.column_text(3)},
                       {"starts_at_ms", starts > 0 ? json(starts) : json(nullptr)},
                       {"organizer", rows.column_text(5)},
                       {"entrant_type", rows.column_text(6)},
                       {"entrants", rows.column_int64(7)},
                       {"champion", champion.empty() ? json(nullptr) : json(champion)},
                       {"created_at_ms", rows.column_int64(9)}});
  }
  return out;
}

json open_count(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT id FROM tournaments WHERE organizer = ?1 AND state IN ('registration', 'running')");
  rows.bind(1, args.value("organizer", std::string{}));
  std::int64_t n = 0;
  while (rows.step())
    n += owns("tournament", rows.column_text(0)) ? 1 : 0;
  return json::array({json{{"open", n}}});
}

json due(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT id FROM tournaments WHERE next_due_ms > 0 AND next_due_ms <= ?1 LIMIT 1000");
  rows.bind(1, args.value("now_ms", std::int64_t{0}));
  json out = json::array();
  while (rows.step())
    if (auto id = rows.column_text(0); owns("tournament", id))
      out.push_back(json{{"id", id}});
  return out;
}

json calendar(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT c.tournament, t.name, c.match, c.at_ms, c.entrants FROM tournament_calendar c "
    "JOIN tournaments t ON t.id = c.tournament WHERE c.entrant = ?1 AND t.entrant_type = ?2 "
    "ORDER BY c.at_ms LIMIT 500");
  rows.bind(1, args.value("entrant", std::string{}));
  rows.bind(2, args.value("entrant_type", std::string{"team"}));
  json out = json::array();
  while (rows.step())
    if (auto id = rows.column_text(0); owns("tournament", id))
      out.push_back(json{{"tournament", id},
                         {"name", rows.column_text(1)},
                         {"match", rows.column_text(2)},
                         {"at_ms", rows.column_int64(3)},
                         {"entrants", json::parse(rows.column_text(4), nullptr, false)}});
  return out;
}

}  // namespace trn_model

void tournaments_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS tournaments(id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "game TEXT NOT NULL, state TEXT NOT NULL, starts_at_ms INTEGER NOT NULL, "
    "organizer TEXT NOT NULL, entrant_type TEXT NOT NULL, entrants INTEGER NOT NULL, "
    "champion TEXT NOT NULL, created_at_ms INTEGER NOT NULL, next_due_ms INTEGER NOT NULL)");
  db.exec("CREATE INDEX IF NOT EXISTS tournaments_by_due ON tournaments(next_due_ms)");
  db.exec("CREATE INDEX IF NOT EXISTS tournaments_by_organizer ON tournaments(organizer, state)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS tournament_calendar(tournament TEXT NOT NULL, match TEXT NOT NULL, "
    "entrant TEXT NOT NULL, at_ms INTEGER NOT NULL, entrants TEXT NOT NULL, "
    "PRIMARY KEY(tournament, match, entrant))");
  db.exec(
    "CREATE INDEX IF NOT EXISTS tournament_calendar_by_entrant ON tournament_calendar(entrant)");
}

void tournaments_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM tournaments");
  db.exec("DELETE FROM tournament_calendar");
}

void tournaments_projection::apply(storage::sqlite::transaction& tx,
                                   const storage::recorded_event& e) {
  if (!e.stream.starts_with(trn_model::stream_prefix) || e.data.type != "tournament.indexed")
    return;
  if (e.data.schema > 1)
    throw std::runtime_error("tournaments: event schema " + std::to_string(e.data.schema) + " of " +
                             e.stream + " is newer than this code");
  auto body = nlohmann::json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    return;  // the entity skips it too
  auto id = e.stream.substr(trn_model::stream_prefix.size());
  auto champion = body.value("champion", nlohmann::json());
  tx.db()
    .prepare(
      "INSERT OR REPLACE INTO tournaments(id, name, game, state, starts_at_ms, organizer, "
      "entrant_type, entrants, champion, created_at_ms, next_due_ms) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
    .bind(1, id)
    .bind(2, body.value("name", ""))
    .bind(3, body.value("game", ""))
    .bind(4, body.value("state", ""))
    .bind(5, body.value("starts_at_ms", std::int64_t{0}))
    .bind(6, body.value("organizer", ""))
    .bind(7, body.value("entrant_type", "user"))
    .bind(8, body.value("entrants", std::int64_t{0}))
    .bind(9, champion.is_string() ? champion.get<std::string>() : std::string{})
    .bind(10, body.value("created_at_ms", std::int64_t{0}))
    .bind(11, body.value("next_due_ms", std::int64_t{0}))
    .run();
  tx.db().prepare("DELETE FROM tournament_calendar WHERE tournament = ?1").bind(1, id).run();
  for (auto& row : body.value("calendar", nlohmann::json::array())) {
    auto entrants = row.value("entrants", nlohmann::json::array());
    for (auto& who : entrants)
      if (who.is_string())
        tx.db()
          .prepare(
            "INSERT OR REPLACE INTO tournament_calendar(tournament, match, entrant, at_ms, "
            "entrants) VALUES(?1, ?2, ?3, ?4, ?5)")
          .bind(1, id)
          .bind(2, row.value("match", ""))
          .bind(3, who.get<std::string>())
          .bind(4, row.value("at_ms", std::int64_t{0}))
          .bind(5, entrants.dump())
          .run();
  }
}

std::optional<std::uint64_t> tournaments_projection::row_count(
  storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM tournaments) + (SELECT COUNT(*) FROM tournament_calendar)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

void add_tournament_queries(read_query_table& queries) {
  queries[std::string{tournament_queries::list}] = trn_model::list;
  queries[std::string{tournament_queries::open_count}] = trn_model::open_count;
  queries[std::string{tournament_queries::due}] = trn_model::due;
  queries[std::string{tournament_queries::calendar}] = trn_model::calendar;
}

caf::actor spawn_tournament_ticker(caf::actor_system& sys, const node_env& env) {
  return sys.spawn([env](caf::event_based_actor* self) -> caf::behavior {
    self->send(self, trn_model::ticker_atom::value);
    return {
      [self, env](trn_model::ticker_atom) {
        self->delayed_send(self, trn_model::tick_every, trn_model::ticker_atom::value);
        env.query(std::string{tournament_queries::due},
                  nlohmann::json{{"now_ms", env.clock->now_ms()}},
                  [self, env](caf::expected<std::vector<nlohmann::json>> rows) {
                    if (!rows)
                      return;
                    // The answer comes on another thread: the ticks go out from the ticker.
                    for (auto& row : *rows)
                      caf::anon_send(caf::actor{self}, trn_model::tick_one_atom::value,
                                     row.value("id", ""));
                  });
      },
      [self, env](trn_model::tick_one_atom, const std::string& id) {
        entity_ref<tournament_protocol>{env.registry, id}
          .request(self, trn_tick_atom::value)
          .then(
            [env, id](const std::string& text) {
              auto tick = nlohmann::json::parse(text, nullptr, false);
              if (tick.is_object())
                trn_model::link_vods(env, id, tick.value("vods_wanted", nlohmann::json::array()));
            },
            [](const caf::error&) {});
      },
    };
  });
}

}  // namespace aethex::actors
