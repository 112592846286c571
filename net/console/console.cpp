#include "net/console/console.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "net/console/remote.hpp"
#include "net/console/repl.hpp"

namespace aethex::console {
namespace {

// Set by the SIGINT handler; a signal handler can only reach process-wide state.
std::atomic<bool> sigint_seen{false};

void on_sigint(int) { sigint_seen.store(true); }

void install_sigint_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking wait returns so the flag is seen
  sigaction(SIGINT, &action, nullptr);
}

std::string resolve_token(const console_options& o) {
  if (!o.token.empty())
    return o.token;
  if (const char* env = std::getenv("AETHEX_TOKEN"); env && *env)
    return env;
  std::ifstream in(std::filesystem::path{o.data_dir} / "admin.token");
  std::string token;
  in >> token;
  return token;
}

std::filesystem::path history_path() {
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    return {};
  return std::filesystem::path{home} / ".aethex_history";
}

int run_script(interpreter& interp, std::string_view text, const std::string& source) {
  auto parsed = parse(text);
  if (parsed.error) {
    std::cerr << source << ":" << parsed.error->line << ": syntax error: " << parsed.error->message
              << std::endl;
    return static_cast<int>(exit_status::usage);
  }
  if (parsed.incomplete) {
    std::cerr << source << ": syntax error: a { block is not closed" << std::endl;
    return static_cast<int>(exit_status::usage);
  }
  interp.run(parsed.statements);
  return static_cast<int>(interp.status());
}

void shift_lines(block& statements, int offset) {
  for (auto& st : statements) {
    st.line += offset;
    shift_lines(st.body, offset);
  }
}

// Piped input runs statement by statement as it arrives, so `… | aethex console` can interleave
// with whatever feeds it.
int run_stream(interpreter& interp, std::istream& in) {
  std::string pending;
  std::string line;
  int line_no = 0;
  int first_line = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (pending.empty())
      first_line = line_no;
    pending += line + "\n";
    auto parsed = parse(pending);
    if (parsed.incomplete && !parsed.error)
      continue;
    pending.clear();
    if (parsed.error) {
      std::cerr << "stdin:" << first_line + parsed.error->line - 1
                << ": syntax error: " << parsed.error->message << std::endl;
      return static_cast<int>(exit_status::usage);
    }
    shift_lines(parsed.statements, first_line - 1);
    if (!interp.run(parsed.statements))
      return static_cast<int>(interp.status());
  }
  if (!pending.empty()) {
    std::cerr << "stdin: syntax error: a { block is not closed" << std::endl;
    return static_cast<int>(exit_status::usage);
  }
  return static_cast<int>(interp.status());
}

}  // namespace

int run_console(const console_options& options) {
  auto token = resolve_token(options);
  if (token.empty()) {
    std::cerr << "error: no admin token (use --token, AETHEX_TOKEN or --data of the node)"
              << std::endl;
    return static_cast<int>(exit_status::usage);
  }
  install_sigint_handler();
  remote_backend node{options.connect, token};
  bool interactive = options.file.empty() && ::isatty(STDIN_FILENO);
  interpreter_options io;
  io.json_output = options.json;
  io.stop_on_error = !interactive && !options.keep_going;
  io.out = &std::cout;
  io.err = &std::cerr;
  io.interrupted = &sigint_seen;
  interpreter interp{node, io};

  if (!options.file.empty()) {
    std::ifstream in(options.file);
    if (!in) {
      std::cerr << "error: cannot read script " << options.file << std::endl;
      return static_cast<int>(exit_status::usage);
    }
    std::stringstream text;
    text << in.rdbuf();
    return run_script(interp, text.str(), options.file);
  }
  if (!interactive)
    return run_stream(interp, std::cin);
  run_repl(interp, node, sigint_seen, repl_options{history_path(), token});
  return 0;
}

}  // namespace aethex::console
