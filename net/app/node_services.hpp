// Node-level services other members call: read-model queries across a cluster, this node's
// load, relays of streams ingested here, and console commands run on the node that owns their
// entity.
//
// Read models across a cluster: each node's SQLite read model holds the entities whose events
// it stores, plus stale rows of entities whose partition moved away; so every member answers a
// query for the partitions it owns, and the node asked gathers the answers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/module.hpp"
#include "net/app/response_cache.hpp"

namespace aethex::app {

class read_models;

/// Another member's read models applied events of these entity kinds (response_cache).
using changed_atom = caf::atom_constant<caf::atom("rmchanged")>;

/// This node's services actor, published to members as member_info::services:
///  (query_atom, name, args_json, partitions) -> rows (JSON array text) of the partitions given
///  (changed_atom, kinds) -> invalidates this node's cached API answers that depend on them
///  (runtime::load_atom) -> {chat sockets, streams}
///  (overview_atom) -> {live channels ingested here, their viewers, ingest kbit/s,
///                      chat messages/s × 1000 over the last 5 s}
///  (media::relay_atom, channel, sink) -> a relay source of a stream ingested here
///  (console_atom, words) -> the node's console service's answer
///  (publish_atom, topic, payload) -> the same to the local service named topic
caf::actor spawn_node_services(caf::actor_system& sys, std::shared_ptr<read_models> read_model,
                               caf::actor media,
                               std::shared_ptr<actors::service_directory> services,
                               std::shared_ptr<response_cache> cache = nullptr);

/// Tells every other member's services that events of `kinds` were applied here.
void announce_changes(caf::actor_system& sys, const caf::actor& membership,
                      std::string self_node_id, std::vector<std::string> kinds);

/// actors::node_env::publish: (publish_atom, topic, payload) to every member's services actor
/// (only `local_services` when `membership` is null).
void publish_to_members(caf::actor_system& sys, const caf::actor& membership,
                        const caf::actor& local_services, std::string topic, std::string payload);

/// Runs read query `name` on every member for the partitions it owns (on this node alone, for
/// every partition, when `membership` is null); `done` runs on a CAF thread with all rows, or an
/// error when a member does not answer.
void query_read_models(caf::actor_system& sys, const caf::actor& membership,
                       std::shared_ptr<read_models> read_model, std::string name,
                       nlohmann::json args,
                       std::function<void(caf::expected<std::vector<nlohmann::json>>)> done);

}  // namespace aethex::app
