#include "actors/engagement/engagement.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/engagement/engagement_state.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using engagement_actor = caf::stateful_actor<event_sourced<engagement_state>>;

// The entity's own timer (the public engagement_tick_atom answers; this one does not).
using engagement_timer_atom = caf::atom_constant<caf::atom("engtimer")>;
using prediction_flush_atom = caf::atom_constant<caf::atom("pdflush")>;

constexpr std::uint64_t snapshot_every = 256;
constexpr auto timer_every = std::chrono::seconds(1);  // real time; deadlines on the injected clock
constexpr std::int64_t prediction_frame_gap_ms = 500;  // at most 2 prediction frames a second
constexpr std::int64_t watch_journal_ms = 60'000;      // watch time is journaled a minute at a time
constexpr std::size_t max_watch_clocks = 50'000;       // viewers whose beats are being timed
// How long after a raid arrives a viewer's beat with source "raid" earns the raid bonus.
constexpr std::int64_t raid_arrival_window_ms = 5 * 60'000;

std::int64_t lowest_balance(const points_ledger& ledger) {
  std::int64_t lowest = 0;
  for (const auto& [user, v] : ledger.all())
    lowest = std::min(lowest, v.balance);
  return lowest;
}

json summary(const engagement_state& st) {
  return json{{"viewers", st.ledger.viewers()},
              {"minted", st.ledger.minted()},
              {"burned", st.ledger.burned()},
              {"held", st.ledger.held()},
              {"balances", st.ledger.sum_of_balances()},
              {"lowest_balance", lowest_balance(st.ledger)},
              {"rewards", st.book.rewards().size()},
              {"open_redemptions", st.book.open().size()},
              {"prediction", st.pred ? st.pred->to_json() : json(nullptr)},
              {"train", st.train.to_json()}};
}

json points_json(const engagement_state& st, const std::string& user) {
  const auto* v = st.ledger.find(user);
  return json{{"balance", v ? v->balance : 0},
              {"claim_available", st.ledger.claim_available(user)},
              {"watch_s", v ? v->watch_s : 0}};
}

void relay(engagement_actor* self, const json& frame) {
  entity_ref<chat_protocol>{self->state.registry(), self->state.id()}.tell(chat_relay_atom::value,
                                                                           frame.dump());
}

void send_prediction_frame(engagement_actor* self) {
  auto& st = self->state;
  st.live.last_prediction_frame_ms = st.clock().now_ms();
  st.live.prediction_frame_pending = false;
  if (st.pred)
    relay(self, json{{"type", "prediction"}, {"prediction", st.pred->to_json()}});
}

// Every change shows; a burst of stakes shows at most twice a second, the last state always.
void prediction_changed(engagement_actor* self) {
  auto& st = self->state;
  if (st.live.prediction_frame_pending)
    return;
  if (st.clock().now_ms() - st.live.last_prediction_frame_ms >= prediction_frame_gap_ms ||
      st.live.last_prediction_frame_ms == 0)
    return send_prediction_frame(self);
  st.live.prediction_frame_pending = true;
  self->delayed_send(self, std::chrono::milliseconds(prediction_frame_gap_ms),
                     prediction_flush_atom::value);
}

void arm_timer(engagement_actor* self) {
  auto& st = self->state;
  if (st.live.timer_armed || !st.keep_active())
    return;
  st.live.timer_armed = true;
  self->delayed_send(self, timer_every, engagement_timer_atom::value);
}

// Shows a change of the hype train in the room and records its public phase (begin, progress,
// end) as a marker event for webhooks and bots; a cooldown running out is no public moment.
void train_changed(engagement_actor* self, const json& before, const json& after) {
  relay(self, json{{"type", "hype_train"}, {"train", after}});
  const bool was_active = before.value("state", "") == "active";
  const bool is_active = after.value("state", "") == "active";
  const char* phase = !was_active && is_active   ? "begin"
                      : was_active && !is_active ? "end"
                      : is_active                ? "progress"
                                                 : nullptr;
  // A lost marker loses only an announcement; the train itself follows the events just stored.
  if (phase)
    (void)self->state.emit(ev::hype_train_changed{phase, after});
}

// Emits `events` and shows what they changed of the hype train.
template <class... Es>
caf::error emit_showing_train(engagement_actor* self, const Es&... events) {
  auto& st = self->state;
  auto before = st.train.to_json();
  if (auto err = st.emit(events...))
    return err;
  if (auto after = st.train.to_json(); after != before)
    train_changed(self, before, after);
  arm_timer(self);
  return caf::none;
}

