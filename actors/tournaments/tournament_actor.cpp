// tournament/<id>'s behaviour: creation, registration, check-in, the start (team rosters locked
// through team/<slug>), organizers, cancel, iCal and the tick. Match commands are in
// tournament.cpp, the prize pool in tournament_prizes.cpp.
#include <sodium.h>

#include <functional>

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/icalendar.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/teams/teams.hpp"
#include "actors/tournaments/internal.hpp"
#include "actors/tournaments/tournaments.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace trn {

using promise_t = caf::typed_response_promise<std::string>;
using start_done = std::function<void(caf::expected<std::string>)>;

bool valid_user_name(std::string_view name) { return esports::valid_entrant_name(name); }

// Asks team/<slug> for its captain, then runs `then` with it ("" when there is no such team).
template <class Then>
void with_captain(actor* self, const std::string& team, Then then) {
  entity_ref<team_protocol>{self->state.registry(), team}
    .request(self, team_get_atom::value)
    .await(
      [then](const std::string& text) mutable {
        auto j = json::parse(text, nullptr, false);
        then(j.is_object() ? j.value("captain", std::string{}) : std::string{});
      },
      [then](const caf::error&) mutable { then(std::string{}); });
}

caf::error check_entry(const tournament_state& st, const std::string& name) {
  if (st.stage != phase::registration)
    return conflict("registration is closed", "started");
  if (st.entrants.size() >= st.settings.max_entrants)
    return conflict("the tournament is full", "full");
  if (st.find_entrant(name))
    return conflict(name + " is already entered", "already_entered");
  if (!esports::valid_entrant_name(name))
    return invalid("an entrant is a user name or team slug (1-25 of a-z 0-9 _)");
  return caf::none;
}

caf::error add_entrant(actor* self, const std::string& name, const std::string& by) {
  auto& st = self->state;
  if (auto err = check_entry(st, name))
    return err;
  if (auto err = st.emit(entrant_added{json{{"name", name}, {"by", by}}}))
    return err;
  write_index(self);
  return caf::none;
}

void unlock_teams(actor* self, const std::vector<std::string>& teams) {
  for (auto& t : teams)
    entity_ref<team_protocol>{self->state.registry(), t}.tell(team_unlock_atom::value,
                                                              self->state.id());
}

// Locks the rosters of teams[i…] one after the other, then emits started.
void lock_and_start(actor* self, std::shared_ptr<json> rosters, std::vector<std::string> seeds,
                    std::size_t i, start_done done) {
  auto& st = self->state;
  if (i == seeds.size()) {
    json body{{"seeds", seeds}, {"rosters", *rosters}};
    auto before = st.derived;
    if (auto err = st.emit(started{body})) {
      unlock_teams(self, seeds);
      return done(err);
    }
    after_change(self, before);
    return done(st.to_json(st.id()).dump());
  }
  entity_ref<team_protocol>{st.registry(), seeds[i]}
    .request(self, team_lock_atom::value, st.id())
    .await(
      [self, rosters, seeds, i, done](const std::string& text) mutable {
        auto j = json::parse(text, nullptr, false);
        (*rosters)[seeds[i]] = json{{"captain", j.value("captain", "")},
                                    {"members", j.value("members", json::array())}};
        lock_and_start(self, rosters, std::move(seeds), i + 1, std::move(done));
      },
      [self, seeds, i, done](const caf::error& err) {
        unlock_teams(self, std::vector<std::string>(seeds.begin(), seeds.begin() + i));
        done(conflict("team " + seeds[i] + " cannot be locked: " + message_of(err),
                      "team_unavailable"));
      });
}

