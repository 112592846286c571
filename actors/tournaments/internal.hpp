// The tournaments domain's own parts, for its files; other domains include tournaments.hpp.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <caf/all.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/core/module.hpp"
#include "actors/tournaments/tournament_state.hpp"

namespace aethex::actors {

namespace trn {

using actor = caf::stateful_actor<event_sourced<tournament_state>>;

caf::expected<json> parse_body(const std::string& text);
/// The body as a JSON object with no key outside `known` (invalid_json / invalid_argument).
caf::expected<json> parse_body(const std::string& text,
                               std::initializer_list<std::string_view> known);
caf::error forbidden(const std::string& what);
caf::error conflict(const std::string& what, std::string reason);
caf::error invalid(const std::string& what);
caf::result<std::string> answer(actor* self);
/// Derives what follows a change from `before` (the bracket before it): leaderboard, champion,
/// roster unlocks, the room's frame, the index.
void after_change(actor* self, const esports::bracket& before);
void write_index(actor* self);
void tick(actor* self);
caf::error close_check_in(actor* self);
void relay(actor* self, const json& frame);
/// Sends the room the whole tournament as a {"type":"tournament"} frame.
void relay_tournament(actor* self);
/// The prize pool (tournament_prizes.cpp): the admin funds it; an organizer pays it out once.
caf::result<std::string> fund(actor* self, const std::string& by, std::int64_t amount);
caf::result<std::string> pay(actor* self, const std::string& by);

caf::result<std::string> post_result(actor* self, const std::string& by, const std::string& match,
                                     const std::string& text);
caf::result<std::string> post_report(actor* self, const std::string& by, const std::string& match,
                                     const std::string& text);
caf::result<std::string> post_forfeit(actor* self, const std::string& by, const std::string& match,
                                      const std::string& text);
caf::result<std::string> put_schedule(actor* self, const std::string& by, const std::string& match,
                                      const std::string& text);
caf::result<std::string> put_streams(actor* self, const std::string& by, const std::string& match,
                                     const std::string& text);

}  // namespace trn

/// Read model of tournaments (summaries, calendars, due times) and its queries.
class tournaments_projection final : public storage::projection {
 public:
  static constexpr std::string_view projection_name = "tournaments";
  std::string name() const override { return std::string{projection_name}; }
  void create_schema(storage::sqlite::database& db) override;
  void reset(storage::sqlite::database& db) override;
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override;
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override;
};

namespace tournament_queries {
/// {"state"?, "game"?, "organizer"?, "limit"} -> summaries, newest first.
inline constexpr std::string_view list = "tournaments.list";
/// {"organizer"} -> [{"open": n}] tournaments in registration or running.
inline constexpr std::string_view open_count = "tournaments.open_count";
/// {"now_ms"} -> [{"id"}] tournaments with something due.
inline constexpr std::string_view due = "tournaments.due";
/// {"entrant"} -> [{"tournament","name","match","at_ms","entrants"}] scheduled matches.
inline constexpr std::string_view calendar = "tournaments.calendar";
}  // namespace tournament_queries

void add_tournament_queries(read_query_table& queries);
/// The node's ticker: every few seconds ticks the tournaments with something due on env.clock.
caf::actor spawn_tournament_ticker(caf::actor_system& sys, const node_env& env);

/// tournaments, tournaments/{id}/…, teams/{team}/calendar.ics.
void add_tournament_routes(route_table& routes, const node_env& env);
/// tournament/<id> in the console: get and tick.
console::adapter tournament_adapter();

}  // namespace aethex::actors
