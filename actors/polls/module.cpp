// The polls domain: poll/<channel> (the active poll, its votes, the archive), its routes and its
// console adapter. Asks chat rooms for roles, spends channel points through engagement/<channel>
// and shows live results through the chat room. Its messages carry only built-in types.
#include "actors/polls/internal.hpp"
#include "actors/polls/polls.hpp"

namespace aethex::actors {
namespace {

class polls_domain final : public domain_module {
 public:
  std::string_view name() const override { return "polls"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_poll_kind(kinds, *env.store, *env.clock);
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(poll_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_poll_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> polls_module() { return std::make_unique<polls_domain>(); }

}  // namespace aethex::actors