// The start's checks (no-shows removed on the way); the seeds to start with.
caf::expected<std::vector<std::string>> prepare_start(actor* self, const std::string& by) {
  auto& st = self->state;
  if (!st.is_organizer(by))
    return forbidden("only the tournament's organizers start it");
  if (st.stage != phase::registration)
    return conflict("the tournament has already started", "started");
  if (auto err = close_check_in(self))  // before start only: no-shows removed, seeds compacted
    return err;
  auto seeds = st.seeds();
  if (auto why = esports::check_bracket(st.settings.options, seeds); !why.empty())
    return conflict("cannot start: " + why, "bracket");
  if (st.settings.random_seeding)
    for (std::size_t i = seeds.size(); i > 1; --i)
      std::swap(seeds[i - 1], seeds[randombytes_uniform(static_cast<std::uint32_t>(i))]);
  return seeds;
}

// The chain of roster locks (none for user entrants), ending in `done`.
void run_start(actor* self, std::vector<std::string> seeds, start_done done) {
  auto first_lock = self->state.settings.team_entrants ? std::size_t{0} : seeds.size();
  lock_and_start(self, std::make_shared<json>(json::object()), std::move(seeds), first_lock,
                 std::move(done));
}

caf::result<std::string> start(actor* self, const std::string& by) {
  auto seeds = prepare_start(self, by);
  if (!seeds)
    return seeds.error();
  auto promise = self->make_response_promise<std::string>();
  run_start(self, std::move(*seeds), [promise](caf::expected<std::string> r) mutable {
    if (r)
      promise.deliver(std::move(*r));
    else
      promise.deliver(r.error());
  });
  return promise;
}

caf::result<std::string> create(actor* self, const std::string& by, const std::string& text) {
  auto& st = self->state;
  if (st.created_yet())
    return conflict("tournament " + st.id() + " exists", "exists");
  auto body = parse_body(text);
  if (!body)
    return body.error();
  auto settings = esports::parse_settings(*body);
  if (!settings)
    return settings.error();
  std::vector<std::string> names;
  if (auto list = body->find("entrants"); list != body->end()) {
    if (!list->is_array() || list->size() > settings->max_entrants)
      return invalid("'entrants' must be a list of at most " +
                     std::to_string(settings->max_entrants) + " names");
    for (auto& n : *list) {
      if (!n.is_string() || !esports::valid_entrant_name(n.get<std::string>()))
        return invalid("an entrant is a user name or team slug (1-25 of a-z 0-9 _)");
      if (std::find(names.begin(), names.end(), n.get<std::string>()) != names.end())
        return invalid("entrant " + n.get<std::string>() + " appears twice");
      names.push_back(n.get<std::string>());
    }
  }
  auto start_now = body->value("start", false);
  if (start_now)
    if (auto why = esports::check_bracket(settings->options, names); !why.empty())
      return invalid("cannot start: " + why);
  if (auto err = st.emit(created{json{{"settings", esports::settings_json(*settings)},
                                      {"organizer", by == "admin" ? "" : by},
                                      {"organizer_is_admin", by == "admin"},
                                      {"entrants", names}}}))
    return err;
  write_index(self);
  if (!start_now)
    return answer(self);
  // Created either way: a start that fails (a team that cannot be locked) leaves it in
  // registration, and the answer says why (the caller needs the id).
  auto seeds = prepare_start(self, by);
  if (!seeds) {
    auto j = st.to_json(st.id());
    j["start_error"] = message_of(seeds.error());
    return j.dump();
  }
  auto promise = self->make_response_promise<std::string>();
  run_start(self, std::move(*seeds), [self, promise](caf::expected<std::string> r) mutable {
    if (r)
      return (void)promise.deliver(std::move(*r));
    auto j = self->state.to_json(self->state.id());
    j["start_error"] = message_of(r.error());
    promise.deliver(j.dump());
  });
  return promise;
}

