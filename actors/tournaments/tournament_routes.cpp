// Tournaments over REST (docs/esports.md, section Tournaments; docs/api.md). Who may do what is
// the entity's decision (organizers, sides, captains); routes name the caller ("admin" for the
// admin token), check ids, and keep the per-organizer limit with the read model.
#include "actors/core/icalendar.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/teams/teams.hpp"
#include "actors/tournaments/internal.hpp"
#include "actors/tournaments/tournament_rules.hpp"
#include "actors/tournaments/tournaments.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace trn_routes {

using json = nlohmann::json;
using ref = entity_ref<tournament_protocol>;

std::string caller(const route_request& req) { return req.who.is_admin() ? "admin" : req.who.name; }

// The {id} of the route, or a 404 for one that cannot be a tournament's.
std::optional<std::string> id_of(const route_request& req, const route_reply& reply) {
  const auto& id = req.param("id");
  if (!valid_tournament_id(id)) {
    reply(make_error(errc::not_found, "tournament not found"));
    return std::nullopt;
  }
  return id;
}

void create_one(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  auto by = caller(req);
  auto go = [env, by, reply, text = body->dump()] {
    ref{env.registry, new_tournament_id()}
      .ask(trn_create_atom::value, by, text)
      .then(*env.sys, pass_written_json_text(env, reply, 201));
  };
  if (by == "admin")
    return go();
  env.query(std::string{tournament_queries::open_count}, json{{"organizer", by}},
            [go, reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::int64_t open = 0;
              for (auto& r : *rows)
                open += r.value("open", std::int64_t{0});
              if (open >= static_cast<std::int64_t>(tournament_limits::open_per_organizer_max))
                return reply(make_error(
                  errc::conflict,
                  "at most " + std::to_string(tournament_limits::open_per_organizer_max) +
                    " tournaments open at once per organizer",
                  "too_many_open"));
              go();
            });
}

void list_all(const node_env& env, route_request&& req, route_reply reply) {
  auto limit = req.number_param("limit", 50, 1, 200);
  if (!limit)
    return reply(limit.error());
  auto state = req.query_param("state").value_or("");
  if (!state.empty() && state != "registration" && state != "running" && state != "finished" &&
      state != "canceled")
    return reply(make_error(errc::invalid_argument,
                            "'state' must be registration, running, finished or canceled"));
  json args{{"state", state},
            {"game", req.query_param("game").value_or("")},
            {"organizer", req.query_param("organizer").value_or("")},
            {"limit", *limit}};
  env.query(std::string{tournament_queries::list}, args,
            [reply, limit = *limit](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::sort(rows->begin(), rows->end(), [](const json& a, const json& b) {
                return a.value("created_at_ms", 0LL) > b.value("created_at_ms", 0LL);
              });
              if (rows->size() > limit)
                rows->resize(limit);
              reply(route_response::json(200, json{{"tournaments", *rows}}));
            });
}

void get_one(const node_env& env, route_request&& req, route_reply reply) {
  auto id = id_of(req, reply);
  if (!id)
    return;
  ref{env.registry, *id}.ask(trn_get_atom::value).then(*env.sys, pass_json_text(reply));
}

// A command (by, body) on the tournament.
template <class Atom>
route_handler with_body(const node_env& env, Atom atom) {
  return [env, atom](route_request&& req, route_reply reply) {
    auto id = id_of(req, reply);
    if (!id)
      return;
    std::string text = "{}";
    if (!req.body.empty()) {
      auto body = req.json_object();
      if (!body)
        return reply(body.error());
      text = body->dump();
    }
    ref{env.registry, *id}
      .ask(atom, caller(req), std::move(text))
      .then(*env.sys, pass_written_json_text(env, reply));
  };
}

// A command (by, match, body) on one of its matches.
template <class Atom>
route_handler on_match(const node_env& env, Atom atom) {
  return [env, atom](route_request&& req, route_reply reply) {
    auto id = id_of(req, reply);
    if (!id)
      return;
    const auto& match = req.param("match");
    if (match.empty() || match.size() > 16)
      return reply(make_error(errc::not_found, "no such match"));
    auto body = req.json_object();
    if (!body)
      return reply(body.error());
    ref{env.registry, *id}
      .ask(atom, caller(req), match, body->dump())
      .then(*env.sys, pass_written_json_text(env, reply));
  };
}

template <class Atom>
route_handler by_caller(const node_env& env, Atom atom) {
  return [env, atom](route_request&& req, route_reply reply) {
    auto id = id_of(req, reply);
    if (!id)
      return;
    ref{env.registry, *id}
      .ask(atom, caller(req))
      .then(*env.sys, pass_written_json_text(env, reply));
  };
}

void leave(const node_env& env, route_request&& req, route_reply reply) {
  auto id = id_of(req, reply);
  if (!id)
    return;
  ref{env.registry, *id}
    .ask(trn_leave_atom::value, caller(req), req.param("name"))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void add_organizer(const node_env& env, route_request&& req, route_reply reply) {
  auto id = id_of(req, reply);
  if (!id)
    return;
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"user"}))
    return reply(err);
  ref{env.registry, *id}
    .ask(trn_organizer_atom::value, caller(req), body->value("user", std::string{}))
    .then(*env.sys, pass_written_json_text(env, reply));
}

void fund(const node_env& env, route_request&& req, route_reply reply) {
  auto id = id_of(req, reply);
  if (!id)
    return;
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  if (auto err = only_fields(*body, {"amount"}))
    return reply(err);
  auto amount = body->find("amount");
  if (amount == body->end() || !amount->is_number_integer())
    return reply(make_error(errc::invalid_argument,
                            "'amount' must be a whole number (minor units)"));
  ref{env.registry, *id}
    .ask(trn_fund_atom::value, caller(req), amount->get<std::int64_t>())
    .then(*env.sys, pass_written_json_text(env, reply));
}