// The window's lock and the train's end, when the injected clock says they are due.
void fire_due(engagement_actor* self) {
  auto& st = self->state;
  const auto now = st.clock().now_ms();
  if (st.pred && st.pred->state == "active" && now >= st.pred->locks_at_ms)
    if (!st.emit(ev::prediction_locked{}))
      prediction_changed(self);
  if (auto before = st.train.to_json(); st.train.advance(now))
    train_changed(self, before, st.train.to_json());
}

// Journals the watch time of viewers whose beats stopped (their span ended) and forgets them.
void forget_silent_viewers(engagement_actor* self) {
  auto& st = self->state;
  const auto now = st.clock().now_ms();
  for (auto it = st.live.watch.begin(); it != st.live.watch.end();) {
    if (now - it->second.last_beat_ms <= watch_journal_ms) {
      ++it;
      continue;
    }
    if (const auto seconds = it->second.pending_ms / 1000;
        seconds > 0 && st.ledger.has_room_for(it->first))
      (void)st.emit(ev::watched{it->first, seconds});
    it = st.live.watch.erase(it);
  }
}

// answer_read, except that an entity whose timers or unjournaled watch time live in this actor
// stays (answer_read lets an entity without events go).
template <class T>
const T& read_answer(engagement_actor* self, const T& value) {
  auto& st = self->state;
  if (!st.keep_active())
    return st.answer_read(self, value);
  st.touch();
  return value;
}

caf::error check_room(const engagement_state& st, const std::string& user) {
  if (!st.ledger.has_room_for(user))
    return make_error(errc::unavailable, "this channel keeps points for as many viewers as it may");
  return caf::none;
}

caf::result<std::string> redeem(engagement_actor* self, const std::string& user,
                                const std::string& id, const std::string& input,
                                const std::string& stream) {
  auto& st = self->state;
  const auto* r = st.book.find(id);
  if (!r)
    return make_error(errc::not_found, "no such reward");
  if (auto err = st.book.check_redeem(*r, user, input, stream, st.clock().now_ms()))
    return err;
  if (!st.ledger.can_spend(user, r->cost))
    return make_error(errc::conflict, "not enough channel points");
  auto rid = st.next_id('d');
  if (auto err = emit_showing_train(self, ev::redeemed{rid, r->id, r->title, r->cost, user, input,
                                                       stream}))
    return err;
  const auto* d = st.book.open_redemption(rid);
  relay(self, json{{"type", "redemption"},
                   {"redemption", {{"user", user}, {"reward", d->title}, {"input", input}}}});
  return d->to_json().dump();
}

caf::result<std::string> stake(engagement_actor* self, const std::string& user,
                               std::int64_t outcome, std::int64_t points) {
  auto& st = self->state;
  fire_due(self);
  if (!st.pred || !st.pred->open())
    return make_error(errc::not_found, "no prediction is running");
  if (auto err = check_stake(*st.pred, user, outcome, points))
    return err;
  if (!st.ledger.can_spend(user, points))
    return make_error(errc::conflict, "not enough channel points");
  if (auto err = emit_showing_train(self, ev::staked{user, outcome, points}))
    return err;
  prediction_changed(self);
  return st.pred->to_json(user).dump();
}

// Manager commands on the current prediction: lock, resolve, cancel.
caf::result<std::string> end_prediction(engagement_actor* self, std::string_view what,
                                        std::int64_t outcome) {
  auto& st = self->state;
  fire_due(self);
  if (!st.pred || !st.pred->open())
    return make_error(errc::not_found, "no prediction is running");
  caf::error err;
  if (what == "lock") {
    if (st.pred->state != "active")
      return make_error(errc::conflict, "the prediction is already locked");
    err = st.emit(ev::prediction_locked{});
  } else if (what == "resolve") {
    if (outcome < 0 || outcome >= static_cast<std::int64_t>(st.pred->outcomes.size()))
      return make_error(errc::invalid_argument, "'outcome' must be an index of the outcomes");
    if (st.pred->state == "active")  // resolving locks first (Twitch), in one decision
      err = st.emit(ev::prediction_locked{}, ev::prediction_resolved{outcome});
    else
      err = st.emit(ev::prediction_resolved{outcome});
  } else {
    err = st.emit(ev::prediction_canceled{});
  }
  if (err)
    return err;
  prediction_changed(self);
  return st.pred->to_json().dump();
}

