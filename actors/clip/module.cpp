// The clip domain: clip/<id> (a viewer's cut of a VOD or of a live stream, rendered by the
// media layer's clip renderer), the clips read model, the routes and the console adapter.
// Reads the channel, social and vod domains.
#include "actors/clip/clip.hpp"
#include "actors/clip/clip_read_model.hpp"
#include "actors/clip/internal.hpp"

namespace aethex::actors {
namespace {

class clip_domain final : public domain_module {
 public:
  std::string_view name() const override { return "clip"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<clip_rendered>("aethex::clip_rendered");
    cfg.add_message_type<clip_view>("aethex::clip_view");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_clip_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<clips_projection>());
  }

  void add_queries(read_query_table& queries) const override { add_clip_queries(queries); }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(clip_adapter(slot_));
  }

  void start(node_env& env) const override {
    std::lock_guard lock{slot_->mutex};
    slot_->publish = env.publish;
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_clip_routes(routes, env);
  }

 private:
  std::shared_ptr<clip_console_slot> slot_ = std::make_shared<clip_console_slot>();
};

}  // namespace

std::unique_ptr<domain_module> clip_module() { return std::make_unique<clip_domain>(); }

}  // namespace aethex::actors
