#include "actors/leaderboards/leaderboards.hpp"

#include <cmath>
#include <set>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/core/route.hpp"
#include "actors/leaderboards/board.hpp"
#include "actors/leaderboards/internal.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// Timers of the entity itself (never sent by others).
using lb_flush_atom = caf::atom_constant<caf::atom("lbflush")>;
using lb_roll_check_atom = caf::atom_constant<caf::atom("lbrollchk")>;

namespace lbev {
json stats_to_json(const lb_stat_list& stats) {
  auto j = json::object();
  for (const auto& [k, v] : stats)
    j[k] = v;
  return j;
}
lb_stat_list stats_from_json(const json& j) {
  lb_stat_list out;
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      out.emplace_back(k, v.get<double>());
  return out;
}

struct created {
  static constexpr std::string_view type = "lb.created";
  static constexpr std::uint32_t schema = 1;
  std::string name, mode, order, owner;
};
void to_json(json& j, const created& e) {
  j = json{{"name", e.name}, {"mode", e.mode}, {"order", e.order}, {"owner", e.owner}};
}
void from_json(const json& j, created& e) {
  e.name = j.at("name");
  e.mode = j.at("mode");
  e.order = j.value("order", "desc");
  e.owner = j.at("owner");
}

struct key_added {
  static constexpr std::string_view type = "lb.key_added";
  static constexpr std::uint32_t schema = 1;
  std::string key_id, hash;
};
void to_json(json& j, const key_added& e) { j = json{{"key_id", e.key_id}, {"hash", e.hash}}; }
void from_json(const json& j, key_added& e) {
  e.key_id = j.at("key_id");
  e.hash = j.at("hash");
}

struct key_removed {
  static constexpr std::string_view type = "lb.key_removed";
  static constexpr std::uint32_t schema = 1;
  std::string key_id;
};
void to_json(json& j, const key_removed& e) { j = json{{"key_id", e.key_id}}; }
void from_json(const json& j, key_removed& e) { e.key_id = j.at("key_id"); }

struct score {
  static constexpr std::string_view type = "lb.score";
  static constexpr std::uint32_t schema = 1;
  lb_score s;
};
void to_json(json& j, const score& e) {
  j = json{{"player", e.s.player}, {"score", e.s.score}, {"stats", stats_to_json(e.s.stats)}};
}
void from_json(const json& j, score& e) {
  e.s.player = j.at("player");
  e.s.score = j.at("score");
  if (auto it = j.find("stats"); it != j.end())
    e.s.stats = stats_from_json(*it);
}

struct match {
  static constexpr std::string_view type = "lb.match";
  static constexpr std::uint32_t schema = 1;
  lb_match m;
};
void to_json(json& j, const match& e) {
  auto stats = json::object();
  for (const auto& [player, s] : e.m.stats)
    stats[player] = stats_to_json(s);
  j = json{{"match_id", e.m.match_id},
           {"winner", e.m.winner},
           {"loser", e.m.loser},
           {"draw", e.m.draw},
           {"stats", std::move(stats)}};
}
void from_json(const json& j, match& e) {
  e.m.match_id = j.value("match_id", "");
  e.m.winner = j.at("winner");
  e.m.loser = j.at("loser");
  e.m.draw = j.value("draw", false);
  if (auto it = j.find("stats"); it != j.end() && it->is_object())
    for (const auto& [player, s] : it->items())
      e.m.stats.emplace_back(player, stats_from_json(s));
}

struct rolled {
  static constexpr std::string_view type = "lb.rolled";
  static constexpr std::uint32_t schema = 1;
  std::string window;
  std::int64_t start_ms = 0;
};
void to_json(json& j, const rolled& e) { j = json{{"window", e.window}, {"start_ms", e.start_ms}}; }
void from_json(const json& j, rolled& e) {
  e.window = j.at("window");
  e.start_ms = j.at("start_ms");
}

struct badge {
  static constexpr std::string_view type = "lb.badge";
  static constexpr std::uint32_t schema = 1;
  std::string player, badge_name, detail;
};
void to_json(json& j, const badge& e) {
  j = json{{"player", e.player}, {"badge", e.badge_name}, {"detail", e.detail}};
}
void from_json(const json& j, badge& e) {
  e.player = j.at("player");
  e.badge_name = j.at("badge");
  e.detail = j.value("detail", "null");
}

struct badge_shown {
  static constexpr std::string_view type = "lb.badge_shown";
  static constexpr std::uint32_t schema = 1;
  std::string player, badge_name;
  bool show = false;
};
void to_json(json& j, const badge_shown& e) {
  j = json{{"player", e.player}, {"badge", e.badge_name}, {"show", e.show}};
}
void from_json(const json& j, badge_shown& e) {
  e.player = j.at("player");
  e.badge_name = j.at("badge");
  e.show = j.at("show");
}
}  // namespace lbev