constexpr std::string_view ical_type = "text/calendar; charset=utf-8";

void tournament_ical(const node_env& env, route_request&& req, route_reply reply) {
  auto id = id_of(req, reply);
  if (!id)
    return;
  ref{env.registry, *id}
    .ask(trn_ical_atom::value)
    .then(*env.sys, [reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      reply(route_response::text(200, std::string{ical_type}, std::move(*text)));
    });
}

void team_ical(const node_env& env, route_request&& req, route_reply reply) {
  const auto& team = req.param("team");
  if (!valid_team_slug(team))
    return reply(make_error(errc::not_found, "team not found"));
  env.query(std::string{tournament_queries::calendar}, json{{"entrant", team}},
            [env, team, reply](caf::expected<std::vector<json>> rows) {
              if (!rows)
                return reply(rows.error());
              std::vector<ical_event> events;
              for (auto& r : *rows) {
                std::string versus;
                for (auto& e : r.value("entrants", json::array()))
                  versus += (versus.empty() ? "" : " vs ") + e.get<std::string>();
                auto at = r.value("at_ms", std::int64_t{0});
                auto id = r.value("tournament", "");
                auto match = r.value("match", "");
                events.push_back({"tournament-" + id + "-" + match + "@aethex", at, at + 3'600'000,
                                  r.value("name", "") + ": " + versus + " (" + match + ")", "",
                                  "/t/" + id});
              }
              std::sort(events.begin(), events.end(),
                        [](const auto& a, const auto& b) { return a.start_ms < b.start_ms; });
              reply(route_response::text(200, std::string{ical_type},
                                         ical_calendar({"Tournaments", team + " matches", {}},
                                                       events, env.clock->now_ms())));
            });
}

}  // namespace trn_routes

void add_tournament_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  using namespace trn_routes;
  routes.add(post, "tournaments", access::signed_in, with_env(env, create_one),
             "creates a tournament (the caller organizes it); \"start\": true starts it at once");
  routes.add(get, "tournaments", access::anyone, with_env(env, list_all),
             "tournaments, newest first (state, game, organizer filters; limit 1-200)");
  routes.add(get, "tournaments/{id}", access::anyone, with_env(env, get_one),
             "a tournament with its bracket, standings and champion");
  routes.add(patch, "tournaments/{id}", access::signed_in, with_body(env, trn_patch_atom::value),
             "changes settings before the start (organizers); name/description any time");
  routes.add(
    post, "tournaments/{id}/entrants", access::signed_in, with_body(env, trn_enter_atom::value),
    "registers the caller, the caller's team ({\"team\"}) or, by an organizer, {\"name\"}");
  routes.add(del, "tournaments/{id}/entrants/{name}", access::signed_in, with_env(env, leave),
             "withdraws an entrant (itself or an organizer): removed before the start, forfeits "
             "every match left after");
  routes.add(post, "tournaments/{id}/check-in", access::signed_in,
             with_body(env, trn_checkin_atom::value),
             "checks the caller (or {\"team\"} as its captain) in during the check-in window");
  routes.add(post, "tournaments/{id}/start", access::signed_in,
             by_caller(env, trn_start_atom::value),
             "starts: entrants not checked in are removed, seeds compacted, rosters locked");
  routes.add(post, "tournaments/{id}/cancel", access::signed_in,
             by_caller(env, trn_cancel_atom::value), "cancels the tournament (organizers)");
  routes.add(post, "tournaments/{id}/matches/{match}/result", access::signed_in,
             on_match(env, trn_result_atom::value),
             "an organizer's result {\"winner\",\"score\"}: settles, resolves a dispute or edits "
             "(downstream recomputed)");
  routes.add(post, "tournaments/{id}/matches/{match}/report", access::signed_in,
             on_match(env, trn_report_atom::value),
             "a side's report {\"winner\",\"score\"}: agreeing reports settle, differing dispute");
  routes.add(post, "tournaments/{id}/matches/{match}/forfeit", access::signed_in,
             on_match(env, trn_forfeit_atom::value),
             "{\"entrant\"} forfeits the match (that side, or an organizer for a no-show)");
  routes.add(put, "tournaments/{id}/matches/{match}/schedule", access::signed_in,
             on_match(env, trn_schedule_atom::value),
             "{\"at\"}: ISO 8601 with offset or ms, stored UTC (organizers)");
  routes.add(put, "tournaments/{id}/matches/{match}/streams", access::signed_in,
             on_match(env, trn_streams_atom::value),
             "{\"channels\"}: up to 4 channels broadcasting the match (organizers)");
  routes.add(get, "tournaments/{id}/calendar.ics", access::anyone, with_env(env, tournament_ical),
             "the tournament's scheduled matches as iCalendar");
  routes.add(get, "teams/{team}/calendar.ics", access::anyone, with_env(env, team_ical),
             "a team's scheduled tournament matches as iCalendar");
  routes.add(post, "tournaments/{id}/organizers", access::signed_in, with_env(env, add_organizer),
             "adds a co-organizer {\"user\"} (also a moderator of the tournament's chat)");
  routes.add(post, "tournaments/{id}/prizes/fund", access::admin, with_env(env, fund),
             "moves {\"amount\"} into the tournament's prize pool on the ledger (admin)");
  routes.add(post, "tournaments/{id}/prizes/pay", access::signed_in,
             by_caller(env, trn_pay_atom::value),
             "pays the prize split through the ledger once finished (organizers; idempotent)");
}

}  // namespace aethex::actors
