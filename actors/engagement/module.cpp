// The engagement domain: engagement/<channel> (channel points, custom rewards, predictions, the
// hype train), its routes and its console adapter. Hears follows on a node topic, so the social
// domain knows nothing of it; shows its frames through chat rooms.
#include "actors/engagement/engagement.hpp"
#include "actors/engagement/internal.hpp"

namespace aethex::actors {
namespace {

class engagement_domain final : public domain_module {
 public:
  std::string_view name() const override { return "engagement"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_engagement_kind(kinds, *env.store, *env.clock);
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(engagement_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_engagement_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> engagement_module() { return std::make_unique<engagement_domain>(); }

}  // namespace aethex::actors
