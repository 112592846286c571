// The entity base on the in-memory store: typed events, recovery, schema refusal, optimistic
// concurrency and passivation (immediate for missing entities, idle on a manual clock).
#include "actors/core/event_sourced.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "storage/event_store.hpp"

using namespace aethex;
using namespace std::chrono_literals;
using actors::event_meta;
using json = nlohmann::json;

namespace {

struct added {
  static constexpr std::string_view type = "counter.added";
  static constexpr std::uint32_t schema = 2;
  std::int64_t n = 0;
  std::optional<std::string> note;  // left out of the payload when absent
};
void to_json(json& j, const added& e) {
  j = json{{"n", e.n}};
  if (e.note)
    j["note"] = *e.note;
}
void from_json(const json& j, added& e) {
  e.n = j.value("n", std::int64_t{0});
  if (j.contains("note"))
    e.note = j.value("note", "");
}

struct cleared {
  static constexpr std::string_view type = "counter.cleared";
  static constexpr std::uint32_t schema = 1;
};
void to_json(json& j, const cleared&) { j = json::object(); }
void from_json(const json&, cleared&) {}

struct counter_state {
  static constexpr std::string_view kind = "counter";
  static inline const char* name = "counter";
  using events = actors::event_list<added, cleared>;
  std::int64_t total = 0;
  std::vector<std::uint64_t> applied;  // seqs applied by this object
  std::vector<std::string> notes;
  std::int64_t last_ts = 0;

  void apply(const added& e, const event_meta& meta) {
    total += e.n;
    applied.push_back(meta.seq);
    if (e.note)
      notes.push_back(*e.note);
    last_ts = meta.timestamp_ms;
  }
  void apply(const cleared&, const event_meta& meta) {
    total = 0;
    applied.push_back(meta.seq);
  }
};

// The same with snapshots: the total is the whole state.
struct snapshot_counter : counter_state {
  bool restored = false;
  std::string snapshot() const { return std::to_string(total); }
  void restore(const std::string& text) {
    total = std::stoll(text);
    restored = true;
  }
};

using counter = actors::event_sourced<counter_state>;

counter::activation_options manual(const runtime::clock& clock) {
  counter::activation_options o;
  o.clock = &clock;
  return o;
}

}  // namespace

