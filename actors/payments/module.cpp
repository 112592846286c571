// The payments domain: the provider entity payments/<provider> (checkouts, the sandbox's cards,
// booking in the ledger, fulfilment, refunds, disputes), Stripe's webhook endpoint and
// payment_events/stripe, the deduplicated record of what Stripe told the platform
// (docs/payments.md, docs/monetization.md).
#include "actors/core/entity_ref.hpp"
#include "actors/payments/internal.hpp"
#include "actors/payments/payment_events.hpp"
#include "actors/payments/provider.hpp"

namespace aethex::actors {
namespace {

class payments_domain final : public domain_module {
 public:
  std::string_view name() const override { return "payments"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_payment_event_kinds(kinds, *env.store, *env.clock);
    if (env.config)
      add_payment_provider_kind(kinds, *env.store, *env.config, *env.clock, env.send_http);
  }
  // Waiting fulfilments and holds resume after a restart: the provider activates and ticks.
  void start(node_env& env) const override {
    if (env.config)
      entity_ref<payments_protocol>{env.registry, payment_provider_id(*env.config)}.tell(
        payment_tick_atom::value);
  }
  void add_console(console::adapter_table& adapters) const override {
    adapters.add(payments_adapter());
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_payment_routes(routes, env);
    add_pay_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> payments_module() { return std::make_unique<payments_domain>(); }

}  // namespace aethex::actors
