// `aethex serve`: one node — storage, actor system, media and network listeners — until a
// termination signal arrives.
#pragma once

#include "runtime/node_config.hpp"

namespace aethex::app {

/// Runs the node in the calling thread; returns the process exit status.
int run_node(const runtime::node_config& config);

}  // namespace aethex::app
