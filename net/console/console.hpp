// `aethex console`: the admin console client (interactive prompt, `-f script`, stdin).
#pragma once

#include <string>

namespace aethex::console {

struct console_options {
  std::string connect = "127.0.0.1:8080";  // HOST:HTTPPORT of the node
  std::string token;                       // empty: $AETHEX_TOKEN, then <data>/admin.token
  std::string data_dir = "aethex-data";
  std::string file;  // script to run; empty: stdin (prompt when it is a terminal)
  bool json = false;
  bool keep_going = false;  // scripts: run on after a failed command
};

/// Runs the console; returns the process exit status (0 ok, 1 command or expect failed,
/// 2 usage/syntax/auth error, 3 node unreachable, 130 interrupted).
int run_console(const console_options& options);

}  // namespace aethex::console