struct lb_waiting {
  std::optional<lbev::score> score;  // exactly one of score / match
  std::optional<lbev::match> match;  // a repeat of a match_id in the batch: answer only
  bool write = true;
  caf::typed_response_promise<std::string> promise;
};

struct leaderboard_state {
  static constexpr std::string_view kind = "leaderboard";
  static inline const char* name = "leaderboard";
  using events = event_list<lbev::created, lbev::key_added, lbev::key_removed, lbev::score,
                            lbev::match, lbev::rolled, lbev::badge, lbev::badge_shown>;

  board lb;
  std::vector<lb_waiting> batch;
  std::set<std::string> batch_match_ids;
  bool batch_armed = false;

  bool known() const { return lb.created(); }
  bool keep_active() const { return !batch.empty(); }

  void apply(const lbev::created& e, const event_meta& meta) {
    lb.create(e.name, e.mode, e.order, e.owner, meta.timestamp_ms);
  }
  void apply(const lbev::key_added& e, const event_meta&) {
    lb.keys.push_back({e.key_id, e.hash});
    ++lb.next_key;
  }
  void apply(const lbev::key_removed& e, const event_meta&) {
    std::erase_if(lb.keys, [&](const lb_key& k) { return k.key_id == e.key_id; });
  }
  void apply(const lbev::score& e, const event_meta& meta) {
    lb.apply_score(e.s, meta.timestamp_ms);
  }
  void apply(const lbev::match& e, const event_meta& meta) {
    lb.apply_match(e.m, meta.timestamp_ms);
  }
  void apply(const lbev::rolled& e, const event_meta&) {
    if (auto w = parse_lb_window(e.window))
      lb.roll(*w, e.start_ms);
  }
  void apply(const lbev::badge& e, const event_meta& meta) {
    lb.award(e.player, e.badge_name, e.detail, meta.timestamp_ms);
  }

  void apply(const lbev::badge_shown& e, const event_meta&) {
    lb.show_badge(e.player, e.badge_name, e.show);
  }

  std::string snapshot() const { return lb.snapshot().dump(); }
  void restore(const std::string& text) { lb.restore(json::parse(text)); }
};

using leaderboard_actor = caf::stateful_actor<event_sourced<leaderboard_state>>;

// A snapshot holds every player (a million players: ~100 MB of JSON), so it is taken rarely;
// replay between snapshots is a few seconds at most.
constexpr std::uint64_t lb_snapshot_every = 20'000;
constexpr auto lb_batch_delay = std::chrono::milliseconds(20);
constexpr std::size_t lb_batch_max = 500;
constexpr auto lb_roll_check_every = std::chrono::seconds(30);

caf::error lb_missing() { return make_error(errc::not_found, "no such leaderboard"); }

bool is_owner(const leaderboard_state& st, const std::string& caller) {
  return caller == "admin" || (!caller.empty() && caller == st.lb.owner);
}

json match_answer(const board& lb, const lb_match& m) {
  return json{{"match_id", m.match_id},
              {"winner", lb.entry(m.winner, lb_window::all_time)},
              {"loser", lb.entry(m.loser, lb_window::all_time)},
              {"draw", m.draw}};
}

json score_answer(const board& lb, const std::string& player) {
  auto e = lb.entry(player, lb_window::all_time);
  e["windows"] = {{"weekly", lb.entry(player, lb_window::weekly)},
                  {"monthly", lb.entry(player, lb_window::monthly)}};
  return e;
}

