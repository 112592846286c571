// The ledger domain's own parts, for its module.cpp; other domains include ledger.hpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// admin/ledger/accounts, admin/ledger/transfers, admin/ledger/accounts/{account}[/entries].
void add_ledger_routes(route_table& routes, const node_env& env);

/// ledger/<name> in the console: get, tick, account.
console::adapter ledger_adapter();

}  // namespace aethex::actors
