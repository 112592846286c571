// The bots domain (docs/bots.md): bot/<channel>, a channel's scripted bot (Lua 5.4 in a
// sandbox), its routes, its console adapter, and the projection that hands public events to the
// bots that are on. Bot accounts (a user flagged as a bot) are the identity domain's. Its
// messages carry only built-in types.
#include <chrono>
#include <mutex>

#include <caf/all.hpp>

#include "actors/bots/bot.hpp"
#include "actors/bots/internal.hpp"
#include "actors/bots/projection.hpp"
#include "actors/core/entity_ref.hpp"

namespace aethex::actors {
namespace {

// The projection exists before the registry it hands events through is known to modules'
// start(): it finds it here. A weak address: the module outlives the actor system.
struct bots_registry_slot {
  std::mutex mutex;
  caf::actor_addr registry;
};

class bots_domain final : public domain_module {
 public:
  std::string_view name() const override { return "bots"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_bot_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<bots_projection>(
      [slot = slot_](const std::string& channel, const std::string& type, std::string data) {
        caf::actor registry;
        {
          std::lock_guard lock(slot->mutex);
          registry = caf::actor_cast<caf::actor>(slot->registry);
        }
        if (registry)
          entity_ref<bot_protocol>{registry, channel}.tell(bot_event_atom::value, type,
                                                           std::move(data));
      },
      [] { return runtime::system_clock().now_ms(); }));
  }

  void add_queries(read_query_table& queries) const override {
    queries["bots.enabled"] = enabled_bots;
  }

  void add_console(console::adapter_table& adapters) const override { adapters.add(bot_adapter()); }

  // Bots that are on start listening when their node starts (an entity activates on a message).
  void start(node_env& env) const override {
    {
      std::lock_guard lock(slot_->mutex);
      slot_->registry = env.registry.address();
    }
    env.sys->spawn([env](caf::event_based_actor* self) {
      self->delayed_send(self, std::chrono::seconds(1), bot_wake_atom::value);
      return caf::behavior{[env, self](bot_wake_atom) {
        env.query("bots.enabled", nlohmann::json::object(),
                  [env](caf::expected<std::vector<nlohmann::json>> rows) {
                    if (rows)
                      for (const auto& row : *rows)
                        entity_ref<bot_protocol>{env.registry, row.value("channel", "")}.tell(
                          bot_wake_atom::value);
                  });
        self->quit();
      }};
    });
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_bot_routes(routes, env);
  }

 private:
  std::shared_ptr<bots_registry_slot> slot_ = std::make_shared<bots_registry_slot>();
};

}  // namespace

std::unique_ptr<domain_module> bots_module() { return std::make_unique<bots_domain>(); }

}  // namespace aethex::actors
