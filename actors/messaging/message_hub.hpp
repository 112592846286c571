// The node's "messages" topic: the signed-in page connections on this node that subscribed to
// it, by user. A push published on message_push_topic (to every member) reaches each of the
// named users' connections here, encoded once: direct messages and friend changes arrive live
// wherever the user's pages are connected.
#pragma once

#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace aethex::actors {

/// node_env::publish topic: {"users":[names], "frame":{...}}.
inline constexpr std::string_view message_push_topic = "messaging.push";
/// The topic pages subscribe to ("subscribe" frames).
inline constexpr std::string_view messages_topic = "messages";
/// Users one push may name (a DM names two; more is a caller's bug, not a broadcast channel).
inline constexpr std::size_t max_push_users = 16;

/// (topic_sub_atom, user, connection), (topic_unsub_atom, connection), (publish_atom, topic,
/// payload); connections get (topic_push_atom, frame). `metrics_atom` answers the connections.
caf::actor spawn_message_hub(caf::actor_system& sys);

}  // namespace aethex::actors