void watched(engagement_actor* self, const std::string& user, std::int64_t max_gap_s) {
  auto& st = self->state;
  auto& clocks = st.live.watch;
  const auto now = st.clock().now_ms();
  if (!clocks.count(user) && clocks.size() >= max_watch_clocks) {
    std::erase_if(clocks, [now](const auto& c) { return now - c.second.last_beat_ms > 60'000; });
    if (clocks.size() >= max_watch_clocks)
      return;
  }
  auto& w = clocks[user];
  arm_timer(self);
  // Only the real time between two beats counts, and no more than one beat's gap.
  if (w.last_beat_ms > 0 && now - w.last_beat_ms <= max_gap_s * 1000)
    w.pending_ms += now - w.last_beat_ms;
  w.last_beat_ms = now;
  if (w.pending_ms < watch_journal_ms || check_room(st, user))
    return;
  const auto seconds = w.pending_ms / 1000;
  w.pending_ms -= seconds * 1000;
  (void)st.emit(ev::watched{user, seconds});
}

caf::result<std::string> save_reward(engagement_actor* self, const std::string& id,
                                     const std::string& body_text) {
  auto& st = self->state;
  auto body = json::parse(body_text, nullptr, false);
  if (!body.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  const reward* base = nullptr;
  if (!id.empty() && !(base = st.book.find(id)))
    return make_error(errc::not_found, "no such reward");
  if (!base && st.book.rewards().size() >= reward_limits::max_rewards)
    return make_error(errc::conflict, "a channel has at most 50 custom rewards");
  auto r = reward_from_body(body, base);
  if (!r)
    return r.error();
  if (!base)
    r->id = st.next_id('r');
  if (auto err = st.emit(ev::reward_saved{r->definition()}))
    return err;
  return st.book.find(r->id)->to_json().dump();
}

caf::behavior engagement_behavior(engagement_actor* self, caf::actor registry,
                                  storage::event_store* store, std::string channel,
                                  const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  arm_timer(self);  // restarted with a prediction open or a train running
  return {
    [self](points_spend_atom, const std::string& user, std::int64_t amount,
           const std::string& reason) -> caf::result<std::int64_t> {
      auto& st = self->state;
      st.touch();
      if (amount < 1)
        return make_error(errc::invalid_argument, "a spend takes at least 1 point");
      if (!st.ledger.can_spend(user, amount))
        return make_error(errc::conflict, "not enough channel points");
      if (auto err = emit_showing_train(self, ev::spent{user, amount, reason}))
        return err;
      return st.ledger.balance(user);
    },
    [self](points_refund_atom, const std::string& user, std::int64_t amount,
           const std::string& reason) -> caf::result<std::int64_t> {
      auto& st = self->state;
      st.touch();
      if (amount < 1)
        return make_error(errc::invalid_argument, "a refund gives back at least 1 point");
      if (amount > st.ledger.burned())
        return make_error(errc::conflict, "more points than were ever spent in this channel");
      if (auto err = st.emit(ev::refunded{user, amount, reason}))
        return err;
      return st.ledger.balance(user);
    },
    [self](points_grant_atom, const std::string& user,
           std::int64_t amount) -> caf::result<std::int64_t> {
      auto& st = self->state;
      st.touch();
      if (amount < 1)
        return make_error(errc::invalid_argument, "a gift grants at least 1 point");
      if (auto err = check_room(st, user))
        return err;
      if (auto err = st.emit(ev::earned{user, amount, "gift", ""}))
        return err;
      return st.ledger.balance(user);
    },
    [self](points_watch_atom, const std::string& user, std::int64_t max_gap_s) {
      self->state.touch();
      watched(self, user, max_gap_s);
    },
    [self](points_follow_atom, const std::string& user) {
      auto& st = self->state;
      st.touch();
      // Only a viewer's first follow ever counts: re-following cannot farm points or hype.
      if (st.ledger.follow_paid(user) || check_room(st, user))
        return;
      (void)emit_showing_train(self, ev::followed{user},
                               ev::earned{user, points_rules::follow_points, "follow", ""});
    },
    [self](points_raid_atom, const std::string& user, const std::string& named) {
      auto& st = self->state;
      st.touch();
      const bool recent = st.clock().now_ms() < st.live.raid_until_ms;
      const auto raid = !named.empty() ? named : recent ? st.live.raid : std::string{};
      if (raid.empty() || st.ledger.raid_paid(user, raid) || check_room(st, user))
        return;
      (void)st.emit(ev::earned{user, points_rules::raid_points, "raid", raid});
    },
    [self](points_raided_atom, const std::string& from) {
      auto& st = self->state;
      st.touch();
      const auto now = st.clock().now_ms();
      st.live.raid = from + "@" + std::to_string(now);
      st.live.raid_until_ms = now + raid_arrival_window_ms;
      arm_timer(self);
    },
    [self](points_me_atom, const std::string& user) -> std::string {
      return read_answer(self, points_json(self->state, user)).dump();
    },
    [self](points_claim_atom, const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.ledger.claim_available(user))
        return make_error(errc::conflict,
                          "no bonus to claim yet: one comes every 15 minutes "
                          "of watch time");
      if (auto err = st.emit(ev::earned{user, points_rules::bonus_points, "bonus", ""}))
        return err;
      return points_json(st, user).dump();
    },
    [self](reward_list_atom) -> std::string {
      json list = json::array();
      for (const auto& r : self->state.book.rewards())
        list.push_back(r.to_json());
      return read_answer(self, json{{"rewards", list}}).dump();
    },
    [self](reward_put_atom, const std::string& id, const std::string& body) {
      self->state.touch();
      return save_reward(self, id, body);
    },
    [self](reward_delete_atom, const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      const auto* r = st.book.find(id);
      if (!r)
        return make_error(errc::not_found, "no such reward");
      auto gone = r->to_json();
      if (auto err = st.emit(ev::reward_deleted{id}))
        return err;
      return gone.dump();
    },
    [self](reward_redeem_atom, const std::string& user, const std::string& id,
           const std::string& input, const std::string& stream) {
      self->state.touch();
      return redeem(self, user, id, input, stream);
    },
    [self](redemption_list_atom, const std::string& status) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (status != "unfulfilled" && status != "fulfilled" && status != "canceled")
        return make_error(errc::invalid_argument,
                          "status must be unfulfilled, fulfilled or canceled");
      json list = json::array();
      for (const auto& d : status == "unfulfilled" ? st.book.open() : st.book.closed())
        if (d.status == status)
          list.push_back(d.to_json());
      return json{{"redemptions", list}}.dump();
    },
    [self](redemption_set_atom, const std::string& id,
           const std::string& status) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (status != "fulfilled" && status != "canceled")
        return make_error(errc::invalid_argument, "'status' must be fulfilled or canceled");
      if (!st.book.open_redemption(id))
        return make_error(errc::not_found, "no open redemption with that id");
      if (auto err = st.emit(ev::redemption_closed{id, status}))
        return err;
      return st.book.closed().back().to_json().dump();
    },
    [self](prediction_create_atom, const std::string& body_text) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      fire_due(self);
      auto body = json::parse(body_text, nullptr, false);
      if (!body.is_object())
        return make_error(errc::invalid_json, "the body must be a JSON object");
      auto spec = prediction_spec_of(body);
      if (!spec)
        return spec.error();
      if (st.pred && st.pred->open())
        return make_error(errc::conflict, "a prediction is already " + st.pred->state +
                                            "; resolve or cancel it first");
      if (auto err = st.emit(ev::prediction_created{st.next_id('p'), spec->title, spec->outcomes,
                                                    spec->window_s}))
        return err;
      arm_timer(self);
      st.live.last_prediction_frame_ms = 0;  // a new prediction shows at once
      prediction_changed(self);
      return st.pred->to_json().dump();
    },
    [self](prediction_get_atom, const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      fire_due(self);
      const bool shown = st.pred && (st.pred->open() || st.clock().now_ms() - st.pred->ended_at_ms <
                                                          prediction_limits::shown_after_end_ms);
      read_answer(self, st.ledger);
      if (!shown)
        return make_error(errc::not_found, "no current prediction");
      return st.pred->to_json(user).dump();
    },
    [self](prediction_stake_atom, const std::string& user, std::int64_t outcome,
           std::int64_t points) {
      self->state.touch();
      return stake(self, user, outcome, points);
    },
    [self](prediction_lock_atom) {
      self->state.touch();
      return end_prediction(self, "lock", 0);
    },
    [self](prediction_resolve_atom, std::int64_t outcome) {
      self->state.touch();
      return end_prediction(self, "resolve", outcome);
    },
    [self](prediction_cancel_atom) {
      self->state.touch();
      return end_prediction(self, "cancel", 0);
    },
    [self](hype_train_atom) -> std::string {
      fire_due(self);
      return read_answer(self, self->state.train.to_json()).dump();
    },
    [self](engagement_tick_atom) -> std::string {
      self->state.touch();
      fire_due(self);
      return summary(self->state).dump();
    },
    [self](engagement_timer_atom) {
      auto& st = self->state;
      st.live.timer_armed = false;
      fire_due(self);
      forget_silent_viewers(self);
      if (!st.live.raid.empty() && st.clock().now_ms() >= st.live.raid_until_ms)
        st.live.raid.clear();
      arm_timer(self);
    },
    [self](prediction_flush_atom) { send_prediction_frame(self); },
    [self](get_atom) -> std::string {
      fire_due(self);
      return read_answer(self, summary(self->state)).dump();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_engagement_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock) {
  kinds.factories["engagement"] = [&store, &clock](caf::actor_system& sys,
                                                   const caf::actor& registry,
                                                   const std::string& channel) {
    return sys.spawn(engagement_behavior, registry, &store, channel, &clock);
  };
}

}  // namespace aethex::actors
