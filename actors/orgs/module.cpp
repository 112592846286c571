// The orgs domain (docs/organisations.md): org/<slug> (members with roles, invitations,
// channels, branding, logo, custom domain), orgdomain/<host> (who holds a custom domain), the
// read model of members, channels and invitations, the routes and the console. Asks user/<name>
// whether an invited user exists and channel/<name> who owns a channel; other domains read org
// roles through orgs.hpp. Its messages carry only built-in types.
#include "actors/orgs/internal.hpp"
#include "actors/orgs/org_entity.hpp"
#include "actors/orgs/orgs_projection.hpp"

namespace aethex::actors {
namespace {

class orgs_domain final : public domain_module {
 public:
  std::string_view name() const override { return "orgs"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_org_kinds(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<orgs_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries[std::string{orgs_of_channel_query}] = orgs_of_channel;
    queries[std::string{orgs_of_user_query}] = orgs_of_user;
    queries[std::string{orgs_list_query}] = orgs_list;
    queries[std::string{orgs_invitations_query}] = orgs_invitations_of;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(org_adapter());
    adapters.add(org_domain_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_org_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> orgs_module() { return std::make_unique<orgs_domain>(); }

}  // namespace aethex::actors