caf::result<std::string> enter(actor* self, const std::string& by, const std::string& text) {
  auto& st = self->state;
  auto body = parse_body(text, {"name", "team"});
  if (!body)
    return body.error();
  if (body->contains("name")) {
    if (!st.is_organizer(by))
      return forbidden("only organizers add entrants by name");
    if (!(*body)["name"].is_string())
      return invalid("'name' must be an entrant name");
    if (auto err = add_entrant(self, (*body)["name"].get<std::string>(), by))
      return err;
    return answer(self);
  }
  if (!st.settings.team_entrants) {
    if (by == "admin")
      return invalid("the admin adds entrants with {\"name\"}");
    if (auto err = add_entrant(self, by, by))
      return err;
    return answer(self);
  }
  auto team = body->value("team", std::string{});
  if (!valid_team_slug(team))
    return invalid("'team' must be the slug of your team");
  if (auto err = check_entry(st, team))
    return err;
  auto promise = self->make_response_promise<std::string>();
  with_captain(self, team, [self, by, team, promise](const std::string& captain) mutable {
    if (captain.empty())
      return (void)promise.deliver(make_error(errc::not_found, "team '" + team + "' not found"));
    if (captain != by)
      return (void)promise.deliver(forbidden("only the team's captain registers it"));
    if (auto err = add_entrant(self, team, by))
      return (void)promise.deliver(err);
    promise.deliver(self->state.to_json(self->state.id()).dump());
  });
  return promise;
}

caf::error remove_entrant(actor* self, const std::string& name, const std::string& by) {
  auto& st = self->state;
  if (st.stage == phase::registration) {
    auto reason = st.is_organizer(by) && by != name ? "removed" : "withdrew";
    if (auto err = st.emit(entrant_removed{json{{"name", name}, {"by", by}, {"reason", reason}}}))
      return err;
    write_index(self);
    return caf::none;
  }
  if (st.stage != phase::running || st.derived.finished)
    return conflict("the tournament is over", "over");
  auto before = st.derived;
  if (auto err = st.emit(withdrawn{json{{"name", name}, {"by", by}}}))
    return err;
  after_change(self, before);
  return caf::none;
}

caf::result<std::string> leave(actor* self, const std::string& by, const std::string& name) {
  auto& st = self->state;
  if (!st.created_yet())
    return make_error(errc::not_found, "tournament not found");
  const auto* x = st.find_entrant(name);
  if (!x)
    return make_error(errc::not_found, name + " is not entered");
  if (x->withdrawn)
    return conflict(name + " has already withdrawn", "withdrawn");
  bool self_side = st.settings.team_entrants ? (!x->captain.empty() && x->captain == by)
                                             : name == by;
  if (st.is_organizer(by) || self_side) {
    if (auto err = remove_entrant(self, name, by))
      return err;
    return answer(self);
  }
  if (!st.settings.team_entrants || !x->captain.empty())
    return forbidden("only the entrant or an organizer withdraws it");
  auto promise = self->make_response_promise<std::string>();
  with_captain(self, name, [self, by, name, promise](const std::string& captain) mutable {
    if (captain != by)
      return (void)promise.deliver(
        forbidden("only the team's captain or an organizer withdraws it"));
    if (auto err = remove_entrant(self, name, by))
      return (void)promise.deliver(err);
    promise.deliver(self->state.to_json(self->state.id()).dump());
  });
  return promise;
}

caf::error do_check_in(actor* self, const std::string& name) {
  auto& st = self->state;
  if (auto* x = st.find_entrant(name); x && x->checked_in)
    return caf::none;
  if (auto err = st.emit(checked_in{json{{"name", name}}}))
    return err;
  write_index(self);
  return caf::none;
}

caf::result<std::string> check_in(actor* self, const std::string& by, const std::string& text) {
  auto& st = self->state;
  auto body = parse_body(text, {"team"});
  if (!body)
    return body.error();
  if (!st.check_in_open(st.clock().now_ms()))
    return conflict("check-in is not open (it opens check_in_minutes before starts_at)",
                    "check_in_closed");
  auto name = st.settings.team_entrants ? body->value("team", std::string{}) : by;
  if (!st.find_entrant(name))
    return make_error(errc::not_found, name + " is not entered");
  if (!st.settings.team_entrants) {
    if (auto err = do_check_in(self, name))
      return err;
    return answer(self);
  }
  auto promise = self->make_response_promise<std::string>();
  with_captain(self, name, [self, by, name, promise](const std::string& captain) mutable {
    if (captain != by)
      return (void)promise.deliver(forbidden("only the team's captain checks it in"));
    if (auto err = do_check_in(self, name))
      return (void)promise.deliver(err);
    promise.deliver(self->state.to_json(self->state.id()).dump());
  });
  return promise;
}

