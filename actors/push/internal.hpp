// The push domain's own parts, for its module.cpp and routes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <caf/actor.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// Why a push endpoint is refused, or nullopt. Push services are public https origins; a
/// node started with --push-allow-private (tests, development) also takes http and https to
/// loopback and private addresses.
std::optional<std::string> push_endpoint_problem(std::string_view url, bool allow_private);

/// GET push/vapid-key, POST/GET me/push-subscriptions, DELETE me/push-subscriptions/{id}.
void add_push_routes(route_table& routes, const node_env& env);

/// The node's sender ("push.sender"): (publish_atom, push_notice_topic, notice JSON) from the
/// notify dispatcher; sends one encrypted push per subscribed device of each follower with
/// notifications on — or, for a personal notice (one with "users", a lesson reminder), of each
/// of its users — and forgets subscriptions the push service says are gone (404/410).
caf::actor spawn_push_sender(caf::actor_system& sys, const node_env& env);

}  // namespace aethex::actors
