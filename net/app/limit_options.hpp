// `aethex serve` options for the node's resource limits (runtime::node_limits). Like every serve
// option they may also come from the config file (docs/aethex.example.toml), without the "--".
#pragma once

#include "runtime/limits.hpp"

namespace CLI {
class App;
}

namespace aethex::app {

void add_limit_options(CLI::App& serve, runtime::node_limits& limits);

}  // namespace aethex::app
