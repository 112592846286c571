// The channel domain: channels (channel/<name>), their broadcasts (stream/<channel>-<session>),
// the channel directory read model, the console adapter and the channel routes.
#include "actors/channel/channel.hpp"
#include "actors/channel/channel_directory.hpp"
#include "actors/channel/channel_search.hpp"
#include "actors/channel/internal.hpp"
#include "actors/channel/stream_session.hpp"

namespace aethex::actors {
namespace {

class channel_domain final : public domain_module {
 public:
  std::string_view name() const override { return "channel"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<channel_view>("aethex::channel_view");
    cfg.add_message_type<stream_health>("aethex::stream_health");
    cfg.add_message_type<stream_session_view>("aethex::stream_session_view");
    cfg.add_message_type<health_sample>("aethex::health_sample");
    cfg.add_message_type<std::vector<health_sample>>("std::vector<aethex::health_sample>");
    cfg.add_message_type<health_history>("aethex::health_history");
    cfg.add_message_type<stream_ending>("aethex::stream_ending");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_channel_kind(kinds, *env.store, *env.clock);
    add_stream_session_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<channel_directory>());
  }

  void add_queries(read_query_table& queries) const override {
    queries["channel.directory"] = directory_page;
    queries["channel.search"] = search_query;
    queries["channel.categories"] = categories_query;
    queries["channel.live_rows"] = live_rows_query;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(channel_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_channel_routes(routes, env);
    add_stream_manager_routes(routes, env);
    add_search_route(routes, env);
    add_discovery_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> channel_module() { return std::make_unique<channel_domain>(); }

}  // namespace aethex::actors
