// The notify domain's own parts, for its module.cpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// GET /api/v1/me/notifications, POST /api/v1/me/notifications/read.
void add_notify_routes(route_table& routes, const node_env& env);

/// inbox/<user> in the console: state, read.
console::adapter inbox_adapter();

}  // namespace aethex::actors