caf::result<std::string> add_organizer(actor* self, const std::string& by,
                                       const std::string& user) {
  auto& st = self->state;
  if (!st.is_organizer(by))
    return forbidden("only the tournament's organizers add organizers");
  if (!valid_user_name(user))
    return invalid("'user' must be an account name");
  if (st.is_organizer(user) || user == st.organizer)
    return conflict(user + " already organizes this tournament", "already_organizer");
  if (st.co_organizers.size() >= tournament_limits::co_organizers_max)
    return conflict("at most " + std::to_string(tournament_limits::co_organizers_max) +
                      " co-organizers",
                    "organizers_full");
  if (auto err = st.emit(organizer_added{json{{"user", user}, {"by", by}}}))
    return err;
  // Co-organizers moderate the tournament's chat: the room is told as its broadcaster.
  auto owner = st.organizer_is_admin ? runtime::principal::admin()
                                     : runtime::principal::user(st.organizer);
  entity_ref<chat_protocol>{st.registry(), "tournament:" + st.id()}.tell(
    chat_mod_atom::value, owner, chat_command{"mod", user, 0, ""});
  return answer(self);
}

caf::result<std::string> cancel(actor* self, const std::string& by) {
  auto& st = self->state;
  if (!st.is_organizer(by))
    return forbidden("only the tournament's organizers cancel it");
  if (st.stage == phase::canceled || (st.stage == phase::running && st.derived.finished))
    return conflict("the tournament is over", "over");
  bool locked = st.stage == phase::running && st.settings.team_entrants;
  if (auto err = st.emit(canceled{json{{"by", by}}}))
    return err;
  if (locked)
    unlock_teams(self, st.seeds());
  relay_tournament(self);
  write_index(self);
  return answer(self);
}

std::string ical(const actor* self) {
  const auto& st = self->state;
  const auto& id = st.id();
  std::vector<ical_event> events;
  for (auto& m : st.derived.matches) {
    auto it = st.info.find(m.id);
    if (it == st.info.end() || it->second.scheduled_at_ms == 0)
      continue;
    std::string versus;
    for (auto& o : m.opponents)
      versus += (versus.empty() ? "" : " vs ") + (o ? *o : std::string{"TBD"});
    auto at = it->second.scheduled_at_ms;
    events.push_back({"tournament-" + id + "-" + m.id + "@aethex", at, at + 3'600'000,
                      st.settings.name + ": " + versus + " (" + m.id + ")",
                      "Best of " + std::to_string(st.settings.best_of), "/t/" + id});
  }
  return ical_calendar({"Tournaments", st.settings.name, {}}, events, st.clock().now_ms());
}

