// The state of engagement/<channel> and how each event changes it; the actor (engagement.cpp)
// decides, this applies. Every points movement happens here, inside apply, so a replay of the
// journal (or snapshot + tail) rebuilds exactly the balances the viewers saw.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/engagement/events.hpp"
#include "actors/engagement/hype_train.hpp"
#include "actors/engagement/points_ledger.hpp"
#include "actors/engagement/prediction.hpp"
#include "actors/engagement/rewards.hpp"

namespace aethex::actors {

namespace ev = engagement_events;

struct engagement_state {
  static constexpr std::string_view kind = "engagement";
  static inline const char* name = "engagement";
  using events =
    event_list<ev::watched, ev::earned, ev::spent, ev::refunded, ev::followed, ev::reward_saved,
               ev::reward_deleted, ev::redeemed, ev::redemption_closed, ev::prediction_created,
               ev::staked, ev::prediction_locked, ev::prediction_resolved, ev::prediction_canceled,
               ev::hype_train_changed>;

  points_ledger ledger;
  reward_book book;
  std::optional<prediction> pred;  // the current one, or the last that ended
  hype_train train;
  std::uint64_t ids = 0;  // the last id handed out to a reward, redemption or prediction

  /// What the actor keeps in memory only (never journaled): watch beats not yet credited, the
  /// prediction frame throttle, whether the timer runs.
  struct watch_clock {
    std::int64_t last_beat_ms = 0;
    std::int64_t pending_ms = 0;  // credited watch time not yet journaled (< 60 s)
  };
  struct volatile_parts {
    std::map<std::string, watch_clock> watch;
    std::int64_t last_prediction_frame_ms = 0;
    bool prediction_frame_pending = false;
    bool timer_armed = false;
    std::string raid;  // the raid that arrived last ("<from>@<ms>"), for 5 minutes
    std::int64_t raid_until_ms = 0;
  } live;

  /// A fresh id for a reward ("r7"), redemption ("d8") or prediction ("p9").
  std::string next_id(char prefix) const { return prefix + std::to_string(ids + 1); }
  // Its timers, and the watch time not yet journaled, live in this actor.
  bool keep_active() const {
    return (pred && pred->open()) || train.state() != "idle" || !live.watch.empty() ||
           !live.raid.empty();
  }

  void apply(const ev::watched& e, const event_meta&) { ledger.watch(e.user, e.seconds); }
  void apply(const ev::earned& e, const event_meta&) {
    if (e.reason == "bonus")
      ledger.claim(e.user);
    else if (e.reason == "follow")
      ledger.pay_follow(e.user);
    else if (e.reason == "raid")
      ledger.pay_raid(e.user, e.raid);
    else if (e.reason == "gift")  // a gift bundle bought by another viewer (actors/tips)
      ledger.mint(e.user, e.points);
  }
  void apply(const ev::spent& e, const event_meta& m) {
    ledger.burn(e.user, e.points);
    train.contribute(e.user, e.points, m.timestamp_ms);
  }
  void apply(const ev::refunded& e, const event_meta&) { ledger.unburn(e.user, e.points); }
  void apply(const ev::followed& e, const event_meta& m) {
    train.contribute(e.user, hype_rules::follow_hype, m.timestamp_ms);
  }
  void apply(const ev::reward_saved& e, const event_meta&) {
    auto r = reward::restore(e.reward);
    bump(r.id);
    book.save(std::move(r));
  }
  void apply(const ev::reward_deleted& e, const event_meta&) { book.remove(e.id); }
  void apply(const ev::redeemed& e, const event_meta& m) {
    bump(e.id);
    ledger.burn(e.user, e.cost);
    book.redeem(redemption{e.id, e.reward, e.title, e.user, e.input, e.cost, "unfulfilled",
                           m.timestamp_ms, 0},
                e.stream);
    train.contribute(e.user, e.cost, m.timestamp_ms);
  }
  void apply(const ev::redemption_closed& e, const event_meta& m) {
    auto d = book.close(e.id, e.status, m.timestamp_ms);
    if (e.status == "canceled" && !d.user.empty())
      ledger.unburn(d.user, d.cost);
  }
  void apply(const ev::prediction_created& e, const event_meta& m) {
    bump(e.id);
    prediction p;
    p.id = e.id;
    p.title = e.title;
    p.outcomes = e.outcomes;
    p.window_s = e.window_s;
    p.created_at_ms = m.timestamp_ms;
    p.locks_at_ms = m.timestamp_ms + e.window_s * 1000;
    pred = std::move(p);
  }
  void apply(const ev::staked& e, const event_meta& m) {
    ledger.hold(e.user, e.points);
    auto [it, fresh] = pred->stakes.try_emplace(e.user, prediction_stake{e.outcome, 0, m.seq});
    it->second.points += e.points;
    train.contribute(e.user, e.points, m.timestamp_ms);
  }
  void apply(const ev::prediction_locked&, const event_meta&) { pred->state = "locked"; }
  // The train already moved with the event that caused this marker; an end was recorded at the
  // moment the timer ran out, so a replay ends it there too.
  void apply(const ev::hype_train_changed& e, const event_meta& m) {
    if (e.phase == "end")
      train.advance(m.timestamp_ms);
  }
  void apply(const ev::prediction_resolved& e, const event_meta& m) {
    pred->paid = payout(*pred, e.outcome);
    if (pred->paid.empty())
      ledger.burn_held(pred->pool());
    for (const auto& [user, points] : pred->paid)
      ledger.release(user, points);
    pred->state = "resolved";
    pred->winner = e.outcome;
    pred->ended_at_ms = m.timestamp_ms;
  }
  void apply(const ev::prediction_canceled&, const event_meta& m) {
    for (const auto& [user, stake] : pred->stakes)
      ledger.release(user, stake.points);
    pred->state = "canceled";
    pred->ended_at_ms = m.timestamp_ms;
  }

  std::string snapshot() const {
    return nlohmann::json{{"ledger", ledger.to_json()},
                          {"book", book.snapshot()},
                          {"pred", pred ? pred->snapshot() : nlohmann::json(nullptr)},
                          {"train", train.snapshot()},
                          {"ids", ids}}
      .dump();
  }
  void restore(const std::string& text) {
    auto j = nlohmann::json::parse(text);
    ledger.from_json(j.at("ledger"));
    book.restore(j.at("book"));
    pred.reset();
    if (!j.at("pred").is_null())
      pred = prediction::restore(j.at("pred"));
    train.restore(j.at("train"));
    ids = j.at("ids").get<std::uint64_t>();
  }

 private:
  void bump(const std::string& id) {
    if (id.size() > 1)
      ids = std::max<std::uint64_t>(ids, std::stoull(id.substr(1)));
  }
};

}  // namespace aethex::actors
