#include "actors/teams/teams.hpp"

#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/identity/user.hpp"
#include "actors/teams/team.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace team_ev {
struct created {
  static constexpr std::string_view type = "team.created";
  static constexpr std::uint32_t schema = 1;
  std::string slug;
  std::string name;
  std::string tag;
  std::string bio;
  std::string captain;
};
struct updated {
  static constexpr std::string_view type = "team.updated";
  static constexpr std::uint32_t schema = 1;
  team_profile_change change;
};
struct invited {
  static constexpr std::string_view type = "team.invited";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string by;
};
struct invite_accepted {
  static constexpr std::string_view type = "team.invite_accepted";
  static constexpr std::uint32_t schema = 1;
  std::string user;
};
struct invite_declined {
  static constexpr std::string_view type = "team.invite_declined";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string by;  // the user (declined) or the captain (withdrawn)
};
struct member_removed {
  static constexpr std::string_view type = "team.member_removed";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string by;          // the user (left) or the captain (kicked)
  bool disbanded = false;  // the last member left: the team is gone
};
struct captain_changed {
  static constexpr std::string_view type = "team.captain_changed";
  static constexpr std::uint32_t schema = 1;
  std::string from;
  std::string to;
};
struct locked {
  static constexpr std::string_view type = "team.locked";
  static constexpr std::uint32_t schema = 1;
  std::string tournament;
};
struct unlocked {
  static constexpr std::string_view type = "team.unlocked";
  static constexpr std::uint32_t schema = 1;
  std::string tournament;
};

void to_json(json& j, const created& e) {
  j = json{
    {"slug", e.slug}, {"name", e.name}, {"tag", e.tag}, {"bio", e.bio}, {"captain", e.captain}};
}
void from_json(const json& j, created& e) {
  e.slug = j.at("slug").get<std::string>();
  e.name = j.at("name").get<std::string>();
  e.tag = j.value("tag", "");
  e.bio = j.value("bio", "");
  e.captain = j.at("captain").get<std::string>();
}
void to_json(json& j, const updated& e) {
  j = json::object();
  if (e.change.name)
    j["name"] = *e.change.name;
  if (e.change.tag)
    j["tag"] = *e.change.tag;
  if (e.change.bio)
    j["bio"] = *e.change.bio;
}
void from_json(const json& j, updated& e) {
  for (auto [key, field] : {std::pair{"name", &e.change.name}, std::pair{"tag", &e.change.tag},
                            std::pair{"bio", &e.change.bio}})
    if (j.contains(key))
      *field = j.at(key).get<std::string>();
}
void to_json(json& j, const invited& e) { j = json{{"user", e.user}, {"by", e.by}}; }
void from_json(const json& j, invited& e) {
  e.user = j.at("user").get<std::string>();
  e.by = j.value("by", "");
}
void to_json(json& j, const invite_accepted& e) { j = json{{"user", e.user}}; }
void from_json(const json& j, invite_accepted& e) { e.user = j.at("user").get<std::string>(); }
void to_json(json& j, const invite_declined& e) { j = json{{"user", e.user}, {"by", e.by}}; }
void from_json(const json& j, invite_declined& e) {
  e.user = j.at("user").get<std::string>();
  e.by = j.value("by", "");
}
void to_json(json& j, const member_removed& e) {
  j = json{{"user", e.user}, {"by", e.by}, {"disbanded", e.disbanded}};
}
void from_json(const json& j, member_removed& e) {
  e.user = j.at("user").get<std::string>();
  e.by = j.value("by", "");
  e.disbanded = j.value("disbanded", false);
}
void to_json(json& j, const captain_changed& e) { j = json{{"from", e.from}, {"to", e.to}}; }
void from_json(const json& j, captain_changed& e) {
  e.from = j.value("from", "");
  e.to = j.at("to").get<std::string>();
}
void to_json(json& j, const locked& e) { j = json{{"tournament", e.tournament}}; }
void from_json(const json& j, locked& e) { e.tournament = j.at("tournament").get<std::string>(); }
void to_json(json& j, const unlocked& e) { j = json{{"tournament", e.tournament}}; }
void from_json(const json& j, unlocked& e) { e.tournament = j.at("tournament").get<std::string>(); }
}  // namespace team_ev

struct team_state {
  static constexpr std::string_view kind = "team";
  static inline const char* name = "team";
  using events =
    event_list<team_ev::created, team_ev::updated, team_ev::invited, team_ev::invite_accepted,
               team_ev::invite_declined, team_ev::member_removed, team_ev::captain_changed,
               team_ev::locked, team_ev::unlocked>;

  team_book book;

  // A disbanded team is gone (not found) although its stream has events.
  bool known() const { return book.alive(); }

