// The base of every entity: typed events, their journal, recovery and passivation.
//
// A State names its kind and the events it understands, and applies each of them:
//
//   struct created { static constexpr std::string_view type = "channel.created";
//                    static constexpr std::uint32_t schema = 1; ... };   // + to_json/from_json
//   struct channel_state {
//     static constexpr std::string_view kind = "channel";
//     using events = event_list<created, updated>;
//     void apply(const created&, const event_meta&);
//     void apply(const updated&, const event_meta&);
//   };
//   using channel_actor = caf::stateful_actor<event_sourced<channel_state>>;
//
// event_sourced<State> derives from State and adds the stream "kind/id" (named in one place),
// recovery from snapshot + tail, a schema check of every stored event (an unknown type or a
// schema newer than the struct's stops the activation with errc::unavailable instead of
// misreading it), emit() (stamp from the injected clock, append with the expected version, then
// apply: a reply never reflects an event that could still be lost) and passivation (idle on the
// injected clock; at once for entities that do not exist).
//
// Optional State hooks: `std::string snapshot() const` + `void restore(const std::string&)`
// (saved every `snapshot_every` events), `bool known() const` (existence when it is not "the
// stream has events", e.g. a chat room exists when its channel does), `bool keep_active() const`
// (no passivation while true, e.g. a live channel), `void on_passivate()` (answer waiters).
// The base's member names (open, activate, emit, exists, version, id, stream, clock, registry,
// touch, idle_check, passivate, ...) hide a State's members of the same name: State avoids them.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_journal.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/errors.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

/// What an applied event carries besides its payload.
struct event_meta {
  std::uint64_t seq = 0;  // position in the entity's stream
  std::int64_t timestamp_ms = 0;
};

template <class... Es>
struct event_list {};

/// A typed event: its stored type name, payload schema version and nlohmann JSON conversions.
template <class E>
concept typed_event = requires(nlohmann::json& j, const E& ce, E& e) {
  { E::type } -> std::convertible_to<std::string_view>;
  { E::schema } -> std::convertible_to<std::uint32_t>;
  to_json(j, ce);
  from_json(std::as_const(j), e);
};

