// `aethex serve --config FILE`: flat TOML (key = value, # comments) whose keys are the long
// flag names, read by CLI11's config reader. Values given on the command line win over the file.
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

/// Declares `--config FILE` on serve; a config file cannot set it.
void add_config_option(CLI::App& serve, std::string& file);

/// Applies the file's values to options of `command` not given on the command line.
/// Throws std::runtime_error naming the file, and the key or line, on an unreadable file,
/// unknown keys, bad syntax or bad values.
void apply_config_file(CLI::App& command, const std::filesystem::path& file);

/// The same for text already open; errors start with `name`.
void apply_config(CLI::App& command, std::istream& in, const std::string& name);

/// Settles what depends on several sources once the command line and the config file are
/// read: secrets (flag, else --cluster-secret-file / --srt-passphrase-file, else
/// AETHEX_CLUSTER_SECRET / AETHEX_SRT_PASSPHRASE / AETHEX_STRIPE_WEBHOOK_SECRET /
/// AETHEX_STRIPE_API_KEY, which are then removed from the environment) and the cluster port of a
/// node that joins without --cluster-port. Throws std::runtime_error with a message for the
/// operator.
void finish_serve_options(const CLI::App& serve, runtime::node_config& config);

}  // namespace aethex::app