caf::behavior tournament_behavior(actor* self, caf::actor registry, storage::event_store* store,
                                  std::string id, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  st.recompute();
  auto missing = [self]() -> caf::error {
    return self->state.require_exists(self, make_error(errc::not_found, "tournament not found"));
  };
  return {
    [self](trn_create_atom, const std::string& by, const std::string& body) {
      self->state.touch();
      return create(self, by, body);
    },
    [self](trn_get_atom) -> caf::result<std::string> {
      if (!self->state.created_yet())
        return self->state.answer_read(self, make_error(errc::not_found, "tournament not found"));
      self->state.touch();
      return answer(self);
    },
    [self, missing](trn_patch_atom, const std::string& by,
                    const std::string& text) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      auto& st = self->state;
      st.touch();
      if (!st.is_organizer(by))
        return forbidden("only the tournament's organizers change it");
      auto body = parse_body(text);
      if (!body)
        return body.error();
      auto patched = esports::patch_settings(st.settings, *body, st.stage != phase::registration);
      if (!patched)
        return patched.error();
      if (auto err = st.emit(updated{json{{"settings", esports::settings_json(*patched)}}}))
        return err;
      write_index(self);
      return answer(self);
    },
    [self, missing](trn_enter_atom, const std::string& by,
                    const std::string& body) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return enter(self, by, body);
    },
    [self, missing](trn_leave_atom, const std::string& by,
                    const std::string& name) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return leave(self, by, name);
    },
    [self, missing](trn_checkin_atom, const std::string& by,
                    const std::string& body) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return check_in(self, by, body);
    },
    [self, missing](trn_start_atom, const std::string& by) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return start(self, by);
    },
    [self, missing](trn_result_atom, const std::string& by, const std::string& match,
                    const std::string& body) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return post_result(self, by, match, body);
    },
    [self, missing](trn_report_atom, const std::string& by, const std::string& match,
                    const std::string& body) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return post_report(self, by, match, body);
    },
    [self, missing](trn_forfeit_atom, const std::string& by, const std::string& match,
                    const std::string& body) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return post_forfeit(self, by, match, body);
    },
    [self, missing](trn_schedule_atom, const std::string& by, const std::string& match,
                    const std::string& body) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return put_schedule(self, by, match, body);
    },
    [self, missing](trn_streams_atom, const std::string& by, const std::string& match,
                    const std::string& body) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return put_streams(self, by, match, body);
    },
    [self, missing](trn_organizer_atom, const std::string& by,
                    const std::string& user) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return add_organizer(self, by, user);
    },
    [self, missing](trn_cancel_atom, const std::string& by) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return cancel(self, by);
    },
    [self, missing](trn_fund_atom, const std::string& by,
                    std::int64_t amount) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return fund(self, by, amount);
    },
    [self, missing](trn_pay_atom, const std::string& by) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      self->state.touch();
      return pay(self, by);
    },
    [self, missing](trn_ical_atom) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      return self->state.answer_read(self, ical(self));
    },
    [self](trn_tick_atom) -> std::string {
      tick(self);
      auto& st = self->state;
      auto index = st.index_json(st.id(), st.clock().now_ms());
      return st.answer_read(self, json{{"id", st.id()},
                                       {"state", st.state_name()},
                                       {"next_due_ms", index["next_due_ms"]},
                                       {"vods_wanted", st.vods_wanted(st.clock().now_ms())}}
                                    .dump());
    },
    [self, missing](trn_vod_atom, const std::string& match, const std::string& channel,
                    const std::string& vod, std::int64_t offset_s) -> caf::result<std::string> {
      if (auto err = missing())
        return err;
      auto& st = self->state;
      auto it = st.info.find(match);
      if (it == st.info.end() || std::find(it->second.channels.begin(), it->second.channels.end(),
                                           channel) == it->second.channels.end())
        return make_error(errc::not_found, "match " + match + " has no stream on " + channel);
      bool same = std::any_of(it->second.vods.begin(), it->second.vods.end(), [&](const json& v) {
        return v.value("channel", "") == channel && v.value("vod", "") == vod;
      });
      if (!same) {
        if (auto err = st.emit(vod_linked{
              json{{"match", match}, {"channel", channel}, {"vod", vod}, {"offset_s", offset_s}}}))
          return err;
        relay_tournament(self);
        write_index(self);
      }
      return answer(self);
    },
    [self, missing](room_host_atom) -> caf::result<channel_view> {
      if (auto err = missing())
        return err;
      auto& st = self->state;
      channel_view view;
      view.name = "tournament:" + st.id();
      view.owner = st.organizer;
      view.owner_is_admin = st.organizer_is_admin;
      view.title = st.settings.name;
      return view;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace trn

void add_tournament_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock) {
  kinds.factories["tournament"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& id) {
      return sys.spawn(trn::tournament_behavior, registry, &store, id, &clock);
    };
}

}  // namespace aethex::actors