  void apply(const team_ev::created& e, const event_meta& meta) {
    book.create(e.slug, e.captain, team_profile_change{e.name, e.tag, e.bio}, meta.timestamp_ms);
  }
  void apply(const team_ev::updated& e, const event_meta&) { book.update(e.change); }
  void apply(const team_ev::invited& e, const event_meta& meta) {
    book.invite(team_invite{e.user, e.by, meta.timestamp_ms});
  }
  void apply(const team_ev::invite_accepted& e, const event_meta& meta) {
    book.accept(e.user, meta.timestamp_ms);
  }
  void apply(const team_ev::invite_declined& e, const event_meta&) { book.drop_invite(e.user); }
  void apply(const team_ev::member_removed& e, const event_meta&) { book.remove(e.user); }
  void apply(const team_ev::captain_changed& e, const event_meta&) { book.hand_over(e.to); }
  void apply(const team_ev::locked& e, const event_meta&) { book.lock(e.tournament); }
  void apply(const team_ev::unlocked& e, const event_meta&) { book.unlock(e.tournament); }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using team_actor = caf::stateful_actor<event_sourced<team_state>>;

// Invites, kicks and re-creations make a stream grow without end; replay stays short.
constexpr std::uint64_t team_snapshot_every = 256;

caf::error team_missing() { return make_error(errc::not_found, "team not found"); }

// The end of a command: an error (passivating a team that does not exist), or the team.
caf::result<std::string> team_answer(team_actor* self, caf::error err) {
  auto& st = self->state;
  st.touch();
  if (err) {
    (void)st.require_exists(self, caf::none);  // lets a team that does not exist go at once
    return err;
  }
  return st.book.to_json().dump();
}

caf::error check_user_name(const std::string& user) {
  if (!valid_username(user))
    return make_error(errc::invalid_argument, "'user' must be a user name");
  return caf::none;
}

caf::behavior team_behavior(team_actor* self, caf::actor registry, storage::event_store* store,
                            std::string slug, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = team_snapshot_every;
  if (auto err = st.activate(self, *store, slug, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](team_create_atom, const std::string& by,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!valid_team_slug(st.id()))
        return team_answer(self, make_error(errc::invalid_argument,
                                            "'slug' must be 3-25 characters of a-z, 0-9 and _"));
      if (auto err = check_user_name(by))
        return team_answer(self, err);
      auto parsed = json::parse(body, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        return team_answer(self, make_error(errc::invalid_json, "a team must be a JSON object"));
      auto profile = parse_team_create(parsed, st.id());
      if (!profile)
        return team_answer(self, profile.error());
      if (auto err = st.book.can_create())
        return team_answer(self, err);
      auto err = st.emit(team_ev::created{st.id(), *profile->name, profile->tag.value_or(""),
                                          profile->bio.value_or(""), by});
      return team_answer(self, err);
    },
    [self](team_get_atom) -> caf::result<std::string> {
      return team_answer(self, self->state.book.alive() ? caf::none : team_missing());
    },
    [self](team_patch_atom, const std::string& by,
           const std::string& patch) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.book.can_manage(by))
        return team_answer(self, err);
      auto parsed = json::parse(patch, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        return team_answer(self, make_error(errc::invalid_json, "a patch must be a JSON object"));
      auto change = parse_team_patch(parsed);
      if (!change)
        return team_answer(self, change.error());
      if (!change->name && !change->tag && !change->bio)
        return team_answer(self, caf::none);  // nothing to change: no event
      return team_answer(self, st.emit(team_ev::updated{*change}));
    },
    [self](team_invite_atom, const std::string& by,
           const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.book.can_manage(by))
        return team_answer(self, err);
      if (auto err = check_user_name(user))
        return team_answer(self, err);
      if (auto err = st.book.can_invite(by, user))
        return team_answer(self, err);
      return team_answer(self, st.emit(team_ev::invited{user, by}));
    },
    [self](team_accept_atom, const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.book.can_accept(user))
        return team_answer(self, err);
      return team_answer(self, st.emit(team_ev::invite_accepted{user}));
    },
    [self](team_decline_atom, const std::string& by,
           const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.book.can_decline(by, user))
        return team_answer(self, err);
      return team_answer(self, st.emit(team_ev::invite_declined{user, by}));
    },
    [self](team_remove_atom, const std::string& by,
           const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.book.can_remove(by, user))
        return team_answer(self, err);
      bool last = st.book.member_count() == 1;
      if (auto err = st.emit(team_ev::member_removed{user, by, last}))
        return team_answer(self, err);
      if (last) {
        st.touch();
        return json{{"slug", st.id()}, {"disbanded", true}}.dump();
      }
      return team_answer(self, caf::none);
    },
    [self](team_captain_atom, const std::string& by,
           const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.book.can_hand_over(by, user))
        return team_answer(self, err);
      if (user == st.book.captain())
        return team_answer(self, caf::none);  // already captain: nothing changes
      return team_answer(self, st.emit(team_ev::captain_changed{st.book.captain(), user}));
    },
    [self](team_lock_atom, const std::string& tournament) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.book.can_lock(tournament))
        return team_answer(self, err);
      if (!st.book.locked_by(tournament))
        if (auto err = st.emit(team_ev::locked{tournament}))
          return team_answer(self, err);
      st.touch();
      return st.book.roster_json().dump();
    },
    [self](team_unlock_atom, const std::string& tournament) -> caf::result<std::string> {
      auto& st = self->state;
      if (st.book.locked_by(tournament))
        if (auto err = st.emit(team_ev::unlocked{tournament}))
          return team_answer(self, err);
      return st.answer_read(self, json{{"locked_by", st.book.locks()}}.dump());
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_team_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock) {
  kinds.factories["team"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                             const std::string& slug) {
    return sys.spawn(team_behavior, registry, &store, slug, &clock);
  };
}

}  // namespace aethex::actors
