#include "actors/notify/inbox.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

struct inbox_read {
  static constexpr std::string_view type = "inbox.read";
  static constexpr std::uint32_t schema = 1;
  std::int64_t up_to_ms = 0;
};
void to_json(json& j, const inbox_read& e) { j = json{{"up_to_ms", e.up_to_ms}}; }
void from_json(const json& j, inbox_read& e) { e.up_to_ms = j.value("up_to_ms", std::int64_t{0}); }

struct inbox_state {
  static constexpr std::string_view kind = "inbox";
  static inline const char* name = "inbox";
  using events = event_list<inbox_read>;

  inbox_view view;

  void apply(const inbox_read& e, const event_meta&) {
    view.read_up_to_ms = std::max(view.read_up_to_ms, e.up_to_ms);
  }
  // One number is the whole state: a snapshot keeps activation at one read however often the
  // user opened the bell.
  std::string snapshot() const { return std::to_string(view.read_up_to_ms); }
  void restore(const std::string& text) { view.read_up_to_ms = std::stoll(text); }
};

using inbox_actor = caf::stateful_actor<event_sourced<inbox_state>>;

constexpr std::uint64_t snapshot_every = 32;

caf::behavior inbox_behavior(inbox_actor* self, caf::actor registry, storage::event_store* store,
                             std::string user, const runtime::clock* clock) {
  auto& st = self->state;
  st.view.user = user;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, user, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](get_atom) -> inbox_view { return self->state.answer_read(self, self->state.view); },
    [self](mark_read_atom, std::int64_t up_to_ms) -> caf::result<inbox_view> {
      auto& st = self->state;
      st.touch();
      if (up_to_ms <= 0)
        up_to_ms = st.clock().now_ms();
      if (up_to_ms <= st.view.read_up_to_ms)
        return st.view;
      if (auto err = st.emit(inbox_read{up_to_ms}))
        return err;
      return st.view;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_inbox_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                    const runtime::clock& clock) {
  kinds.factories["inbox"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                              const std::string& user) {
    return sys.spawn(inbox_behavior, registry, &store, user, &clock);
  };
}

}  // namespace aethex::actors