/// Payload text of an event. Invalid UTF-8 in user text is replaced, never an exception.
template <typed_event E>
std::string encode_payload(const E& e) {
  nlohmann::json j;
  to_json(j, e);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <typed_event E>
storage::event encode_event(const E& e, std::int64_t timestamp_ms) {
  return storage::event{std::string{E::type}, E::schema, timestamp_ms, encode_payload(e)};
}

namespace detail {

template <class State>
using apply_fn = void (*)(State&, const nlohmann::json&, const event_meta&);

template <class State, class E>
void decode_and_apply(State& state, const nlohmann::json& body, const event_meta& meta) {
  E e{};
  from_json(body, e);
  state.apply(std::as_const(e), meta);
}

template <class State, class List>
struct dispatch;

// The table of a State's events, sorted by type name at compile time; lookup is a binary search.
template <class State, typed_event... Es>
struct dispatch<State, event_list<Es...>> {
  struct entry {
    std::string_view type;
    std::uint32_t schema;
    apply_fn<State> apply;
  };
  static constexpr std::array<entry, sizeof...(Es)> table = [] {
    std::array<entry, sizeof...(Es)> t{
      entry{Es::type, Es::schema, &decode_and_apply<State, Es>}...};
    std::sort(t.begin(), t.end(), [](const entry& a, const entry& b) { return a.type < b.type; });
    return t;
  }();
  static_assert(std::adjacent_find(table.begin(), table.end(),
                                   [](const entry& a, const entry& b) {
                                     return a.type == b.type;
                                   }) == table.end(),
                "two events of one State share a type name");

  static const entry* find(std::string_view type) {
    auto it = std::lower_bound(table.begin(), table.end(), type,
                               [](const entry& e, std::string_view t) { return e.type < t; });
    return it != table.end() && it->type == type ? &*it : nullptr;
  }
  template <class E>
  static constexpr bool contains = (std::is_same_v<E, Es> || ...);
};

}  // namespace detail

/// Why a stored event cannot be read by `State`, or nullopt. Checked for every event replayed.
template <class State>
std::optional<std::string> unreadable(const storage::recorded_event& rec) {
  using table = detail::dispatch<State, typename State::events>;
  const auto* e = table::find(rec.data.type);
  const auto where = " (stream " + rec.stream + " seq " + std::to_string(rec.seq) + ")";
  if (!e)
    return "unknown event type " + rec.data.type + where;
  if (rec.data.schema > e->schema)
    return "event " + rec.data.type + " schema " + std::to_string(rec.data.schema) +
           " is newer than supported " + std::to_string(e->schema) + where;
  return std::nullopt;
}

template <class State>
class event_sourced : public State {
 public:
  struct activation_options {
    caf::actor registry;  // asked for passivation
    const runtime::clock* clock = &runtime::system_clock();
    std::chrono::milliseconds idle_check{std::chrono::seconds(60)};  // real-time timer period
    std::chrono::milliseconds idle_limit{std::chrono::minutes(10)};  // on the injected clock
    std::uint64_t snapshot_every = 0;                                // 0 = no snapshots
  };

  /// Opens the stream of entity `id` and recovers the state (snapshot + tail). An error means
  /// the stream holds an event this code cannot read (errc::unavailable).
  caf::error open(storage::event_store& store, const std::string& id, activation_options opts) {
    opts_ = std::move(opts);
    id_ = id;
    journal_.emplace(store, stream_name(id));
    last_activity_ = clock().steady();
    return recover();
  }

  /// open() for an actor, then arms its idle timer. On an error the behaviour function returns
  /// refuse(self, err).
  template <class Actor>
  caf::error activate(Actor* self, storage::event_store& store, const std::string& id,
                      activation_options opts) {
    if (auto err = open(store, id, std::move(opts)))
      return err;
    self->delayed_send(self, opts_.idle_check, idle_check_atom::value);
    return caf::none;
  }

  /// The stream of entity `id`: the one place it is named.
  static std::string stream_name(std::string_view id) {
    return std::string{State::kind} + "/" + std::string{id};
  }

  /// Persists `events` (stamped now) with the expected version, then applies them in order.
  template <class... Es>
  caf::error emit(const Es&... events) {
    return emit_at(clock().now_ms(), events...);
  }

  /// Same with a timestamp the caller already showed somebody (a chat message's `ts`).
  template <class... Es>
  caf::error emit_at(std::int64_t timestamp_ms, const Es&... events) {
    static_assert(sizeof...(Es) > 0);
    static_assert((table::template contains<Es> && ...), "event missing from State::events");
    std::uint64_t seq = journal_->version();
    // Durable first (entity_journal::commit's rule), then applied.
    if (auto appended = journal_->append({encode_event(events, timestamp_ms)...}); !appended)
      return appended.error();
    (State::apply(events, event_meta{++seq, timestamp_ms}), ...);
    snapshot_if_due();
    return caf::none;
  }

  /// Persists a run-time number of events of one type (stamped now) as one append, then applies
  /// them in order: a batch of commands (many viewers' votes) costs one synced write. An empty
  /// batch writes nothing.
  template <class E>
  caf::error emit_all(const std::vector<E>& events) {
    const auto timestamp_ms = clock().now_ms();
    return emit_all_stamped(events, [timestamp_ms](std::size_t) { return timestamp_ms; });
  }

  /// Same with each event's own timestamp (`timestamps_ms[i]` for `events[i]`): chat lines
  /// written together keep the `ts` each was shown with.
  template <class E>
  caf::error emit_all_at(const std::vector<E>& events,
                         std::span<const std::int64_t> timestamps_ms) {
    if (timestamps_ms.size() != events.size())
      return make_error(errc::invalid_argument, "one timestamp per event");
    return emit_all_stamped(events, [timestamps_ms](std::size_t i) { return timestamps_ms[i]; });
  }

  bool exists() const { return journal_ && journal_->exists(); }
  std::uint64_t version() const { return journal_ ? journal_->version() : 0; }
  const std::string& id() const { return id_; }
  const std::string& stream() const { return journal_->stream(); }
  const runtime::clock& clock() const { return *opts_.clock; }
  const caf::actor& registry() const { return opts_.registry; }
  bool passivating() const { return passivating_; }

  /// Marks activity: the idle limit counts from the last command.
  void touch() { last_activity_ = clock().steady(); }

  /// The end of a read command: marks activity and answers `value`; an entity with no events
  /// yet lets its activation go, so asking about random ids parks no actor.
  template <class Actor, class T>
  const T& answer_read(Actor* self, const T& value) {
    touch();
    if (!exists())
      passivate(self);
    return value;
  }

  /// For commands that need the entity: none when it exists; otherwise `missing_error`, and the
  /// activation goes at once, so looking up random ids parks no actor.
  template <class Actor>
  caf::error require_exists(Actor* self, caf::error missing_error) {
    if (!missing())
      return caf::none;
    if (!kept())
      passivate(self);
    return missing_error;
  }

  /// The idle_check_atom handler: passivates a missing entity at once and an idle one after the
  /// idle limit on the injected clock, unless State::keep_active(); otherwise re-arms the timer.
  template <class Actor>
  void idle_check(Actor* self) {
    if (passivating_)
      return;
    if (!kept() && (missing() || clock().steady() - last_activity_ >= opts_.idle_limit))
      return passivate(self);
    self->delayed_send(self, opts_.idle_check, idle_check_atom::value);
  }

  /// Asks the registry to forget the entity, then quits (once). Messages the registry routed
  /// before forgetting it are still in the mailbox and get handled first.
  template <class Actor>
  void passivate(Actor* self) {
    if (passivating_)
      return;
    passivating_ = true;
    self->request(opts_.registry, caf::infinite, passivate_atom::value)
      .then([self](passivate_atom) { stop(self); });
  }

  /// The registry's own passivate_atom (the partition moves): stop after the queued messages.
  template <class Actor>
  auto stop_on_request(Actor* self) {
    return [self](passivate_atom) { stop(self); };
  }

  /// The behaviour of an activation that could not recover: every request gets `err`, and the
  /// activation goes at once (the next message activates afresh, e.g. after an upgrade).
  template <class Actor>
  caf::behavior refuse(Actor* self, caf::error err) {
    caf::aout(self) << message_of(err) << "\n";
    self->set_default_handler([err](caf::scheduled_actor*,
                                    caf::message_view&) -> caf::result<caf::message> {
      return err;
    });
    passivate(self);
    return {stop_on_request(self)};
  }

 private:
  using table = detail::dispatch<State, typename State::events>;

  template <class E, class StampOf>
  caf::error emit_all_stamped(const std::vector<E>& events, StampOf&& stamp_of) {
    static_assert(table::template contains<E>, "event missing from State::events");
    if (events.empty())
      return caf::none;
    std::vector<storage::event> encoded;
    encoded.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
      encoded.push_back(encode_event(events[i], stamp_of(i)));
    std::uint64_t seq = journal_->version();
    if (auto appended = journal_->append(std::move(encoded)); !appended)
      return appended.error();
    for (std::size_t i = 0; i < events.size(); ++i)
      State::apply(events[i], event_meta{++seq, stamp_of(i)});
    snapshot_if_due();
    return caf::none;
  }
  static constexpr bool has_snapshot = requires(State & s, const std::string& text) {
    { std::as_const(s).snapshot() } -> std::convertible_to<std::string>;
    s.restore(text);
  };

  void snapshot_if_due() {
    if constexpr (has_snapshot)
      if (opts_.snapshot_every > 0)
        journal_->maybe_snapshot(opts_.snapshot_every, [this] { return State::snapshot(); });
  }

  template <class Actor>
  static void stop(Actor* self) {
    if constexpr (requires(State & s) { s.on_passivate(); })
      self->state.on_passivate();
    self->quit();
  }

  bool missing() const {
    if constexpr (requires(const State& s) {
                    { s.known() } -> std::convertible_to<bool>;
                  })
      return !State::known();
    else
      return !exists();
  }
  bool kept() const {
    if constexpr (requires(const State& s) {
                    { s.keep_active() } -> std::convertible_to<bool>;
                  })
      return State::keep_active();
    else
      return false;
  }

  caf::error recover() {
    caf::error failure;
    auto restore = [this](const std::string& text) {
      if constexpr (has_snapshot)
        State::restore(text);
      else
        (void)this;  // States without snapshots never get one to restore
    };
    auto apply = [this, &failure](const storage::recorded_event& rec) -> bool {
      if (auto problem = unreadable<State>(rec)) {
        failure = make_error(errc::unavailable, "cannot read " + stream() + ": " + *problem);
        return false;
      }
      auto body = nlohmann::json::parse(rec.data.payload, nullptr, false);
      if (body.is_discarded() || !body.is_object())  // always skipped; the seq still counts
        return true;
      try {
        table::find(rec.data.type)->apply(*this, body, event_meta{rec.seq, rec.data.timestamp_ms});
      } catch (const nlohmann::json::exception& ex) {
        failure = make_error(errc::unavailable, "cannot read " + stream() + ": event " +
                                                  rec.data.type + " seq " +
                                                  std::to_string(rec.seq) + ": " + ex.what());
        return false;
      }
      return true;
    };
    journal_->replay(restore, apply);
    return failure;
  }

  activation_options opts_;
  std::string id_;
  std::optional<entity_journal> journal_;
  std::chrono::steady_clock::time_point last_activity_{};
  bool passivating_ = false;
};

}  // namespace aethex::actors
