// The webhooks domain: webhooks/<channel> (subscriptions, deliveries, log), the projection that
// brings the catalogue's events to it, and the routes. Reads every domain's events through the
// catalogue (catalogue.hpp); sends through node_env::send_http.
#include <mutex>

#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/webhooks/internal.hpp"
#include "actors/webhooks/projection.hpp"
#include "actors/webhooks/webhooks.hpp"

namespace aethex::actors {
namespace {

// The projection exists before the registry it hands events to (projections are added before
// modules start): it finds the registry and the node's clock here once start() put them in. A
// weak address: the module outlives the actor system.
struct registry_slot {
  std::mutex mutex;
  caf::actor_addr registry;
  const runtime::clock* clock = nullptr;
};

void hand_on(registry_slot& slot, const webhooks::public_event& e) {
  std::lock_guard lock(slot.mutex);
  if (auto registry = caf::actor_cast<caf::actor>(slot.registry))
    entity_ref<webhooks_protocol>{registry, e.channel}.tell(webhook_event_atom::value,
                                                            to_json(e).dump());
}

class webhooks_domain final : public domain_module {
 public:
  std::string_view name() const override { return "webhooks"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_webhooks_kind(kinds, env);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<webhooks::webhooks_projection>(
      [slot = slot_](const webhooks::public_event& e) { hand_on(*slot, e); },
      [slot = slot_] {
        std::lock_guard lock(slot->mutex);
        return (slot->clock ? *slot->clock : runtime::system_clock()).now_ms();
      }));
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(webhooks_adapter());
  }

  void start(node_env& env) const override {
    {
      std::lock_guard lock(slot_->mutex);
      slot_->registry = env.registry.address();
      slot_->clock = env.clock;
    }
    // What a crash may have kept from the entities (webhooks::reoffer_fresh_events).
    webhooks::reoffer_fresh_events(*env.store, env.clock->now_ms(),
                                   [this](const webhooks::public_event& e) { hand_on(*slot_, e); });
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_webhooks_routes(routes, env);
  }

 private:
  std::shared_ptr<registry_slot> slot_ = std::make_shared<registry_slot>();
};

}  // namespace

std::unique_ptr<domain_module> webhooks_module() { return std::make_unique<webhooks_domain>(); }

}  // namespace aethex::actors
