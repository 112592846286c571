// The overlays domain (docs/obs.md): overlays/<channel> (the overlay token, now playing) and its
// routes. Tells the channel's chat room about now-playing changes; its messages carry only
// built-in types. No console adapter: the one thing it keeps worth looking at is the token,
// which the console must not show.
#include "actors/overlays/internal.hpp"
#include "actors/overlays/overlays.hpp"

namespace aethex::actors {
namespace {

class overlays_domain final : public domain_module {
 public:
  std::string_view name() const override { return "overlays"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_overlays_kind(kinds, *env.store, *env.clock);
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_overlays_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> overlays_module() { return std::make_unique<overlays_domain>(); }

}  // namespace aethex::actors
