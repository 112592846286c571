#include "actors/engagement/engagement.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/engagement/events.hpp"
#include "actors/engagement/points_ledger.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace ev = engagement_events;

struct engagement_state {
  static constexpr std::string_view kind = "engagement";
  static inline const char* name = "engagement";
  using events = event_list<ev::watched, ev::earned, ev::spent, ev::refunded, ev::followed>;

  points_ledger ledger;

  void apply(const ev::watched& e, const event_meta&) { ledger.watch(e.user, e.seconds); }
  void apply(const ev::earned& e, const event_meta&) {
    if (e.reason == "bonus")
      ledger.claim(e.user);
    else if (e.reason == "follow")
      ledger.pay_follow(e.user);
    else if (e.reason == "raid")
      ledger.pay_raid(e.user, e.raid);
  }
  void apply(const ev::spent& e, const event_meta&) { ledger.burn(e.user, e.points); }
  void apply(const ev::refunded& e, const event_meta&) { ledger.unburn(e.user, e.points); }
  void apply(const ev::followed&, const event_meta&) {}

  std::string snapshot() const { return json{{"ledger", ledger.to_json()}}.dump(); }
  void restore(const std::string& text) { ledger.from_json(json::parse(text).at("ledger")); }
};

using engagement_actor = caf::stateful_actor<event_sourced<engagement_state>>;

constexpr std::uint64_t snapshot_every = 256;

json summary(const engagement_state& st) {
  return json{{"viewers", st.ledger.viewers()},
              {"minted", st.ledger.minted()},
              {"burned", st.ledger.burned()},
              {"held", st.ledger.held()}};
}

caf::behavior engagement_behavior(engagement_actor* self, caf::actor registry,
                                  storage::event_store* store, std::string channel,
                                  const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](points_spend_atom, const std::string& user, std::int64_t amount,
           const std::string& reason) -> caf::result<std::int64_t> {
      auto& st = self->state;
      st.touch();
      if (amount < 1)
        return make_error(errc::invalid_argument, "a spend takes at least 1 point");
      if (!st.ledger.can_spend(user, amount))
        return make_error(errc::conflict, "not enough channel points");
      if (auto err = st.emit(ev::spent{user, amount, reason}))
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
    [self](get_atom) -> std::string {
      return self->state.answer_read(self, summary(self->state)).dump();
    },
    [self](engagement_tick_atom) -> std::string { return summary(self->state).dump(); },
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
