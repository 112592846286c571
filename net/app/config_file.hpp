// `aethex serve --config FILE`: flat TOML (key = value, # comments) whose keys are the long
// flag names. Values given on the command line win over the file.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "runtime/node_config.hpp"

namespace CLI {
class App;
}

namespace aethex::app {

/// The options of `aethex serve` (the keys a config file may set), bound to `config`.
void add_serve_options(CLI::App& serve, runtime::node_config& config);

/// Applies the file's values to options of `command` not given on the command line.
/// Throws std::runtime_error naming the file and line on unknown keys or bad values.
void apply_config_file(CLI::App& command, const std::filesystem::path& file);

/// Settles what depends on several sources once the command line and the config file are
/// read: secrets (flag, else --cluster-secret-file / --srt-passphrase-file, else
/// AETHEX_CLUSTER_SECRET / AETHEX_SRT_PASSPHRASE, which are then removed from the environment)
/// and the cluster port of a node that joins without --cluster-port. Throws
/// std::runtime_error with a message for the operator.
void finish_serve_options(const CLI::App& serve, runtime::node_config& config);

/// The same for text already open; errors name `name` and the line.
void apply_config(CLI::App& command, std::istream& in, const std::string& name);

}  // namespace aethex::app
