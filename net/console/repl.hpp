// The interactive prompt: libedit line editing, history in a file, Tab completion.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "net/console/interpreter.hpp"

namespace aethex::console {

struct repl_options {
  std::filesystem::path history_file;  // empty: no history file
  std::string secret;                  // lines containing it are never saved to history
};

/// Reads statements at the prompt until exit or end of input (Ctrl-D).
void run_repl(interpreter& interp, backend& node, std::atomic<bool>& interrupted,
              const repl_options& options);

}  // namespace aethex::console