TEST_CASE("typed events are stored as their JSON and read back through the event list") {
  auto store = storage::event_store::in_memory();
  runtime::manual_clock clock{5'000};
  counter c;
  REQUIRE_FALSE(c.open(*store, "a", manual(clock)));
  CHECK_FALSE(c.exists());
  CHECK(counter::stream_name("a") == "counter/a");
  REQUIRE_FALSE(c.emit(added{5, "first"}, added{2, std::nullopt}));
  clock.advance(1s);
  REQUIRE_FALSE(c.emit(cleared{}));
  CHECK(c.exists());
  CHECK(c.version() == 3);
  CHECK(c.total == 0);
  CHECK(c.applied == std::vector<std::uint64_t>{1, 2, 3});

  auto stored = store->read_stream("counter/a", 1);
  REQUIRE(stored.size() == 3);
  CHECK(stored[0].data.type == "counter.added");
  CHECK(stored[0].data.schema == 2);
  CHECK(stored[0].data.payload == R"({"n":5,"note":"first"})");
  CHECK(stored[1].data.payload == R"({"n":2})");  // the absent option is left out
  CHECK(stored[2].data.payload == "{}");
  CHECK(stored[0].data.timestamp_ms == 5'000);  // stamped by the injected clock
  CHECK(stored[2].data.timestamp_ms == 6'000);

  REQUIRE(store->append("counter/a", 3,
                        std::vector{
                          storage::event{"counter.added", 1, 7'000, R"({"n":40,"note":"old"})"}}));
  counter again;
  REQUIRE_FALSE(again.open(*store, "a", manual(clock)));
  CHECK(again.total == 40);  // an older schema is still read
  CHECK(again.notes == std::vector<std::string>{"first", "old"});
  CHECK(again.applied == std::vector<std::uint64_t>{1, 2, 3, 4});
  CHECK(again.last_ts == 7'000);
}

TEST_CASE("recovery starts from the latest snapshot and replays only the tail") {
  auto store = storage::event_store::in_memory();
  runtime::manual_clock clock;
  auto opts = actors::event_sourced<snapshot_counter>::activation_options{};
  opts.clock = &clock;
  opts.snapshot_every = 3;
  {
    actors::event_sourced<snapshot_counter> c;
    REQUIRE_FALSE(c.open(*store, "s", opts));
    for (int i = 1; i <= 5; ++i)
      REQUIRE_FALSE(c.emit(added{i, std::nullopt}));
    CHECK(c.total == 15);
  }
  auto snap = store->load_snapshot("counter/s");
  REQUIRE(snap);
  CHECK(snap->version == 3);
  CHECK(snap->state == "6");
  actors::event_sourced<snapshot_counter> c;
  REQUIRE_FALSE(c.open(*store, "s", opts));
  CHECK(c.restored);
  CHECK(c.applied == std::vector<std::uint64_t>{4, 5});
  CHECK(c.total == 15);
  CHECK(c.version() == 5);
}

TEST_CASE("a newer schema or an unknown event type stops the activation") {
  auto store = storage::event_store::in_memory();
  runtime::manual_clock clock;
  REQUIRE(store->append("counter/new", storage::no_stream,
                        std::vector{storage::event{"counter.added", 2, 1, R"({"n":1})"},
                                    storage::event{"counter.added", 3, 1, R"({"n":1})"}}));
  counter newer;
  auto err = newer.open(*store, "new", manual(clock));
  REQUIRE(err);
  CHECK(code_of(err) == errc::unavailable);
  CHECK(message_of(err).find("counter.added schema 3 is newer than supported 2") !=
        std::string::npos);
  CHECK(message_of(err).find("seq 2") != std::string::npos);

  REQUIRE(store->append("counter/odd", storage::no_stream,
                        std::vector{storage::event{"counter.exploded", 1, 1, "{}"}}));
  counter unknown;
  err = unknown.open(*store, "odd", manual(clock));
  REQUIRE(err);
  CHECK(code_of(err) == errc::unavailable);
  CHECK(message_of(err).find("unknown event type counter.exploded") != std::string::npos);
}

TEST_CASE("a stale writer gets a conflict and applies nothing") {
  auto store = storage::event_store::in_memory();
  runtime::manual_clock clock;
  counter first, second;
  REQUIRE_FALSE(first.open(*store, "c", manual(clock)));
  REQUIRE_FALSE(second.open(*store, "c", manual(clock)));
  REQUIRE_FALSE(first.emit(added{1, std::nullopt}));
  auto err = second.emit(added{100, std::nullopt});
  REQUIRE(err);
  CHECK(code_of(err) == errc::conflict);
  CHECK(second.total == 0);
  CHECK(second.version() == 0);
  CHECK(store->version("counter/c") == 1);
  CHECK(store->read_stream("counter/c", 1).at(0).data.payload == R"({"n":1})");
}

TEST_CASE("emit_all appends a run-time batch as one write, applies it in order and snapshots") {
  auto store = storage::event_store::in_memory();
  runtime::manual_clock clock{9'000};
  auto opts = actors::event_sourced<snapshot_counter>::activation_options{};
  opts.clock = &clock;
  opts.snapshot_every = 4;
  actors::event_sourced<snapshot_counter> c;
  REQUIRE_FALSE(c.open(*store, "batch", opts));
  REQUIRE_FALSE(c.emit_all(std::vector<added>{}));  // nothing to write
  CHECK(c.version() == 0);
  std::vector<added> batch;
  for (int i = 1; i <= 5; ++i)
    batch.push_back(added{i, std::nullopt});
  REQUIRE_FALSE(c.emit_all(batch));
  CHECK(c.total == 15);
  CHECK(c.applied == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  auto stored = store->read_stream("counter/batch", 1);
  REQUIRE(stored.size() == 5);
  CHECK(stored[4].data.payload == R"({"n":5})");
  CHECK(stored[4].data.timestamp_ms == 9'000);
  auto snap = store->load_snapshot("counter/batch");
  REQUIRE(snap);
  CHECK(snap->version == 5);

  // A stale batch conflicts as a whole: nothing of it is stored or applied.
  actors::event_sourced<snapshot_counter> stale;
  REQUIRE_FALSE(stale.open(*store, "batch", opts));
  REQUIRE_FALSE(c.emit(added{1, std::nullopt}));
  auto err = stale.emit_all(batch);
  REQUIRE(err);
  CHECK(code_of(err) == errc::conflict);
  CHECK(stale.total == 15);
  CHECK(store->version("counter/batch") == 6);
}

// ---- passivation, with a real registry -------------------------------------------------------

namespace {

using counter_actor = caf::stateful_actor<counter>;

caf::behavior counter_behavior(counter_actor* self, caf::actor registry,
                               storage::event_store* store, std::string id,
                               const runtime::clock* clock) {
  auto& st = self->state;
  // The timer ticks often in real time; whether the entity is idle is the manual clock's call.
  if (auto err = st.activate(self, *store, id, {registry, clock, 5ms, 10min}))
    return st.refuse(self, std::move(err));
  return {
    [self](update_atom, std::int64_t n) -> caf::result<std::int64_t> {
      self->state.touch();
      if (auto err = self->state.emit(added{n, std::nullopt}))
        return err;
      return self->state.total;
    },
    [self](get_atom) -> caf::result<std::int64_t> {
      self->state.touch();
      if (auto err = self->state.require_exists(self, make_error(errc::not_found, "no counter")))
        return err;
      return self->state.total;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

struct registry_fixture {
  std::unique_ptr<storage::event_store> store = storage::event_store::in_memory();
  runtime::manual_clock clock;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;

  registry_fixture() {
    runtime::entity_kinds kinds;
    kinds.factories["counter"] = [this](caf::actor_system& s, const caf::actor& reg,
                                        const std::string& id) {
      return s.spawn(counter_behavior, reg, store.get(), id, &clock);
    };
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
  }
  ~registry_fixture() {
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
  }

  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& id, Ts... xs) {
    caf::expected<T> result = caf::error{};
    self
      ->request(registry, 5s, route_atom::value, std::string{"counter"}, id,
                caf::make_message(std::move(xs)...))
      .receive([&](T& value) { result = std::move(value); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }
  caf::actor activation(const std::string& id) {
    caf::actor out;
    self->request(registry, 5s, get_atom::value, std::string{"counter"}, id)
      .receive([&](caf::actor& a) { out = a; }, [](caf::error&) {});
    return out;
  }
  std::vector<std::string> live() {
    std::vector<std::string> out;
    self->request(registry, 5s, list_atom::value)
      .receive([&](std::vector<std::string>& keys) { out = keys; }, [](caf::error&) {});
    return out;
  }
  // True when `a` stops within a few seconds (a down message, no polling).
  bool stops(const caf::actor& a) {
    bool down = false;
    self->monitor(a);
    self->receive([&](caf::down_msg&) { down = true; }, caf::after(5s) >> [] {});
    return down;
  }
};

}  // namespace

TEST_CASE("an entity that does not exist passivates as soon as a command finds it missing") {
  registry_fixture f;
  auto ghost = f.activation("ghost");
  REQUIRE(ghost);
  auto missing = f.ask<std::int64_t>("ghost", get_atom::value);
  REQUIRE_FALSE(missing);
  CHECK(code_of(missing.error()) == errc::not_found);
  CHECK(f.stops(ghost));
  CHECK(f.live().empty());
}

TEST_CASE("an idle entity passivates after the idle limit on the injected clock") {
  registry_fixture f;
  REQUIRE(f.ask<std::int64_t>("busy", update_atom::value, std::int64_t{3}) == 3);
  auto busy = f.activation("busy");
  REQUIRE(busy);
  f.clock.advance(9min);
  // An idle check that runs before this reply found it active (same sender: in order).
  f.self->send(busy, idle_check_atom::value);
  f.self->request(busy, 5s, get_atom::value).receive([](std::int64_t) {}, [](caf::error&) {});
  CHECK(f.live() == std::vector<std::string>{"counter/busy"});
  f.clock.advance(10min);  // the get above counted as activity
  CHECK(f.stops(busy));
  CHECK(f.live().empty());
  CHECK(f.ask<std::int64_t>("busy", get_atom::value) == 3);  // a new activation recovers it
}

TEST_CASE("an activation that cannot read its stream refuses every command and goes") {
  registry_fixture f;
  REQUIRE(f.store->append("counter/future", storage::no_stream,
                          std::vector{storage::event{"counter.added", 9, 1, R"({"n":1})"}}));
  auto future = f.activation("future");
  REQUIRE(future);
  auto refused = f.ask<std::int64_t>("future", update_atom::value, std::int64_t{1});
  REQUIRE_FALSE(refused);
  CHECK(code_of(refused.error()) == errc::unavailable);
  CHECK(message_of(refused.error()).find("schema 9 is newer") != std::string::npos);
  CHECK(f.stops(future));
  CHECK(f.store->version("counter/future") == 1);  // nothing written
}