// Gives the players the badges their records earned and they do not have yet, in one write. A
// failure here leaves them due: the player's next match gives them.
void award_due(leaderboard_actor* self, const std::set<std::string>& players) {
  auto& st = self->state;
  std::vector<lbev::badge> badges;
  for (const auto& player : players)
    for (auto& b : st.lb.due_badges(player))
      badges.push_back({player, std::move(b), "null"});
  (void)st.emit_all(badges);
}

// Appends every waiting submission (scores in one write, matches in another), then answers each.
void lb_write_batch(leaderboard_actor* self) {
  auto& st = self->state;
  if (st.batch.empty())
    return;
  auto waiting = std::exchange(st.batch, {});
  st.batch_match_ids.clear();
  std::vector<lbev::score> scores;
  std::vector<lbev::match> matches;
  for (auto& w : waiting) {
    if (w.score)
      scores.push_back(*w.score);
    else if (w.match && w.write)
      matches.push_back(*w.match);
  }
  // Two writes; each waiter hears how its own write went.
  auto score_err = st.emit_all(scores);
  auto match_err = st.emit_all(matches);
  if (!match_err) {
    std::set<std::string> players;
    for (auto& m : matches) {
      players.insert(m.m.winner);
      players.insert(m.m.loser);
    }
    award_due(self, players);
  }
  for (auto& w : waiting) {
    if (w.score) {
      if (score_err)
        w.promise.deliver(score_err);
      else
        w.promise.deliver(score_answer(st.lb, w.score->s.player).dump());
    } else if (match_err) {
      w.promise.deliver(match_err);
    } else {
      w.promise.deliver(match_answer(st.lb, w.match->m).dump());
    }
  }
}

void lb_enqueue(leaderboard_actor* self, lb_waiting w) {
  auto& st = self->state;
  st.batch.push_back(std::move(w));
  if (st.batch.size() >= lb_batch_max)
    return lb_write_batch(self);
  if (!st.batch_armed) {
    st.batch_armed = true;
    self->delayed_send(self, lb_batch_delay, lb_flush_atom::value);
  }
}

// Rolls the windows whose period ended on the injected clock; submissions accepted before are
// written first, so they count in the window they arrived in.
std::vector<std::string> roll_due(leaderboard_actor* self) {
  auto& st = self->state;
  std::vector<std::string> rolled;
  auto due = st.lb.due_rolls(st.clock().now_ms());
  if (due.empty())
    return rolled;
  lb_write_batch(self);
  for (auto& [w, start] : due) {
    if (st.emit(lbev::rolled{std::string{lb_window_name(w)}, start}))
      break;  // a store failure: the next check retries
    rolled.emplace_back(lb_window_name(w));
  }
  return rolled;
}

caf::error check_new_player(const leaderboard_state& st, const std::string& player) {
  if (!st.lb.find(player) && st.lb.players() + st.batch.size() >= lb_players_max)
    return make_error(errc::invalid_argument, "this leaderboard has the most players it may hold",
                      "players");
  return caf::none;
}

caf::result<std::string> submit_match(leaderboard_actor* self, const std::string& body) {
  auto& st = self->state;
  if (auto err = st.require_exists(self, lb_missing()))
    return err;
  roll_due(self);
  auto parsed = parse_lb_match(body);
  if (!parsed)
    return parsed.error();
  const auto& id = parsed->match_id;
  if (!id.empty() && st.lb.seen_match(id))
    return match_answer(st.lb, *parsed).dump();
  for (const auto* p : {&parsed->winner, &parsed->loser})
    if (auto err = check_new_player(st, *p))
      return err;
  auto promise = self->make_response_promise<std::string>();
  bool repeat = !id.empty() && !st.batch_match_ids.insert(id).second;
  lb_enqueue(self, lb_waiting{std::nullopt, lbev::match{std::move(*parsed)}, !repeat, promise});
  return promise;
}

caf::result<std::string> submit_score(leaderboard_actor* self, const std::string& key,
                                      const std::string& body) {
  auto& st = self->state;
  if (auto err = st.require_exists(self, lb_missing()))
    return err;
  if (!st.lb.key_for_digest(runtime::token_digest(key)))
    return make_error(errc::unauthorized, "unknown game key");
  roll_due(self);
  if (st.lb.rating_mode())
    return make_error(errc::conflict,
                      "this leaderboard ranks by rating: submit match results instead",
                      "rating_board");
  auto parsed = parse_lb_score(body);
  if (!parsed)
    return parsed.error();
  if (auto err = check_new_player(st, parsed->player))
    return err;
  auto promise = self->make_response_promise<std::string>();
  lb_enqueue(self, lb_waiting{lbev::score{std::move(*parsed)}, std::nullopt, true, promise});
  return promise;
}

