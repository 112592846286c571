// The node's "messages" topic: the signed-in page connections on this node that subscribed to
// it, by user. A push published on message_push_topic (to every member) reaches each of the
// named users' connections here, encoded once: direct messages and friend changes arrive live
// wherever the user's pages are connected.
//
// Presence: a user with a subscribed page on any member is online. Each hub tells every member
// when a user's first page here opens or the last one closes (presence_topic), so every hub
// knows who is online cluster-wide; the hub where the change happened pushes {"type":
// "friend_presence","user","online"} to the user's friends. Best effort: a member that joins later
// learns of users as they come and go, and a member that dies leaves its users online until
// they reconnect somewhere.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

namespace aethex::actors {

/// node_env::publish topic: {"users":[names], "frame":{...}}.
inline constexpr std::string_view message_push_topic = "messaging.push";
/// The topic pages subscribe to ("subscribe" frames).
inline constexpr std::string_view messages_topic = "messages";
/// node_env::publish topic: {"user","node","online"}.
inline constexpr std::string_view presence_topic = "messaging.presence";
/// Users one push may name (a DM names two, a presence change the friends online; more is a
/// caller's bug, not a broadcast channel).
inline constexpr std::size_t max_push_users = 2000;

using online_atom = caf::atom_constant<caf::atom("online")>;

/// What the hub needs from its node: its id, the registry (friends of a user) and publish.
struct message_hub_env {
  std::string node;
  caf::actor registry;
  std::function<void(std::string topic, std::string payload)> publish;
};

/// (topic_sub_atom, user, connection), (topic_unsub_atom, connection), (publish_atom, topic,
/// payload) for message_push_topic and presence_topic; connections get (topic_push_atom,
/// frame). (online_atom, users) -> the ones online. `metrics_atom` answers the connections and
/// the users online cluster-wide.
caf::actor spawn_message_hub(caf::actor_system& sys, message_hub_env env);

}  // namespace aethex::actors
