// The VOD domain: vod/<id> (a recorded live session), vodhold/<channel> (windows in which its
// recordings are born private), vodwatch/<user> (where a user stopped),
// the vods and vod_chat read models, the node's keeper of VOD files (deletes, retention), the
// routes and the console adapters. The media recorder (media/) reports recordings to vod/<id>.
#include "actors/vod/internal.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_hold.hpp"
#include "actors/vod/vod_keeper.hpp"
#include "actors/vod/vod_read_model.hpp"
#include "actors/vod/vod_watch.hpp"

namespace aethex::actors {
namespace {

class vod_domain final : public domain_module {
 public:
  std::string_view name() const override { return "vod"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<vod_recording>("aethex::vod_recording");
    cfg.add_message_type<vod_view>("aethex::vod_view");
    cfg.add_message_type<watch_entry>("aethex::watch_entry");
    cfg.add_message_type<std::vector<watch_entry>>("std::vector<aethex::watch_entry>");
    cfg.add_message_type<vodwatch_view>("aethex::vodwatch_view");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_vod_kind(kinds, *env.store, *env.clock);
    add_vod_hold_kind(kinds, *env.store, *env.clock);
    add_vodwatch_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<vods_projection>());
    runner.add(std::make_unique<vod_chat_projection>());
  }

  void add_queries(read_query_table& queries) const override { add_vod_queries(queries); }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(vod_adapter(slot_));
    adapters.add(vod_keeper_adapter(slot_));
  }

  void start(node_env& env) const override {
    auto keeper = spawn_vod_keeper(*env.sys, env);
    env.services->add(std::string{vod_keeper_name}, keeper);
    std::lock_guard lock{slot_->mutex};
    slot_->keeper = keeper.address();
    slot_->publish = env.publish;
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_vod_routes(routes, env);
  }

 private:
  std::shared_ptr<vod_console_slot> slot_ = std::make_shared<vod_console_slot>();
};

}  // namespace

std::unique_ptr<domain_module> vod_module() { return std::make_unique<vod_domain>(); }

}  // namespace aethex::actors
