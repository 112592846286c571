// The orgs domain's own parts, for its module.cpp; other domains include orgs.hpp.
#pragma once

#include "actors/core/module.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

/// orgdomain/<host> (org_domain.cpp), added by add_org_kinds.
void add_org_domain_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock);

/// The org slug of the path, or a 404 answered (nullptr).
const std::string* org_param(const route_request& req, const route_reply& reply);
/// Asks org/<slug> to run `op` with `body` as the caller; answers the org JSON with `status`
/// (the pending invitations left out) or the error.
void run_org_command(const node_env& env, const route_request& req, const route_reply& reply,
                     std::string op, caf::expected<nlohmann::json> body, unsigned status);
/// Members, invitations, roles, transfer, channels, me/orgs, me/org-invitations.
/// A route that changes an org: open to app tokens with `channel:manage`.
inline void add_org_write_route(route_table& routes, http_method method, std::string pattern,
                                access need, route_handler handler, std::string summary) {
  routes.add(method, std::move(pattern), need, std::move(handler), std::move(summary)).scope =
    "channel:manage";
}

void add_org_member_routes(route_table& routes, const node_env& env);

/// orgs, orgs/{org}…, me/orgs, me/org-invitations, orgs/by-host.
void add_org_routes(route_table& routes, const node_env& env);

/// org/<slug> and orgdomain/<host> in the console.
console::adapter org_adapter();
console::adapter org_domain_adapter();

}  // namespace aethex::actors
