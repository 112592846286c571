// The node side of the admin console: turns one console command (its words) into registry
// messages and event-store reads, and answers with JSON.
//
// It runs as a detached actor because listing streams and reading events block on RocksDB; the
// entities themselves are reached asynchronously through the registry, so a slow entity never
// blocks other console commands. Authentication happens in front of it (net/app).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include "actors/console/redaction.hpp"
#include "runtime/atoms.hpp"
#include "actors/core/console_adapter.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using aethex::console_atom;

/// What `nodes` and `partitions` report about the node the console talks to. A single node owns
/// every entity; cluster membership extends this view.
struct console_node_info {
  std::string node_id;
  std::string http_address;  // "host:port" the node serves HTTP on
  std::int64_t started_at_ms = 0;
};

struct console_config {
  caf::actor registry;
  storage::event_store* store = nullptr;  // read-only use: stream listing and event reads
  console::adapter_table adapters;
  std::vector<std::string> kinds;  // entity kinds the registry can activate
  console_node_info node;
  caf::actor membership;  // cluster membership (runtime/cluster.hpp); null on a standalone node
};

/// Protocol:
///  (console_atom, std::vector<std::string> words) -> std::string (JSON text of the result)
///                                                   | error (invalid_argument, not_found, …)
/// Words are one command line already split, e.g. {"ask", "channel/alice", "status"}.
caf::actor spawn_console_service(caf::actor_system& sys, console_config config);

/// JSON help of every node-side command and every adapter (what `help` prints).
nlohmann::json console_help(const console::adapter_table& adapters);

}  // namespace aethex::actors
