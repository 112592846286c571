// Node-level services other members call: the channel directory across a cluster, and console
// commands run on the node that owns their entity.
//
// The channel directory across a cluster. Each node's SQLite read model holds the channels whose
// events it stores, plus stale rows of channels whose partition moved away; so every member
// answers for the partitions it owns, and the node asked merges the answers by name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "storage/channel_directory.hpp"

namespace aethex::app {

class read_models;

struct directory_query {
  bool live_only = false;
  std::size_t limit = 50;
  std::string after;  // names after this one
};

/// The public JSON of one directory row.
nlohmann::json directory_row_json(const storage::channel_directory::channel& row);

/// This node's query actor, published to members as member_info::services: directory pages,
/// load (load_atom -> {chat sockets, streams}), relays of streams ingested here (`media`: the
/// media supervisor) and console commands
/// (forwarded to the console actor it is given with (console_atom, actor)).
caf::actor spawn_node_services(caf::actor_system& sys, std::shared_ptr<read_models> read_model,
                               caf::actor media, caf::actor chat_hub);

/// One page of the directory over every member (each for its own partitions), ordered by name;
/// `done` runs on a CAF thread with the rows, or an error when a member does not answer.
void list_cluster_channels(caf::actor_system& sys, const caf::actor& membership,
                           directory_query query,
                           std::function<void(caf::expected<nlohmann::json>)> done);

}  // namespace aethex::app
