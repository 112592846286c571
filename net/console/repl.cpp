#include "net/console/repl.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <editline/readline.h>

#include "net/console/completion.hpp"

namespace aethex::console {
namespace {

struct completion_session {
  completer* source = nullptr;
  std::vector<std::string> matches;
  std::size_t next = 0;
};

// readline's completion hooks are plain C function pointers without a user-data argument, so
// the prompt's completer is reachable only through this pointer while run_repl runs.
completion_session* active = nullptr;

char* next_match(const char*, int state) {
  if (state == 0)
    active->next = 0;
  if (active->next >= active->matches.size())
    return nullptr;
  return strdup(active->matches[active->next++].c_str());
}

char** complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  if (!active)
    return nullptr;
  std::string before{rl_line_buffer, static_cast<std::size_t>(std::max(start, 0))};
  active->matches = active->source->candidates(before, text);
  // "channel/" is followed by an id, not a space.
  rl_completion_append_character = active->matches.size() == 1 &&
                                       active->matches.front().back() == '/'
                                     ? '\0'
                                     : ' ';
  if (active->matches.empty())
    return nullptr;
  return rl_completion_matches(text, next_match);
}

}  // namespace

void run_repl(interpreter& interp, backend& node, std::atomic<bool>& interrupted,
              const repl_options& options) {
  completer source{node};
  completion_session session{&source, {}, 0};
  active = &session;
  rl_readline_name = const_cast<char*>("aethex");
  rl_attempted_completion_function = complete;
  using_history();
  stifle_history(1000);
  auto history = options.history_file.string();
  if (!history.empty())
    read_history(history.c_str());

  std::cout << "aethex console — type help for commands, Tab to complete, Ctrl-D to leave"
            << std::endl;
  std::string pending;
  for (;;) {
    char* raw = readline(pending.empty() ? "aethex> " : "...> ");
    if (!raw) {
      std::cout << std::endl;
      break;
    }
    std::string line{raw};
    std::free(raw);
    bool secret = !options.secret.empty() && line.find(options.secret) != std::string::npos;
    if (line.find_first_not_of(" \t") != std::string::npos && !secret) {
      add_history(line.c_str());
      if (!history.empty())
        write_history(history.c_str());
    }
    pending += line + "\n";
    auto parsed = parse(pending);
    if (parsed.incomplete && !parsed.error)
      continue;
    pending.clear();
    if (parsed.error) {
      std::cerr << "error: " << parsed.error->message << std::endl;
      continue;
    }
    interrupted = false;
    interp.run(parsed.statements);
    if (interp.exit_requested())
      break;
  }
  active = nullptr;
}

}  // namespace aethex::console
