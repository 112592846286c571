// The orgstreams domain's own parts, for its module.cpp; other domains include orgstreams.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// orgs/{slug}/streams…, orgs/{slug}/schedule…, orgs/{slug}/live, orgs/{slug}/analytics….
void add_orgstreams_routes(route_table& routes, const node_env& env);

/// GET orgs/{slug}/analytics (csv: analytics.csv) for a caller the route checked.
void org_analytics(const node_env& env, route_request&& req, route_reply reply, bool csv);

/// orgstreams/<slug> in the console: get (the policy as the site admin sees it), ics, live, sync.
console::adapter orgstreams_adapter();

}  // namespace aethex::actors
