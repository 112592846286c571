// Routes of the node itself (health, cluster), in the same table as the modules' routes.
#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/core/route.hpp"
#include "runtime/clock.hpp"

namespace aethex::app {

class read_models;

struct node_route_context {
  caf::actor_system* sys = nullptr;
  caf::actor membership;  // null when standalone
  std::string node_id;
  std::shared_ptr<read_models> read_model;
  caf::actor services;                          // this node's services (net/app/node_services.hpp)
  runtime::offset_clock* test_clock = nullptr;  // set with `serve --test-clock`
};

/// GET health, POST admin/test-clock, GET cluster, POST cluster/drain, GET admin/overview, and GET
/// openapi.json describing every route in `routes` (so add the modules' routes first).
void add_node_routes(actors::route_table& routes, const node_route_context& ctx);

}  // namespace aethex::app
