// The chat domain: rooms (chat/<channel>), their activity read model (chat velocity), the
// node's fan-out hub ("chat.hub", which the chat WebSocket front end finds in the service
// directory) and the console adapter.
#include "actors/chat/chat_activity.hpp"
#include "actors/chat/chat_fanout.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/chat/chat_user_messages.hpp"
#include "actors/chat/internal.hpp"
#include "actors/chat/moderation_routes.hpp"
#include "actors/core/module.hpp"

namespace aethex::actors {
namespace {

class chat_domain final : public domain_module {
 public:
  std::string_view name() const override { return "chat"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<chat_command>("aethex::chat_command");
    cfg.add_message_type<chat_settings_patch>("aethex::chat_settings_patch");
    cfg.add_message_type<chat_ack>("aethex::chat_ack");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    chat_options options;
    options.clock = env.clock;
    add_chat_kind(kinds, *env.store, options);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<chat_activity>());
    runner.add(std::make_unique<chat_user_messages>());
  }

  void add_queries(read_query_table& queries) const override {
    queries["chat.velocity"] = chat_velocity_query;
    queries["chat.user_messages"] = chat_user_messages_query;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(console::chat_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_moderation_routes(routes, env);
  }

  void start(node_env& env) const override {
    env.services->add(std::string{service_names::chat_hub}, spawn_chat_hub(*env.sys, env.registry));
  }
};

}  // namespace

std::unique_ptr<domain_module> chat_module() { return std::make_unique<chat_domain>(); }

}  // namespace aethex::actors
