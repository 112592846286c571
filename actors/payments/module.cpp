// The payments domain: Stripe's webhook endpoint and payment_events/stripe, the deduplicated
// record of what Stripe told the platform (docs/payments.md). The ledger, a sandbox provider
// and subscriptions build on it.
#include "actors/payments/internal.hpp"
#include "actors/payments/payment_events.hpp"

namespace aethex::actors {
namespace {

class payments_domain final : public domain_module {
 public:
  std::string_view name() const override { return "payments"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_payment_event_kinds(kinds, *env.store, *env.clock);
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_payment_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> payments_module() { return std::make_unique<payments_domain>(); }

}  // namespace aethex::actors
