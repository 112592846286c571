// The payments domain's own parts, for its module.cpp.
#pragma once

#include "actors/core/module.hpp"

namespace aethex::actors {

/// POST payments/stripe/webhook.
void add_payment_routes(route_table& routes, const node_env& env);
/// The console's commands of kind "payments".
console::adapter payments_adapter();
/// The pay page's routes, saved cards, history, test cards, refunds and disputes.
void add_pay_routes(route_table& routes, const node_env& env);

}  // namespace aethex::actors
