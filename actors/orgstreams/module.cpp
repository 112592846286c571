// The orgstreams domain (docs/organisations.md): orgstreams/<slug> — an org's shared moderators,
// shared bans, go-live rules with member stream keys and its schedule — pushed to the org's chat
// rooms; its routes (policy, iCal, live streamers, org analytics) and console adapter. Its
// messages carry only built-in types.
#include "actors/orgstreams/internal.hpp"
#include "actors/orgstreams/orgstreams.hpp"

namespace aethex::actors {
namespace {

class orgstreams_domain final : public domain_module {
 public:
  std::string_view name() const override { return "orgstreams"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_orgstreams_kind(kinds, *env.store, *env.clock);
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(orgstreams_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_orgstreams_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> orgstreams_module() { return std::make_unique<orgstreams_domain>(); }

}  // namespace aethex::actors
