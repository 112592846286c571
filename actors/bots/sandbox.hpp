// The Lua 5.4 sandbox a channel's scripted bot runs in (docs/bots.md). One lua_State per bot,
// opened with only the base (without load, loadfile, dofile, collectgarbage, xpcall), string
// (without string.dump), table, math and utf8 libraries: no io, os, require, package, debug or
// coroutine. Two limits keep a script from hurting the node:
//  - memory: the state's allocator refuses to hold more than `memory_bytes` (Lua raises "not
//    enough memory" after an emergency collection);
//  - instructions: a count hook adds up the VM instructions of each call (the script's top level,
//    one command, one timer, one event) and raises "instruction budget exceeded" past
//    `instructions`, so `while true do end` stops within milliseconds.
// Either limit stops the script for good: the state is closed and stopped() says why. pcall is
// replaced by one that passes a tripped limit on, so a script cannot catch its own stop.
// Not thread-safe: the bot entity owns it and calls it from its own actor only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

struct lua_State;

namespace aethex::actors::bots {

struct sandbox_limits {
  std::size_t memory_bytes = 4u << 20;
  std::uint64_t instructions = 1'000'000;  // per call
  std::size_t says_per_call = 5;           // bot.say / a returned text, per call
  std::size_t commands_max = 50;
  std::size_t timers_max = 20;
  std::size_t handlers_max = 20;
  std::int64_t timer_min_s = 5;
  std::size_t source_max_bytes = 64u << 10;
};

/// What the script reads synchronously while one of its functions runs.
struct host_view {
  std::string channel;
  std::int64_t now_ms = 0;         // the injected clock
  std::int64_t live_since_ms = 0;  // 0 when offline
};

/// One command call: who wrote it and the words after the command name.
struct command_call {
  std::string user;
  std::string level;  // everyone|follower|subscriber|vip|moderator|broadcaster
  std::string text;   // the whole message
  std::vector<std::string> args;
};

/// A command the script registered with bot.command(name, {cooldown, level}, fn).
struct script_command {
  std::string name;
  std::int64_t cooldown_s = 0;
  std::string level = "everyone";
  int ref = 0;
};

/// A timer the script registered with bot.every(seconds, fn).
struct script_timer {
  std::int64_t every_ms = 0;
  std::int64_t next_ms = 0;
  int ref = 0;
};

/// What one call produced.
struct call_result {
  std::vector<std::string> said;     // to post in chat, in order
  std::vector<std::string> printed;  // print() / bot.log(): the bot's log
  std::optional<std::string> error;  // a runtime error of this call; the script keeps running
};

class lua_sandbox {
 public:
  explicit lua_sandbox(sandbox_limits limits = {});
  ~lua_sandbox();
  lua_sandbox(const lua_sandbox&) = delete;
  lua_sandbox& operator=(const lua_sandbox&) = delete;

  /// Checks that `source` compiles (text only, never bytecode), without running it; the Lua
  /// error message otherwise. Needs no sandbox state.
  static std::optional<std::string> compile_error(std::string_view source,
                                                  const sandbox_limits& limits = {});

  /// Compiles and runs the top level of `source` (where it registers commands, timers and
  /// handlers). An error (compile, runtime or a limit) is in the result; a limit also stops.
  call_result load(std::string_view source, const host_view& host);

  bool running() const { return state_ != nullptr; }
  /// Why the script was stopped ("instruction budget exceeded", "memory limit exceeded").
  const std::optional<std::string>& stopped() const { return stopped_; }
  /// Closes the state (a new script replaces this one).
  void close();

  const std::vector<script_command>& commands() const { return commands_; }
  const script_command* find_command(std::string_view name) const;
  bool handles(std::string_view event_type) const;
  /// The earliest time a timer is due, if any.
  std::optional<std::int64_t> next_timer_ms() const;

  call_result run_command(std::string_view name, const command_call& call, const host_view& host);
  /// Runs every timer due at host.now_ms (each at most once) and schedules its next run.
  call_result run_due_timers(const host_view& host);
  /// Runs the handlers of `type` with `data` (a JSON object, as a Lua table).
  call_result run_event(std::string_view type, const nlohmann::json& data, const host_view& host);

  /// Bytes the state holds now (for the log and tests).
  std::size_t memory_used() const { return used_; }
  /// Instructions the last call ran (counted per 1000).
  std::uint64_t last_instructions() const { return counted_; }

  // The pieces the Lua C functions reach (sandbox.cpp); not for other callers.
  struct internals;

 private:
  friend struct internals;
  void open();
  // Runs the function on top of the stack with `nargs` arguments under the budget.
  void protected_call(int nargs, call_result& out);

  sandbox_limits limits_;
  lua_State* state_ = nullptr;
  std::size_t used_ = 0;
  std::uint64_t counted_ = 0;
  std::optional<std::string> tripped_;  // a limit this call hit (sticky until the call ends)
  std::optional<std::string> stopped_;
  const host_view* host_ = nullptr;
  call_result* current_ = nullptr;
  std::vector<script_command> commands_;
  std::vector<script_timer> timers_;
  std::vector<std::pair<std::string, int>> handlers_;  // event type, function ref
};

}  // namespace aethex::actors::bots
