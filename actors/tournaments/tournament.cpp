// tournament/<id>: the entity (tournaments.hpp). Commands check who may act and the rules, emit
// input events, then `after_change` derives what follows from the new bracket: leaderboard
// results, the champion's achievement and roster unlocks, the live frame in the tournament's
// chat room and the read model's index row.
#include "actors/tournaments/tournaments.hpp"

#include <sodium.h>

#include <memory>
#include <random>

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/leaderboards/leaderboards.hpp"
#include "actors/teams/teams.hpp"
#include "actors/tournaments/internal.hpp"
#include "actors/tournaments/tournament_state.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

bool valid_tournament_id(std::string_view id) {
  return id.size() == tournament_limits::id_length && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

std::string new_tournament_id() {
  constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id;
  for (std::size_t i = 0; i < tournament_limits::id_length; ++i)
    id += alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))];
  return id;
}

namespace trn {

using esports::match_status;

caf::error forbidden(const std::string& what) { return make_error(errc::forbidden, what); }
caf::error conflict(const std::string& what, std::string reason) {
  return make_error(errc::conflict, what, std::move(reason));
}
caf::error invalid(const std::string& what) { return make_error(errc::invalid_argument, what); }

caf::expected<json> parse_body(const std::string& text) {
  if (text.empty())
    return json::object();
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  return j;
}

caf::expected<json> parse_body(const std::string& text,
                               std::initializer_list<std::string_view> known) {
  auto body = parse_body(text);
  if (!body)
    return body;
  if (auto err = only_fields(*body, known))
    return err;
  return body;
}

std::string room_of(const std::string& id) { return "tournament:" + id; }

// Tells the tournament's chat room a frame (as is) for its viewers.
void relay(actor* self, const json& frame) {
  entity_ref<chat_protocol>{self->state.registry(), room_of(self->state.id())}.tell(
    chat_relay_atom::value, frame.dump());
}

void relay_tournament(actor* self) {
  relay(self, json{{"type", "tournament"}, {"tournament", self->state.to_json(self->state.id())}});
}

void write_index(actor* self) {
  auto& st = self->state;
  auto index = st.index_json(st.id(), st.clock().now_ms());
  if (index == st.last_index)
    return;
  (void)st.emit(indexed{index});  // a failed write is retried by the next change or tick
}

// What a change means downstream: matches newly settled go to the game's leaderboard, a new
// champion gets the achievement (once) and rosters are unlocked, the room sees the bracket.
void after_change(actor* self, const esports::bracket& before) {
  auto& st = self->state;
  std::map<std::string, const esports::bracket_match*, std::less<>> old;
  for (auto& m : before.matches)
    old[m.id] = &m;
  bool changed = before.matches.size() != st.derived.matches.size();
  for (auto& m : st.derived.matches) {
    auto it = old.find(m.id);
    bool was_done = it != old.end() && it->second->status == match_status::done;
    bool same = it != old.end() && it->second->winner == m.winner && it->second->score == m.score &&
                it->second->opponents == m.opponents && it->second->status == m.status;
    changed = changed || !same;
    if (m.status != match_status::done || !m.winner || (was_done && same) ||
        st.settings.game.empty())
      continue;
    auto loser = *m.opponents[0] == *m.winner ? *m.opponents[1] : *m.opponents[0];
    // Idempotent by match_id: an edit does not rate the match twice.
    entity_ref<leaderboard_protocol>{st.registry(), st.settings.game}.tell(
      lb_match_atom::value, json{{"winner", *m.winner},
                                 {"loser", loser},
                                 {"draw", false},
                                 {"match_id", "tournament:" + st.id() + ":" + m.id}}
                              .dump());
  }
  if (st.derived.finished && st.derived.champion && st.champion_recorded != st.derived.champion) {
    bool first = !st.rosters_released;
    if (!st.emit(finished{json{{"champion", *st.derived.champion}}})) {
      // A team's achievement goes to the team (its slug is the player, as in its matches).
      if (!st.settings.game.empty())
        entity_ref<leaderboard_protocol>{st.registry(), st.settings.game}.tell(
          lb_achievement_atom::value, *st.derived.champion, std::string{"tournament_winner"},
          json{{"tournament", st.id()}, {"name", st.settings.name}}.dump());
      if (first && st.settings.team_entrants)
        for (auto& x : st.entrants)
          entity_ref<team_protocol>{st.registry(), x.name}.tell(team_unlock_atom::value, st.id());
    }
  }
  if (changed)
    relay_tournament(self);
  write_index(self);
}

// Reminders due now: 15 minutes (tournament_limits::reminder_before_ms) before each scheduled
// match not played yet, one personal notice per match and time to every user of its entrants.
void send_reminders(actor* self) {
  auto& st = self->state;
  if (st.stage != phase::running)
    return;
  auto now = st.clock().now_ms();
  for (auto& m : st.derived.matches) {
    auto it = st.info.find(m.id);
    if (it == st.info.end() || it->second.scheduled_at_ms == 0 || m.status == match_status::done)
      continue;
    auto at = it->second.scheduled_at_ms;
    if (now < at - tournament_limits::reminder_before_ms || now >= at)
      continue;
    auto id = "tournament:" + st.id() + ":" + m.id + ":" + std::to_string(at);
    if (st.reminded.contains(id))
      continue;
    std::vector<std::string> users;
    std::string versus;
    for (auto& o : m.opponents) {
      versus += versus.empty() ? "" : " vs ";
      versus += o ? *o : "TBD";
      if (o)
        for (auto& u : st.users_of(*o))
          users.push_back(u);
    }
    if (users.empty())
      continue;
    auto minutes = (at - now + 59'999) / 60'000;
    (void)st.emit(personal_notice{
      json{{"id", id},
           {"users", users},
           {"kind", "match_reminder"},
           {"title", st.settings.name + ": " + versus + " (" + m.id + ") starts in " +
                       std::to_string(minutes) + " min"},
           {"link", "/t/" + st.id()},
           {"at_ms", at}}});
  }
}

caf::error close_check_in(actor* self) {
  auto& st = self->state;
  if (st.stage != phase::registration || st.check_in_done || st.settings.check_in_minutes == 0)
    return caf::none;
  auto removed = json::array();
  for (auto& x : st.entrants)
    if (!x.checked_in)
      removed.push_back(x.name);
  return st.emit(check_in_closed{json{{"removed", std::move(removed)}}});
}

void tick(actor* self) {
  auto& st = self->state;
  if (!st.created_yet())
    return;
  auto now = st.clock().now_ms();
  if (st.stage == phase::registration && st.settings.starts_at_ms > 0 &&
      now >= st.settings.starts_at_ms)
    (void)close_check_in(self);
  send_reminders(self);
  write_index(self);
}

caf::expected<std::array<int, 2>> read_score(const json& body) {
  auto s = body.find("score");
  if (s == body.end() || !s->is_array() || s->size() != 2 || !(*s)[0].is_number_integer() ||
      !(*s)[1].is_number_integer() || (*s)[0].get<std::int64_t>() < 0 ||
      (*s)[1].get<std::int64_t>() < 0 || (*s)[0].get<std::int64_t>() > 99 ||
      (*s)[1].get<std::int64_t>() > 99)
    return invalid("'score' must be [games of the first opponent, games of the second]");
  return std::array<int, 2>{(*s)[0].get<int>(), (*s)[1].get<int>()};
}

// A match that can take a result now, and the outcome the body names.
struct outcome {
  const esports::bracket_match* match = nullptr;
  std::string winner;
  std::array<int, 2> score{0, 0};
  std::array<std::string, 2> opponents;
};

caf::expected<outcome> read_outcome(tournament_state& st, const std::string& match_id,
                                    const json& body, bool need_score) {
  if (st.stage != phase::running)
    return conflict("the tournament is not running", "not_running");
  const auto* m = st.find_match(match_id);
  if (!m)
    return make_error(errc::not_found, "no match '" + match_id + "' in this tournament");
  if (!m->opponents[0] || !m->opponents[1])
    return conflict("match " + match_id + " does not have both opponents yet", "not_ready");
  outcome o{m, body.value("winner", ""), {0, 0}, {*m->opponents[0], *m->opponents[1]}};
  if (!body.contains("winner") || !body["winner"].is_string() ||
      (o.winner != o.opponents[0] && o.winner != o.opponents[1]))
    return invalid("'winner' must be one of the match's opponents");
  if (need_score || body.contains("score")) {
    auto score = read_score(body);
    if (!score)
      return score.error();
    o.score = *score;
    if (!esports::valid_score(st.settings.best_of, o.score, o.winner == o.opponents[0] ? 0 : 1))
      return invalid("'score' is not a finished best of " + std::to_string(st.settings.best_of) +
                     " won by " + o.winner);
  }
  return o;
}

caf::result<std::string> answer(actor* self) {
  return self->state.to_json(self->state.id()).dump();
}

json result_body(const outcome& o, std::string_view by, bool forfeit) {
  return json{{"match", o.match->id},
              {"winner", o.winner},
              {"score", json::array({o.score[0], o.score[1]})},
              {"opponents", json::array({o.opponents[0], o.opponents[1]})},
              {"forfeit", forfeit},
              {"by", by}};
}

caf::result<std::string> post_result(actor* self, const std::string& by, const std::string& match,
                                     const std::string& text) {
  auto& st = self->state;
  if (!st.is_organizer(by))
    return forbidden("only the tournament's organizers post results");
  auto body = parse_body(text, {"winner", "score"});
  if (!body)
    return body.error();
  auto o = read_outcome(st, match, *body, true);
  if (!o)
    return o.error();
  auto before = st.derived;
  if (auto err = st.emit(resulted{result_body(*o, by, false)}))
    return err;
  after_change(self, before);
  return answer(self);
}

caf::result<std::string> post_report(actor* self, const std::string& by, const std::string& match,
                                     const std::string& text) {
  auto& st = self->state;
  auto body = parse_body(text, {"winner", "score"});
  if (!body)
    return body.error();
  auto o = read_outcome(st, match, *body, true);
  if (!o)
    return o.error();
  auto side = st.side_of(by, *o->match);
  if (!side)
    return forbidden(st.settings.team_entrants ? "only the captains of the match's teams report"
                                               : "only the match's opponents report");
  if (o->match->status == match_status::done)
    return conflict("match " + match + " is settled; the organizer can still edit it", "settled");
  json ev{{"match", match},
          {"side", *side},
          {"winner", o->winner},
          {"score", json::array({o->score[0], o->score[1]})},
          {"opponents", json::array({o->opponents[0], o->opponents[1]})}};
  auto before = st.derived;
  if (auto err = st.emit(reported{ev}))
    return err;
  // The other side's report for the same opponents settles the match when it agrees.
  const auto& other = *side == o->opponents[0] ? o->opponents[1] : o->opponents[0];
  const auto& reports = st.info[match].reports;
  if (auto it = reports.find(other); it != reports.end() && it->second.opponents == o->opponents &&
                                     it->second.winner == o->winner &&
                                     it->second.score == o->score) {
    if (auto err = st.emit(resulted{result_body(*o, "reports", false)}))
      return err;
  }
  after_change(self, before);
  if (const auto* m = st.find_match(match); m && st.disputed(*m))
    relay_tournament(self);
  return answer(self);
}

caf::result<std::string> post_forfeit(actor* self, const std::string& by, const std::string& match,
                                      const std::string& text) {
  auto& st = self->state;
  auto body = parse_body(text, {"entrant"});
  if (!body)
    return body.error();
  auto quitter = body->value("entrant", "");
  const auto* m = st.find_match(match);
  if (st.stage == phase::running && m && m->opponents[0] && m->opponents[1]) {
    auto winner = *m->opponents[0] == quitter ? *m->opponents[1] : *m->opponents[0];
    if (quitter != *m->opponents[0] && quitter != *m->opponents[1])
      return invalid("'entrant' must be one of the match's opponents");
    bool own_side = st.side_of(by, *m) == quitter;
    if (!own_side && !st.is_organizer(by))
      return forbidden("only that entrant or an organizer forfeits it");
    auto o = read_outcome(st, match, json{{"winner", winner}}, false);
    if (!o)
      return o.error();
    auto before = st.derived;
    if (auto err = st.emit(resulted{result_body(*o, by, true)}))
      return err;
    after_change(self, before);
    return answer(self);
  }
  auto o = read_outcome(st, match, json{{"winner", ""}}, false);
  return o.error();
}

caf::result<std::string> put_schedule(actor* self, const std::string& by, const std::string& match,
                                      const std::string& text) {
  auto& st = self->state;
  if (!st.is_organizer(by))
    return forbidden("only the tournament's organizers schedule matches");
  auto body = parse_body(text, {"at"});
  if (!body)
    return body.error();
  if (!st.find_match(match))
    return make_error(errc::not_found, "no match '" + match + "' in this tournament");
  std::int64_t at = 0;
  if (auto it = body->find("at"); it == body->end() || !it->is_null()) {
    auto parsed = esports::parse_time(it == body->end() ? json() : *it, "at");
    if (!parsed)
      return parsed.error();
    at = *parsed;
  }
  auto before = st.derived;
  if (auto err = st.emit(scheduled{json{{"match", match}, {"at_ms", at}}}))
    return err;
  send_reminders(self);
  relay_tournament(self);
  after_change(self, before);
  return answer(self);
}

caf::result<std::string> put_streams(actor* self, const std::string& by, const std::string& match,
                                     const std::string& text) {
  auto& st = self->state;
  if (!st.is_organizer(by))
    return forbidden("only the tournament's organizers link streams");
  auto body = parse_body(text, {"channels"});
  if (!body)
    return body.error();
  if (!st.find_match(match))
    return make_error(errc::not_found, "no match '" + match + "' in this tournament");
  auto list = body->find("channels");
  auto rule = "'channels' must be a list of at most " +
              std::to_string(tournament_limits::channels_per_match_max) +
              " different channel names";
  if (list == body->end() || !list->is_array() ||
      list->size() > tournament_limits::channels_per_match_max)
    return invalid(rule);
  std::vector<std::string> channels;
  for (auto& c : *list) {
    if (!c.is_string() || !valid_channel_name(c.get<std::string>()) ||
        std::find(channels.begin(), channels.end(), c.get<std::string>()) != channels.end())
      return invalid(rule);
    channels.push_back(c.get<std::string>());
  }
  if (auto err = st.emit(streams_set{json{{"match", match}, {"channels", channels}}}))
    return err;
  relay_tournament(self);
  return answer(self);
}

}  // namespace trn
}  // namespace aethex::actors