caf::result<std::string> create_board(leaderboard_actor* self, const std::string& caller,
                                      const std::string& body) {
  auto& st = self->state;
  if (st.lb.created())
    return make_error(errc::conflict, "a leaderboard for this game exists", "exists");
  auto spec = parse_lb_create(body);
  if (!spec)
    return spec.error();
  if (caller.empty())
    return make_error(errc::unauthorized, "sign in to create a leaderboard");
  if (auto err = st.emit(lbev::created{spec->name, spec->mode, spec->order, caller}))
    return err;
  return st.lb.summary(st.id()).dump();
}

caf::result<std::string> new_key(leaderboard_actor* self, const std::string& caller) {
  auto& st = self->state;
  if (auto err = st.require_exists(self, lb_missing()))
    return err;
  if (!is_owner(st, caller))
    return make_error(errc::forbidden, "only the leaderboard's owner manages its keys");
  if (st.lb.keys.size() >= lb_keys_max)
    return make_error(errc::invalid_argument, "a leaderboard has at most 10 game keys", "keys");
  auto key = "lbk_" + runtime::random_hex(24);
  auto key_id = "k" + std::to_string(st.lb.next_key);
  if (auto err = st.emit(lbev::key_added{key_id, runtime::token_digest(key)}))
    return err;
  return json{{"key_id", key_id}, {"key", key}}.dump();
}

caf::result<std::string> delete_key(leaderboard_actor* self, const std::string& caller,
                                    const std::string& key_id) {
  auto& st = self->state;
  if (auto err = st.require_exists(self, lb_missing()))
    return err;
  if (!is_owner(st, caller))
    return make_error(errc::forbidden, "only the leaderboard's owner manages its keys");
  if (std::none_of(st.lb.keys.begin(), st.lb.keys.end(),
                   [&](const lb_key& k) { return k.key_id == key_id; }))
    return make_error(errc::not_found, "no such game key");
  if (auto err = st.emit(lbev::key_removed{key_id}))
    return err;
  return json{{"deleted", key_id}}.dump();
}

caf::result<std::string> give_badge(leaderboard_actor* self, const std::string& player,
                                    const std::string& badge, const std::string& detail) {
  auto& st = self->state;
  if (auto err = st.require_exists(self, lb_missing()))
    return err;
  if (!valid_lb_player(player))
    return make_error(errc::invalid_argument, "invalid player");
  if (!valid_lb_badge(badge))
    return make_error(errc::invalid_argument, "unknown badge '" + badge + "'");
  auto d = json::parse(detail.empty() ? "null" : detail, nullptr, false);
  if (d.is_discarded() || detail.size() > 2000)
    return make_error(errc::invalid_argument,
                      "a badge's detail must be JSON of at most 2000 bytes");
  const auto* p = st.lb.find(player);
  if (p && p->has_badge(badge))
    return json{{"awarded", false}}.dump();
  if (auto err = check_new_player(st, player))
    return err;
  if (auto err = st.emit(lbev::badge{player, badge, d.dump()}))
    return err;
  return json{{"awarded", true}}.dump();
}

caf::result<std::string> show_in_chat(leaderboard_actor* self, const std::string& caller,
                                      const std::string& player, const std::string& badge,
                                      bool show) {
  auto& st = self->state;
  if (auto err = st.require_exists(self, lb_missing()))
    return err;
  if (caller != player)
    return make_error(errc::forbidden, "only the player chooses which badges chat shows");
  const auto* p = st.lb.find(player);
  if (!p || !p->has_badge(badge))
    return make_error(errc::not_found, "'" + player + "' has no badge '" + badge + "' here");
  if (auto err = st.emit(lbev::badge_shown{player, badge, show}))
    return err;
  return json{{"player", player}, {"badge", badge}, {"show_in_chat", show}}.dump();
}

