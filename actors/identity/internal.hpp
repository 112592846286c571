// The identity domain's own parts, for its module.cpp; other domains include user.hpp,
// session.hpp or resolver.hpp instead.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// /api/v1/auth/{signup,login,logout}, /api/v1/me, /api/v1/users/{name}.
void add_identity_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
