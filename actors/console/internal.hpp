// The console domain's own parts, for its module.cpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// POST /api/v1/admin/console {"argv": [...]}: one console command, admin only.
void add_console_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
