// The notify domain: go-live notices (notices projection), each user's inbox read mark
// (inbox/<user>), the node's hub that pushes notices to subscribed page connections, the
// dispatcher that publishes fresh notices and sends e-mail, the inbox routes and the console
// adapter. Reads the social domain's follows.
#include <mutex>

#include <caf/all.hpp>

#include "actors/notify/inbox.hpp"
#include "actors/notify/internal.hpp"
#include "actors/notify/notices.hpp"
#include "actors/notify/notify_hub.hpp"
#include "actors/social/follows.hpp"

namespace aethex::actors {
namespace {

// The projection exists before the dispatcher it hands fresh notices to (projections are added
// before modules start): it finds the dispatcher here once start() put it in. A weak address:
// the module outlives the actor system.
struct dispatcher_slot {
  std::mutex mutex;
  caf::actor_addr dispatcher;
};

class notify_domain final : public domain_module {
 public:
  std::string_view name() const override { return "notify"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<inbox_view>("aethex::inbox_view");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_inbox_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<notices_projection>(
      [slot = slot_](const notice& n) {
        std::lock_guard lock(slot->mutex);
        if (auto dispatcher = caf::actor_cast<caf::actor>(slot->dispatcher))
          caf::anon_send(dispatcher, fresh_notice_atom::value, to_json(n).dump());
      },
      [] { return runtime::system_clock().now_ms(); }));
  }

  void add_queries(read_query_table& queries) const override {
    queries["notify.notices"] = notices_query;
    queries["notify.personal"] = personal_notices_query;
    queries["notify.email_followers"] = email_followers_query;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(inbox_adapter());
  }

  void start(node_env& env) const override {
    auto hub = spawn_notify_hub(*env.sys, env.registry);
    for (const auto& name : {"topic:" + std::string{notifications_topic}, std::string{notice_topic},
                             std::string{follows_changed_topic}})
      env.services->add(name, hub);
    auto dispatcher = spawn_notify_dispatcher(*env.sys, env);
    env.services->add("notify.dispatcher", dispatcher);
    std::lock_guard lock(slot_->mutex);
    slot_->dispatcher = dispatcher.address();
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_notify_routes(routes, env);
  }

 private:
  std::shared_ptr<dispatcher_slot> slot_ = std::make_shared<dispatcher_slot>();
};

}  // namespace

std::unique_ptr<domain_module> notify_module() { return std::make_unique<notify_domain>(); }

}  // namespace aethex::actors
