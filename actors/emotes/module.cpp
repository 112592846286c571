// The emotes domain: emotes/<channel> (a channel's custom emotes) and emote_image/<c>.<id> (their
// images), the read model of recent uploads for operators, routes and the console adapter. Tells
// chat rooms the codes; its messages carry only built-in types.
#include "actors/emotes/emotes.hpp"
#include "actors/emotes/emotes_read_model.hpp"
#include "actors/emotes/internal.hpp"

namespace aethex::actors {
namespace {

class emotes_domain final : public domain_module {
 public:
  std::string_view name() const override { return "emotes"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_emote_kinds(kinds, *env.store, *env.clock);
  }
  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<emotes_projection>());
  }
  void add_queries(read_query_table& queries) const override { add_emote_queries(queries); }
  void add_console(console::adapter_table& adapters) const override {
    adapters.add(emotes_adapter());
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_emote_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> emotes_module() { return std::make_unique<emotes_domain>(); }

}  // namespace aethex::actors
