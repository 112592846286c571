#include "actors/messaging/relations.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

std::string_view relations_view::state_of(std::string_view other) const {
  for (auto& entry : entries)
    if (entry.user == other)
      return entry.state;
  return relation::none;
}

namespace {

using json = nlohmann::json;

struct relation_changed {
  static constexpr std::string_view type = "relation.changed";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string state;
};
void to_json(json& j, const relation_changed& e) { j = json{{"user", e.user}, {"state", e.state}}; }
void from_json(const json& j, relation_changed& e) {
  e.user = j.value("user", "");
  e.state = j.value("state", std::string{relation::none});
}

struct relations_state {
  static constexpr std::string_view kind = "relations";
  static inline const char* name = "relations";
  using events = event_list<relation_changed>;

  relations_view view;

  std::string_view state_of(std::string_view other) const { return view.state_of(other); }
  std::size_t count(std::string_view state) const {
    return static_cast<std::size_t>(std::count_if(view.entries.begin(), view.entries.end(),
                                                  [state](const relation_entry& e) {
                                                    return e.state == state;
                                                  }));
  }

  void apply(const relation_changed& e, const event_meta& meta) {
    auto it = std::find_if(view.entries.begin(), view.entries.end(),
                           [&](const relation_entry& r) { return r.user == e.user; });
    if (e.state == relation::none) {
      if (it != view.entries.end())
        view.entries.erase(it);
    } else if (it != view.entries.end()) {
      it->state = e.state;
      it->since_ms = meta.timestamp_ms;
    } else {
      view.entries.push_back({e.user, e.state, meta.timestamp_ms});
    }
  }

  std::string snapshot() const {
    json entries = json::array();
    for (auto& e : view.entries)
      entries.push_back(json::array({e.user, e.state, e.since_ms}));
    return entries.dump();
  }
  void restore(const std::string& text) {
    view.entries.clear();
    for (auto& e : json::parse(text))
      view.entries.push_back({e.at(0).get<std::string>(), e.at(1).get<std::string>(),
                              e.at(2).get<std::int64_t>()});
  }
};

using relations_actor = caf::stateful_actor<event_sourced<relations_state>>;

constexpr std::uint64_t relations_snapshot_every = 64;

// Records `state` towards `other` unless it already is; answers the state.
caf::result<std::string> change(relations_actor* self, const std::string& other,
                                std::string_view state) {
  auto& st = self->state;
  if (st.state_of(other) == state)
    return std::string{state};
  bool adds = st.state_of(other) == relation::none && state != relation::none;
  if (adds && st.view.entries.size() >= max_relations)
    return make_error(errc::forbidden, "an account may have at most " +
                                         std::to_string(max_relations) +
                                         " friends, requests and blocks");
  if (auto err = st.emit(relation_changed{other, std::string{state}}))
    return err;
  return std::string{state};
}

caf::behavior relations_behavior(relations_actor* self, caf::actor registry,
                                 storage::event_store* store, std::string user,
                                 const runtime::clock* clock) {
  auto& st = self->state;
  st.view.user = user;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = relations_snapshot_every;
  if (auto err = st.activate(self, *store, user, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](friend_ask_atom, const std::string& other) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto now = st.state_of(other);
      if (now == relation::blocked)
        return make_error(errc::conflict, "you blocked " + other + "; unblock them first");
      if (now == relation::friends || now == relation::outgoing)
        return std::string{now};
      return change(self, other,
                    now == relation::incoming ? relation::friends : relation::outgoing);
    },
    [self](friend_asked_atom, const std::string& other) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto now = st.state_of(other);
      // The refusal does not say why: a block is not announced.
      if (now == relation::blocked)
        return make_error(errc::forbidden, "you cannot send " + st.view.user + " a friend request");
      if (now == relation::friends || now == relation::incoming)
        return std::string{now};
      if (now == relation::none && st.count(relation::incoming) >= max_incoming_requests)
        return make_error(errc::forbidden, st.view.user + " has too many open friend requests");
      return change(self, other,
                    now == relation::outgoing ? relation::friends : relation::incoming);
    },
    [self](friend_accept_atom, const std::string& other) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto now = st.state_of(other);
      if (now == relation::friends)
        return std::string{now};
      if (now != relation::incoming)
        return make_error(errc::not_found, other + " has not asked to be your friend");
      return change(self, other, relation::friends);
    },
    [self](relation_drop_atom, const std::string& other) -> caf::result<std::string> {
      self->state.touch();
      if (self->state.state_of(other) == relation::blocked)
        return std::string{relation::blocked};
      return change(self, other, relation::none);
    },
    [self](block_atom, const std::string& other) -> caf::result<std::string> {
      self->state.touch();
      return change(self, other, relation::blocked);
    },
    [self](unblock_atom, const std::string& other) -> caf::result<std::string> {
      self->state.touch();
      if (self->state.state_of(other) != relation::blocked)
        return std::string{self->state.state_of(other)};
      return change(self, other, relation::none);
    },
    [self](relation_mirror_atom, const std::string& other,
           const std::string& state) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto now = st.state_of(other);
      if (now == relation::blocked)
        return std::string{now};
      if (state == relation::friends)
        return change(self, other, relation::friends);
      if (state == relation::outgoing)  // they asked us
        return change(self, other, relation::incoming);
      if (state == relation::incoming)  // they hold our request
        return change(self, other, relation::outgoing);
      if (state == relation::none)
        return change(self, other, relation::none);
      return make_error(errc::invalid_argument, "cannot mirror '" + state + "'");
    },
    [self](get_atom) -> relations_view { return self->state.answer_read(self, self->state.view); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_relations_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock) {
  kinds.factories["relations"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& user) {
      return sys.spawn(relations_behavior, registry, &store, user, &clock);
    };
}

}  // namespace aethex::actors
