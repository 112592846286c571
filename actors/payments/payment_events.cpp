// payment_events/stripe: the record of Stripe's webhook events, deduplicated by id within a
// bounded window, with per-object version checks (payment_events.hpp, docs/payments.md).
#include "actors/payments/payment_events.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace ev {
struct stripe_event_received {
  static constexpr std::string_view type = "payments.stripe_event_received";
  static constexpr std::uint32_t schema = 1;
  std::string id;
  std::string type_name;  // Stripe's event type ("checkout.session.completed")
  std::int64_t created = 0;
  std::string object_id;  // data.object.id; empty for objects without one
  std::string object_type;
  bool stale = false;  // older than an event already applied for its object: not to be applied
};
void to_json(json& j, const stripe_event_received& e) {
  j = json{{"id", e.id},
           {"type", e.type_name},
           {"created", e.created},
           {"object_id", e.object_id},
           {"object_type", e.object_type},
           {"stale", e.stale}};
}
void from_json(const json& j, stripe_event_received& e) {
  e.id = j.at("id").get<std::string>();
  e.type_name = j.at("type").get<std::string>();
  e.created = j.at("created").get<std::int64_t>();
  e.object_id = j.value("object_id", "");
  e.object_type = j.value("object_type", "");
  e.stale = j.value("stale", false);
}
}  // namespace ev

struct remembered_event {
  std::string id;
  std::string object_id;
};

// The newest `created` applied for an object, kept while some remembered event is about it.
struct object_mark {
  std::int64_t created = 0;
  std::size_t events = 0;
};

struct payment_events_state {
  static constexpr std::string_view kind = "payment_events";
  static inline const char* name = "payment_events";
  using events = event_list<ev::stripe_event_received>;

  std::size_t window = stripe_dedupe_window;
  std::deque<remembered_event> remembered;  // oldest first, at most `window`
  std::unordered_set<std::string> seen_ids;
  std::unordered_map<std::string, object_mark> objects;

  bool is_stale(const std::string& object_id, std::int64_t created) const {
    auto it = object_id.empty() ? objects.end() : objects.find(object_id);
    return it != objects.end() && created < it->second.created;
  }

  void remember(const std::string& id, const std::string& object_id) {
    remembered.push_back({id, object_id});
    seen_ids.insert(id);
    if (!object_id.empty())
      ++objects[object_id].events;
  }
  void forget_beyond_window() {
    while (remembered.size() > window) {
      auto& oldest = remembered.front();
      seen_ids.erase(oldest.id);
      if (auto it = objects.find(oldest.object_id); it != objects.end() && --it->second.events == 0)
        objects.erase(it);
      remembered.pop_front();
    }
  }

  void apply(const ev::stripe_event_received& e, const event_meta&) {
    bool first_about_object = !e.object_id.empty() && !objects.contains(e.object_id);
    remember(e.id, e.object_id);
    if (!e.object_id.empty() && (first_about_object || !e.stale)) {
      auto& mark = objects[e.object_id];
      mark.created = first_about_object ? e.created : std::max(mark.created, e.created);
    }
    forget_beyond_window();
  }

  // The window and the marks, so activation reads one snapshot instead of up to 100,000 events.
  std::string snapshot() const {
    json ids = json::array();
    for (const auto& r : remembered)
      ids.push_back(json::array({r.id, r.object_id}));
    json marks = json::object();
    for (const auto& [object_id, mark] : objects)
      marks[object_id] = mark.created;
    return json{{"remembered", std::move(ids)}, {"objects", std::move(marks)}}.dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text);
    remembered.clear();
    seen_ids.clear();
    objects.clear();
    for (const auto& r : j.at("remembered"))
      remember(r.at(0).get<std::string>(), r.at(1).get<std::string>());
    for (const auto& [object_id, created] : j.at("objects").items())
      if (auto it = objects.find(object_id); it != objects.end())
        it->second.created = created.get<std::int64_t>();
    forget_beyond_window();
  }
};

using payment_events_actor = caf::stateful_actor<event_sourced<payment_events_state>>;

// A snapshot holds the whole window (a few MiB when full): often enough that activation replays
// little, seldom enough that writing it costs little per event.
constexpr std::uint64_t payment_events_snapshot_every = 1000;

caf::behavior payment_events_behavior(payment_events_actor* self, caf::actor registry,
                                      storage::event_store* store, std::string id,
                                      const runtime::clock* clock, std::size_t window) {
  auto& st = self->state;
  st.window = window;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = payment_events_snapshot_every;
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](stripe_event_atom, std::string& id, std::string& type, std::int64_t created,
           std::string& object_id, std::string& object_type) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.seen_ids.contains(id))
        return json{{"received", true}, {"duplicate", true}}.dump();
      bool stale = st.is_stale(object_id, created);
      if (auto err = st.emit(ev::stripe_event_received{std::move(id), std::move(type), created,
                                                       std::move(object_id), std::move(object_type),
                                                       stale}))
        return err;
      return json{{"received", true}, {"duplicate", false}, {"stale", stale}}.dump();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_payment_event_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                             const runtime::clock& clock, std::size_t window) {
  kinds.factories["payment_events"] = [&store, &clock, window](caf::actor_system& sys,
                                                               const caf::actor& registry,
                                                               const std::string& id) {
    return sys.spawn(payment_events_behavior, registry, &store, id, &clock, window);
  };
}

}  // namespace aethex::actors