caf::behavior leaderboard_behavior(leaderboard_actor* self, caf::actor registry,
                                   storage::event_store* store, std::string game,
                                   const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = lb_snapshot_every;
  if (auto err = st.activate(self, *store, game, opts))
    return st.refuse(self, std::move(err));
  self->delayed_send(self, lb_roll_check_every, lb_roll_check_atom::value);
  return {
    [self](lb_create_atom, const std::string& caller, const std::string& body) {
      self->state.touch();
      return create_board(self, caller, body);
    },
    [self](get_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.require_exists(self, lb_missing()))
        return err;
      roll_due(self);
      st.touch();
      return st.lb.summary(st.id()).dump();
    },
    [self](lb_top_atom, const std::string& window, std::int64_t offset,
           std::int64_t limit) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.require_exists(self, lb_missing()))
        return err;
      auto w = parse_lb_window(window);
      if (!w)
        return make_error(errc::invalid_argument, "window must be weekly, monthly or all_time");
      roll_due(self);
      st.touch();
      auto j = st.lb.summary(st.id());
      j["window"] = lb_window_name(*w);
      j["window_start_ms"] = st.lb.window_start_ms(*w);
      j["entries"] = st.lb.top(*w, static_cast<std::size_t>(std::max<std::int64_t>(0, offset)),
                               static_cast<std::size_t>(std::clamp<std::int64_t>(limit, 1, 100)));
      return j.dump();
    },
    [self](lb_player_atom, const std::string& player, const std::string& window,
           std::int64_t around) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.require_exists(self, lb_missing()))
        return err;
      auto w = parse_lb_window(window);
      if (!w)
        return make_error(errc::invalid_argument, "window must be weekly, monthly or all_time");
      roll_due(self);
      st.touch();
      auto j = st.lb.around(player, *w,
                            static_cast<std::size_t>(std::clamp<std::int64_t>(around, 0, 50)));
      if (!j)
        return make_error(errc::not_found, "'" + player + "' is not ranked in this window");
      return j->dump();
    },
    [self](lb_stats_atom, const std::string& player) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.require_exists(self, lb_missing()))
        return err;
      st.touch();
      auto j = st.lb.player_stats(player);
      if (!j)
        return make_error(errc::not_found, "'" + player + "' has no record on this leaderboard");
      (*j)["game"] = st.id();
      return j->dump();
    },
    [self](lb_key_new_atom, const std::string& caller) {
      self->state.touch();
      return new_key(self, caller);
    },
    [self](lb_key_del_atom, const std::string& caller, const std::string& key_id) {
      self->state.touch();
      return delete_key(self, caller, key_id);
    },
    [self](lb_score_atom, const std::string& key, const std::string& body) {
      self->state.touch();
      return submit_score(self, key, body);
    },
    [self](lb_key_match_atom, const std::string& key, const std::string& caller,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (auto err = st.require_exists(self, lb_missing()))
        return err;
      if (key.empty() ? !is_owner(st, caller) : !st.lb.key_for_digest(runtime::token_digest(key)))
        return key.empty()
                 ? make_error(errc::forbidden, "only the owner or a game key may submit matches")
                 : make_error(errc::unauthorized, "unknown game key");
      return submit_match(self, body);
    },
    [self](lb_match_atom, const std::string& body) {
      self->state.touch();
      return submit_match(self, body);
    },
    [self](lb_achievement_atom, const std::string& player, const std::string& badge,
           const std::string& detail) {
      self->state.touch();
      return give_badge(self, player, badge, detail);
    },
    [self](lb_chat_show_atom, const std::string& caller, const std::string& player,
           const std::string& badge, std::int64_t show) {
      self->state.touch();
      return show_in_chat(self, caller, player, badge, show != 0);
    },
    [self](lb_tick_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (auto err = st.require_exists(self, lb_missing()))
        return err;
      return json{{"rolled", roll_due(self)}}.dump();
    },
    [self](lb_flush_atom) {
      self->state.batch_armed = false;
      lb_write_batch(self);
    },
    [self](lb_roll_check_atom) {
      if (self->state.lb.created())
        roll_due(self);
      self->delayed_send(self, lb_roll_check_every, lb_roll_check_atom::value);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_leaderboard_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                          const runtime::clock& clock) {
  kinds.factories["leaderboard"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& game) {
      return sys.spawn(leaderboard_behavior, registry, &store, game, &clock);
    };
}

}  // namespace aethex::actors
