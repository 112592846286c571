// orgdomain/<host>: which org holds a custom domain. Uniqueness across orgs needs one place that
// decides; the read model cannot (it lags, and two writers could both see the host free), so the
// host is an entity of its own whose mailbox orders the claims. The org/<slug> entity keeps its
// domain too; the routes claim here first, then set it there, then release the old host. A claim
// left behind by a crash between those steps is taken over with the compare-and-set below once
// the caller has checked that the holder no longer uses the host.
//
// Events (JSON, schema 1): orgdomain.claimed {"org"}, orgdomain.released {"org"}.
#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/orgs/internal.hpp"
#include "actors/orgs/org_entity.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace domain_ev {
struct claimed {
  static constexpr std::string_view type = "orgdomain.claimed";
  static constexpr std::uint32_t schema = 1;
  std::string org;
};
struct released {
  static constexpr std::string_view type = "orgdomain.released";
  static constexpr std::uint32_t schema = 1;
  std::string org;
};
void to_json(json& j, const claimed& e) { j = json{{"org", e.org}}; }
void from_json(const json& j, claimed& e) { e.org = j.at("org").get<std::string>(); }
void to_json(json& j, const released& e) { j = json{{"org", e.org}}; }
void from_json(const json& j, released& e) { e.org = j.at("org").get<std::string>(); }
}  // namespace domain_ev

struct org_domain_state {
  static constexpr std::string_view kind = "orgdomain";
  static inline const char* name = "orgdomain";
  using events = event_list<domain_ev::claimed, domain_ev::released>;

  std::string holder;

  bool known() const { return !holder.empty(); }
  void apply(const domain_ev::claimed& e, const event_meta&) { holder = e.org; }
  void apply(const domain_ev::released&, const event_meta&) { holder.clear(); }
  std::string snapshot() const { return holder; }
  void restore(const std::string& text) { holder = text; }
};

using org_domain_entity = caf::stateful_actor<event_sourced<org_domain_state>>;

caf::behavior org_domain_behavior(org_domain_entity* self, caf::actor registry,
                                  storage::event_store* store, std::string host,
                                  const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  if (auto err = st.activate(self, *store, host, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](org_get_atom) -> std::string {
      auto& st = self->state;
      st.touch();
      (void)st.require_exists(self, caf::none);
      return st.holder;
    },
    [self](org_claim_atom, const std::string& slug,
           const std::string& stale_holder) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      bool free = st.holder.empty() || (!stale_holder.empty() && st.holder == stale_holder);
      if (st.holder != slug && free)
        if (auto err = st.emit(domain_ev::claimed{slug}))
          return err;
      return st.holder;
    },
    [self](org_release_atom, const std::string& slug) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.holder.empty() && st.holder == slug)
        if (auto err = st.emit(domain_ev::released{slug}))
          return err;
      (void)st.require_exists(self, caf::none);
      return st.holder;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_org_domain_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock) {
  kinds.factories["orgdomain"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& host) {
      return sys.spawn(org_domain_behavior, registry, &store, host, &clock);
    };
}

}  // namespace aethex::actors
