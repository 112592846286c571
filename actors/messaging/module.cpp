// The messaging domain: friends and blocks (relations/<user>), direct-message conversations
// (dm/<a.b>) with their read model, the node's "messages" topic for live delivery, the routes
// and the console adapters.
#include "actors/messaging/dm_projection.hpp"
#include "actors/messaging/dm_thread.hpp"
#include "actors/messaging/internal.hpp"
#include "actors/messaging/message_hub.hpp"
#include "actors/messaging/relations.hpp"

namespace aethex::actors {
namespace {

class messaging_domain final : public domain_module {
 public:
  std::string_view name() const override { return "messaging"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<relation_entry>("aethex::relation_entry");
    cfg.add_message_type<std::vector<relation_entry>>("std::vector<aethex::relation_entry>");
    cfg.add_message_type<relations_view>("aethex::relations_view");
    cfg.add_message_type<dm_message>("aethex::dm_message");
    cfg.add_message_type<dm_thread_view>("aethex::dm_thread_view");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_relations_kind(kinds, *env.store, *env.clock);
    add_dm_thread_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<dm_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries["messaging.dm_threads"] = dm_threads_query;
    queries["messaging.dm_history"] = dm_history_query;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(relations_adapter());
    adapters.add(dm_thread_adapter());
  }

  void start(node_env& env) const override {
    auto hub = spawn_message_hub(*env.sys, {env.node_id, env.registry, env.publish});
    env.services->add("topic:" + std::string{messages_topic}, hub);
    env.services->add(std::string{message_push_topic}, hub);
    env.services->add(std::string{presence_topic}, hub);
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_friend_routes(routes, env);
    add_dm_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> messaging_module() { return std::make_unique<messaging_domain>(); }

}  // namespace aethex::actors
