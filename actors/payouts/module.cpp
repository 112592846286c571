// The payouts domain: payouts/<channel> (holds, payout requests, tax form), the payouts read
// model (statements, CSV, the analytics revenue source), routes, the console adapter, and a
// node-local waker: a channel whose holds wait for days passivates, and after a restart nothing
// would activate it, so every minute the waker asks the read model for channels with a hold due
// on the node's clock or a payout in flight and ticks them.
#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/payouts/internal.hpp"
#include "actors/payouts/payouts.hpp"
#include "actors/payouts/payouts_read_model.hpp"

namespace aethex::actors {
namespace {

using payout_wake_atom = caf::atom_constant<caf::atom("payoutwake")>;
constexpr auto first_wake = std::chrono::seconds(5);
constexpr auto wake_every = std::chrono::minutes(1);

caf::behavior payout_waker(caf::event_based_actor* self, node_env env) {
  self->delayed_send(self, first_wake, payout_wake_atom::value);
  return {
    [self, env](payout_wake_atom) {
      env.query(std::string{payout_queries::open_channels},
                nlohmann::json{{"now", env.clock->now_ms()}},
                [registry = env.registry](caf::expected<std::vector<nlohmann::json>> rows) {
                  if (!rows)
                    return;
                  for (auto& r : *rows)
                    entity_ref<payouts_protocol>{registry, r.value("channel", "")}.tell(
                      payout_tick_atom::value);
                });
      self->delayed_send(self, wake_every, payout_wake_atom::value);
    },
  };
}

class payouts_domain final : public domain_module {
 public:
  std::string_view name() const override { return "payouts"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_payouts_kind(kinds, *env.store, *env.clock, payout_settings_of(*env.config), env.send_http);
  }
  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<payouts_projection>());
  }
  void add_queries(read_query_table& queries) const override { add_payout_queries(queries); }
  void add_console(console::adapter_table& adapters) const override {
    adapters.add(payouts_adapter());
  }
  void start(node_env& env) const override {
    env.services->add("payouts.waker", env.sys->spawn(payout_waker, env));
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_payout_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> payouts_module() { return std::make_unique<payouts_domain>(); }

}  // namespace aethex::actors
