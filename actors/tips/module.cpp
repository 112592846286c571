// The tips domain: tips/<channel> (tips, alerts, the campaign, gift bundles), its routes and
// console adapter. Sells through payments/<provider>; its messages carry only built-in types.
#include "actors/tips/internal.hpp"
#include "actors/tips/tips.hpp"

namespace aethex::actors {
namespace {

class tips_domain final : public domain_module {
 public:
  std::string_view name() const override { return "tips"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_tips_kind(kinds, *env.store, *env.clock);
  }
  void add_console(console::adapter_table& adapters) const override {
    adapters.add(tips_adapter());
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_tips_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> tips_module() { return std::make_unique<tips_domain>(); }

}  // namespace aethex::actors
