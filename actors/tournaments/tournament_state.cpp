#include "actors/tournaments/tournament_state.hpp"

#include "actors/tournaments/tournaments.hpp"

namespace aethex::actors::trn {

namespace {

std::array<std::string, 2> opponents_of(const json& j) {
  std::array<std::string, 2> out;
  if (j.is_array() && j.size() == 2)
    for (std::size_t i = 0; i < 2; ++i)
      out[i] = j[i].is_string() ? j[i].get<std::string>() : std::string{};
  return out;
}

std::array<int, 2> score_of(const json& j) {
  if (j.is_array() && j.size() == 2 && j[0].is_number_integer() && j[1].is_number_integer())
    return {j[0].get<int>(), j[1].get<int>()};
  return {0, 0};
}

}  // namespace

void tournament_state::apply(const created& e, const event_meta& m) {
  settings = esports::settings_from_json(e.body.at("settings"));
  organizer = e.body.value("organizer", "");
  organizer_is_admin = e.body.value("organizer_is_admin", false);
  stage = phase::registration;
  created_at_ms = m.timestamp_ms;
  for (auto& name : e.body.value("entrants", json::array()))
    entrants.push_back(entrant{name.get<std::string>(), false, false, {}, {}});
}

void tournament_state::apply(const updated& e, const event_meta&) {
  settings = esports::settings_from_json(e.body.at("settings"));
}

void tournament_state::apply(const entrant_added& e, const event_meta&) {
  entrants.push_back(entrant{e.body.value("name", ""), false, false, {}, {}});
}

void tournament_state::apply(const entrant_removed& e, const event_meta&) {
  auto name = e.body.value("name", "");
  std::erase_if(entrants, [&](const entrant& x) { return x.name == name; });
}

void tournament_state::apply(const checked_in& e, const event_meta&) {
  auto name = e.body.value("name", "");
  for (auto& x : entrants)
    if (x.name == name)
      x.checked_in = true;
}

void tournament_state::apply(const check_in_closed& e, const event_meta&) {
  check_in_done = true;
  for (auto& name : e.body.value("removed", json::array()))
    std::erase_if(entrants, [&](const entrant& x) { return x.name == name; });
}

void tournament_state::apply(const started& e, const event_meta&) {
  std::vector<entrant> ordered;
  auto rosters = e.body.value("rosters", json::object());
  for (auto& name : e.body.value("seeds", json::array())) {
    entrant x{name.get<std::string>(), false, false, {}, {}};
    if (auto old = find_entrant(x.name))
      x.checked_in = old->checked_in;
    if (auto r = rosters.find(x.name); r != rosters.end()) {
      x.captain = r->value("captain", "");
      x.members = r->value("members", std::vector<std::string>{});
    }
    ordered.push_back(std::move(x));
  }
  entrants = std::move(ordered);
  stage = phase::running;
  recompute();
}

void tournament_state::apply(const withdrawn& e, const event_meta&) {
  auto name = e.body.value("name", "");
  for (auto& x : entrants)
    if (x.name == name)
      x.withdrawn = true;
  recompute();
}

void tournament_state::apply(const reported& e, const event_meta&) {
  report r{e.body.value("winner", ""), score_of(e.body.value("score", json())),
           opponents_of(e.body.value("opponents", json()))};
  info[e.body.value("match", "")].reports[e.body.value("side", "")] = std::move(r);
}

void tournament_state::apply(const resulted& e, const event_meta& m) {
  auto id = e.body.value("match", "");
  esports::match_result r;
  r.winner = e.body.value("winner", "");
  r.score = score_of(e.body.value("score", json()));
  r.opponents = opponents_of(e.body.value("opponents", json()));
  r.forfeit = e.body.value("forfeit", false);
  results[id] = std::move(r);
  info[id].settled_at_ms = m.timestamp_ms;
  recompute();
}

void tournament_state::apply(const scheduled& e, const event_meta&) {
  info[e.body.value("match", "")].scheduled_at_ms = e.body.value("at_ms", std::int64_t{0});
}

void tournament_state::apply(const streams_set& e, const event_meta&) {
  info[e.body.value("match", "")].channels = e.body.value("channels", std::vector<std::string>{});
}

void tournament_state::apply(const vod_linked& e, const event_meta&) {
  auto& vods = info[e.body.value("match", "")].vods;
  json link{{"channel", e.body.value("channel", "")},
            {"vod", e.body.value("vod", "")},
            {"offset_s", e.body.value("offset_s", std::int64_t{0})}};
  for (auto& v : vods)
    if (v.value("channel", "") == link["channel"]) {
      v = link;
      return;
    }
  vods.push_back(std::move(link));
}

void tournament_state::apply(const organizer_added& e, const event_meta&) {
  co_organizers.push_back(e.body.value("user", ""));
}

void tournament_state::apply(const prize_funded& e, const event_meta&) {
  funded += e.body.value("amount", std::int64_t{0});
  ++fundings;
}

void tournament_state::apply(const prize_paid& e, const event_meta&) {
  payouts = e.body.value("payouts", json::array());
}

void tournament_state::apply(const canceled& e, const event_meta&) {
  stage = phase::canceled;
  canceled_by = e.body.value("by", "");
}

void tournament_state::apply(const finished& e, const event_meta&) {
  champion_recorded = e.body.value("champion", "");
  rosters_released = true;
}

void tournament_state::apply(const indexed& e, const event_meta&) { last_index = e.body; }

void tournament_state::apply(const personal_notice& e, const event_meta&) {
  reminded.insert(e.body.value("id", ""));
}

std::string tournament_state::state_name() const {
  switch (stage) {
    case phase::registration: return "registration";
    case phase::running: return derived.finished ? "finished" : "running";
    case phase::canceled: return "canceled";
    case phase::none: break;
  }
  return "none";
}

bool tournament_state::is_organizer(std::string_view who) const {
  return who == "admin" || (!organizer_is_admin && who == organizer) ||
         std::find(co_organizers.begin(), co_organizers.end(), who) != co_organizers.end();
}

std::vector<std::string> tournament_state::seeds() const {
  std::vector<std::string> out;
  for (auto& x : entrants)
    out.push_back(x.name);
  return out;
}

const entrant* tournament_state::find_entrant(std::string_view n) const {
  for (auto& x : entrants)
    if (x.name == n)
      return &x;
  return nullptr;
}

const esports::bracket_match* tournament_state::find_match(std::string_view id) const {
  for (auto& m : derived.matches)
    if (m.id == id)
      return &m;
  return nullptr;
}

std::optional<std::string> tournament_state::side_of(std::string_view who,
                                                     const esports::bracket_match& m) const {
  for (auto& o : m.opponents) {
    if (!o)
      continue;
    const auto* x = find_entrant(*o);
    if (!x)
      continue;
    if (settings.team_entrants ? x->captain == who : x->name == who)
      return x->name;
  }
  return std::nullopt;
}

bool tournament_state::disputed(const esports::bracket_match& m) const {
  if (m.status == esports::match_status::done || !m.opponents[0] || !m.opponents[1])
    return false;
  auto it = info.find(m.id);
  if (it == info.end())
    return false;
  std::array<std::string, 2> now{*m.opponents[0], *m.opponents[1]};
  const report* a = nullptr;
  const report* b = nullptr;
  if (auto r = it->second.reports.find(now[0]); r != it->second.reports.end())
    a = &r->second;
  if (auto r = it->second.reports.find(now[1]); r != it->second.reports.end())
    b = &r->second;
  if (!a || !b || a->opponents != now || b->opponents != now)
    return false;
  return a->winner != b->winner || a->score != b->score;
}

std::vector<std::string> tournament_state::users_of(std::string_view n) const {
  const auto* x = find_entrant(n);
  if (!x)
    return {};
  if (!settings.team_entrants)
    return {x->name};
  return x->members;
}

std::int64_t tournament_state::check_in_opens_at_ms() const {
  if (settings.starts_at_ms == 0 || settings.check_in_minutes == 0)
    return 0;
  return settings.starts_at_ms - settings.check_in_minutes * 60'000;
}

bool tournament_state::check_in_open(std::int64_t now_ms) const {
  auto opens = check_in_opens_at_ms();
  return stage == phase::registration && !check_in_done && opens > 0 && now_ms >= opens &&
         now_ms < settings.starts_at_ms;
}

void tournament_state::recompute() {
  if (stage != phase::running && stage != phase::canceled)
    return;
  auto names = seeds();
  if (!esports::check_bracket(settings.options, names).empty()) {
    derived = {};
    return;
  }
  // Withdrawn entrants forfeit every match they reach: derived results, not stored ones, so
  // an edit upstream moves the forfeit with them.
  auto effective = results;
  for (std::size_t pass = 0; pass <= 2 * tournament_limits::entrants_max + 8; ++pass) {
    derived = esports::compute_bracket(settings.options, names, effective);
    bool added = false;
    for (auto& m : derived.matches) {
      if (m.status != esports::match_status::ready || !m.opponents[0] || !m.opponents[1])
        continue;
      const auto* a = find_entrant(*m.opponents[0]);
      const auto* b = find_entrant(*m.opponents[1]);
      bool out_a = a && a->withdrawn, out_b = b && b->withdrawn;
      if (!out_a && !out_b)
        continue;
      esports::match_result r;
      r.opponents = {*m.opponents[0], *m.opponents[1]};
      r.winner = out_a && !out_b ? r.opponents[1] : r.opponents[0];
      r.forfeit = true;
      effective[m.id] = r;
      added = true;
    }
    if (!added)
      break;
  }
}

json tournament_state::match_json(const esports::bracket_match& m) const {
  auto opp = json::array();
  for (auto& o : m.opponents)
    opp.push_back(o ? json(*o) : json(nullptr));
  json j{{"id", m.id},
         {"round", m.round},
         {"bracket", m.bracket},
         {"opponents", std::move(opp)},
         {"status", disputed(m) ? "disputed" : std::string{esports::to_string(m.status)}},
         {"winner", m.winner ? json(*m.winner) : json(nullptr)},
         {"score", json::array({m.score[0], m.score[1]})},
         {"forfeit", m.forfeit}};
  if (m.group > 0)
    j["group"] = m.group;
  auto reports = json::object();
  json scheduled = nullptr;
  json channels = json::array();
  json vods = json::array();
  if (auto it = info.find(m.id); it != info.end()) {
    for (auto& [side, r] : it->second.reports)
      if (m.opponents[0] && m.opponents[1] && r.opponents[0] == *m.opponents[0] &&
          r.opponents[1] == *m.opponents[1])
        reports[side] = json{{"winner", r.winner},
                             {"score", json::array({r.score[0], r.score[1]})}};
    if (it->second.scheduled_at_ms > 0)
      scheduled = it->second.scheduled_at_ms;
    channels = it->second.channels;
    vods = it->second.vods;
  }
  j["reports"] = std::move(reports);
  j["scheduled_at_ms"] = std::move(scheduled);
  j["channels"] = std::move(channels);
  j["vods"] = std::move(vods);
  return j;
}

json tournament_state::to_json(std::string_view id) const {
  auto organizers = json::array();
  organizers.push_back(organizer_is_admin ? "admin" : organizer);
  for (auto& o : co_organizers)
    organizers.push_back(o);
  auto list = json::array();
  for (std::size_t i = 0; i < entrants.size(); ++i) {
    auto& x = entrants[i];
    json e{{"name", x.name}, {"seed", i + 1}, {"checked_in", x.checked_in}};
    if (x.withdrawn)
      e["withdrawn"] = true;
    if (settings.team_entrants && stage != phase::registration)
      e["roster"] = json{{"captain", x.captain}, {"members", x.members}};
    list.push_back(std::move(e));
  }
  auto matches = json::array();
  for (auto& m : derived.matches)
    matches.push_back(match_json(m));
  auto standings = json::array();
  for (auto& s : derived.standings)
    standings.push_back(json{{"entrant", s.entrant},
                             {"rank", s.rank},
                             {"wins", s.wins},
                             {"losses", s.losses},
                             {"game_wins", s.game_wins},
                             {"game_losses", s.game_losses}});
  auto s = esports::settings_json(settings);
  json prize = nullptr;
  if (settings.prize) {
    prize = s["prize_pool"];
    prize["funded"] = funded;
    prize["payouts"] = payouts;
  }
  json j{{"id", id},
         {"name", settings.name},
         {"description", settings.description},
         {"game", settings.game.empty() ? json(nullptr) : json(settings.game)},
         {"format", s["format"]},
         {"options", json{{"third_place", s["third_place"]},
                          {"grand_final", s["grand_final"]},
                          {"groups", s["groups"]},
                          {"swiss_rounds", s["swiss_rounds"]},
                          {"seeding", s["seeding"]}}},
         {"state", state_name()},
         {"organizer", organizer_is_admin ? "admin" : organizer},
         {"organizers", std::move(organizers)},
         {"entrant_type", s["entrant_type"]},
         {"entrants", std::move(list)},
         {"best_of", settings.best_of},
         {"max_entrants", settings.max_entrants},
         {"starts_at_ms", settings.starts_at_ms > 0 ? json(settings.starts_at_ms) : json(nullptr)},
         {"check_in_minutes", settings.check_in_minutes},
         {"check_in_opens_at_ms",
          check_in_opens_at_ms() > 0 ? json(check_in_opens_at_ms()) : json(nullptr)},
         {"prize_pool", std::move(prize)},
         {"chat_room", "tournament:" + std::string{id}},
         {"matches", std::move(matches)},
         {"standings", std::move(standings)},
         {"champion", derived.champion ? json(*derived.champion) : json(nullptr)},
         {"dropped", derived.dropped},
         {"created_at_ms", created_at_ms}};
  return j;
}

json tournament_state::vods_wanted(std::int64_t now_ms) const {
  auto out = json::array();
  for (auto& m : derived.matches) {
    auto it = info.find(m.id);
    if (m.status != esports::match_status::done || it == info.end() ||
        it->second.channels.empty() || it->second.settled_at_ms == 0)
      continue;
    auto since = now_ms - it->second.settled_at_ms;
    if (since < tournament_limits::vod_lookups_ms[0] ||
        since > std::end(tournament_limits::vod_lookups_ms)[-1] + 60'000)
      continue;
    auto at = it->second.scheduled_at_ms > 0 ? it->second.scheduled_at_ms
                                             : it->second.settled_at_ms;
    for (auto& channel : it->second.channels) {
      bool linked = std::any_of(it->second.vods.begin(), it->second.vods.end(),
                                [&](const json& v) { return v.value("channel", "") == channel; });
      if (!linked)
        out.push_back(json{{"match", m.id}, {"channel", channel}, {"at_ms", at}});
    }
  }
  return out;
}

json tournament_state::index_json(std::string_view id, std::int64_t now_ms) const {
  auto calendar = json::array();
  std::int64_t next_due = 0;
  auto due_at = [&next_due](std::int64_t at) {
    if (at > 0 && (next_due == 0 || at < next_due))
      next_due = at;
  };
  if (stage == phase::registration && settings.check_in_minutes > 0 && settings.starts_at_ms > 0 &&
      !check_in_done)
    due_at(settings.starts_at_ms);
  for (auto& m : derived.matches) {
    auto it = info.find(m.id);
    if (it == info.end() || it->second.scheduled_at_ms == 0)
      continue;
    auto at = it->second.scheduled_at_ms;
    auto who = json::array();
    for (auto& o : m.opponents)
      if (o)
        who.push_back(*o);
    calendar.push_back(json{{"match", m.id}, {"at_ms", at}, {"entrants", std::move(who)}});
    auto reminder = "tournament:" + std::string{id} + ":" + m.id + ":" + std::to_string(at);
    bool someone = m.opponents[0] || m.opponents[1];
    if (stage == phase::running && someone && m.status != esports::match_status::done &&
        at > now_ms && !reminded.contains(reminder))
      due_at(at - tournament_limits::reminder_before_ms);
  }
  // VOD lookups: the next lookup time after now of each settled match still missing one.
  for (auto& m : derived.matches) {
    auto it = info.find(m.id);
    if (m.status != esports::match_status::done || it == info.end() ||
        it->second.channels.empty() || it->second.settled_at_ms == 0 ||
        it->second.vods.size() >= it->second.channels.size())
      continue;
    for (auto after : tournament_limits::vod_lookups_ms)
      if (it->second.settled_at_ms + after > now_ms) {
        due_at(it->second.settled_at_ms + after);
        break;
      }
  }
  return json{{"name", settings.name},
              {"game", settings.game},
              {"state", state_name()},
              {"starts_at_ms", settings.starts_at_ms},
              {"organizer", organizer_is_admin ? "admin" : organizer},
              {"entrant_type", settings.team_entrants ? "team" : "user"},
              {"entrants", entrants.size()},
              {"champion", derived.champion ? json(*derived.champion) : json(nullptr)},
              {"created_at_ms", created_at_ms},
              {"next_due_ms", next_due},
              {"calendar", std::move(calendar)}};
}

}  // namespace aethex::actors::trn
