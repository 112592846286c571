// The raid domain: raid/<channel> (countdown, raids in and out, settings), its routes and its
// console adapter. Reads the channel and social domains; shows its frames through chat rooms.
#include "actors/raid/internal.hpp"
#include "actors/raid/raid.hpp"

namespace aethex::actors {
namespace {

class raid_domain final : public domain_module {
 public:
  std::string_view name() const override { return "raid"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<raid_status>("aethex::raid_status");
    cfg.add_message_type<raid_settings>("aethex::raid_settings");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_raid_kind(kinds, *env.store, *env.clock);
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(raid_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_raid_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> raid_module() { return std::make_unique<raid_domain>(); }

}  // namespace aethex::actors
