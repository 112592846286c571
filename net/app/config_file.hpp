// `aethex serve --config FILE`: flat TOML (key = value, # comments) whose keys are the long
// flag names. Values given on the command line win over the file.
#pragma once

#include <filesystem>

namespace CLI {
class App;
}

namespace aethex::app {

/// Applies the file's values to options of `command` not given on the command line.
/// Throws std::runtime_error naming the file and line on unknown keys or bad values.
void apply_config_file(CLI::App& command, const std::filesystem::path& file);

}  // namespace aethex::app
