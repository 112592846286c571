// developer/<user>: the apps a user registered, for GET /me/apps and the per-user bound
// (apps.hpp). Kept beside the apps themselves so the bound holds at once, not when a read model
// catches up.
#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/apps/apps.hpp"
#include "actors/apps/internal.hpp"
#include "actors/core/event_sourced.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct dev_app_added {
  static constexpr std::string_view type = "developer.app_added";
  static constexpr std::uint32_t schema = 1;
  std::string client_id;
  json app;  // {"name","redirect_uris"}
};
void to_json(json& j, const dev_app_added& e) {
  j = json{{"client_id", e.client_id},
           {"name", e.app.value("name", "")},
           {"redirect_uris", e.app.value("redirect_uris", json::array())}};
}
void from_json(const json& j, dev_app_added& e) {
  e.client_id = j.value("client_id", "");
  e.app = json{{"name", j.value("name", "")},
               {"redirect_uris", j.value("redirect_uris", json::array())}};
}

struct dev_app_removed {
  static constexpr std::string_view type = "developer.app_removed";
  static constexpr std::uint32_t schema = 1;
  std::string client_id;
};
void to_json(json& j, const dev_app_removed& e) { j = json{{"client_id", e.client_id}}; }
void from_json(const json& j, dev_app_removed& e) { e.client_id = j.value("client_id", ""); }

struct developer_state {
  static constexpr std::string_view kind = "developer";
  using events = event_list<dev_app_added, dev_app_removed>;

  std::vector<json> apps;  // oldest first

  void apply(const dev_app_added& e, const event_meta& meta) {
    auto one = e.app;
    one["client_id"] = e.client_id;
    one["created_at_ms"] = meta.timestamp_ms;
    apps.push_back(std::move(one));
  }
  void apply(const dev_app_removed& e, const event_meta&) {
    std::erase_if(apps, [&](const json& a) { return a.value("client_id", "") == e.client_id; });
  }
};

using developer_actor = caf::stateful_actor<event_sourced<developer_state>>;

caf::behavior developer_behavior(developer_actor* self, caf::actor registry,
                                 storage::event_store* store, std::string user,
                                 const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, user, {registry, clock, 60s, 5min}))
    return self->state.refuse(self, std::move(err));
  return {
    [self](dev_add_atom, const std::string& client_id,
           const std::string& app) -> caf::result<bool> {
      auto& st = self->state;
      st.touch();
      if (st.apps.size() >= apps_limits::per_user)
        return make_error(errc::conflict, "an account registers at most 25 apps", "apps_full");
      auto parsed = json::parse(app, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        return make_error(errc::invalid_json, "bad app");
      if (auto err = st.emit(dev_app_added{client_id, parsed}))
        return err;
      return true;
    },
    [self](dev_remove_atom, const std::string& client_id) -> caf::result<bool> {
      auto& st = self->state;
      st.touch();
      if (std::none_of(st.apps.begin(), st.apps.end(),
                       [&](const json& a) { return a.value("client_id", "") == client_id; }))
        return st.answer_read(self, false);
      if (auto err = st.emit(dev_app_removed{client_id}))
        return err;
      return true;
    },
    [self](dev_list_atom) -> std::string {
      auto& st = self->state;
      auto out = json(st.apps).dump();
      return st.answer_read(self, out);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_app_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock) {
  add_app_kind(kinds, store, clock);
  kinds.factories["developer"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& id) {
      return sys.spawn(developer_behavior, registry, &store, id, &clock);
    };
}

}  // namespace aethex::actors
