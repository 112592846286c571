// Runs parsed console statements: local ones (set, echo, sleep, repeat, expect, tail, help, exit)
// here, every other command on the node through a `backend`. Prints human-readable text or one
// JSON object per command, and keeps the exit status scripts report.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/console/script.hpp"

namespace aethex::console {

using json = nlohmann::json;

/// Exit statuses of `aethex console` (docs/console.md).
enum class exit_status : int { ok = 0, failed = 1, usage = 2, unreachable = 3, interrupted = 130 };

struct command_result {
  enum class outcome { ok, failed, unauthorized, unreachable } status = outcome::ok;
  json result;             // when ok
  std::string error_code;  // "not_found", "invalid_argument", … when failed
  std::string message;     // one line, when not ok
  bool ok() const { return status == outcome::ok; }
};

struct tail_request {
  std::string target;                                 // kind/id
  std::optional<std::uint64_t> last;                  // print the last N stored events first
  std::optional<std::uint64_t> count;                 // stop after this many events
  std::optional<std::chrono::milliseconds> duration;  // stop after this long
};

/// Where node-side commands run (the HTTP/WebSocket client in production, the console service
/// in-process in tests).
class backend {
 public:
  virtual ~backend() = default;
  virtual command_result run(const std::vector<std::string>& words) = 0;
  /// Calls `on_event` for each event until the request's limits are reached or `stop` is set;
  /// returns ok, or why following ended early.
  virtual command_result tail(const tail_request& req, const std::atomic<bool>& stop,
                              const std::function<void(const json&)>& on_event) = 0;
};

/// A scalar as text: strings without quotes, anything else as JSON.
std::string scalar_text(const json& v);
/// Value at a tiny JSON path: `.` (whole), `.a.b`, `.list[0]`, `.list[-1]`, `.list.length`.
std::optional<json> json_at(const json& root, std::string_view path, std::string& error);

/// Evaluates `actual <op> expected` for expect; `expected_text` is parsed as JSON when it is valid
/// JSON, else taken as a string. Ops: == != < <= > >= contains matches.
bool compare(const json& actual, std::string_view op, std::string_view expected_text,
             std::string& error);
bool is_compare_op(std::string_view word);

/// "1s", "500ms", "2m", "1.5" (seconds).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

struct interpreter_options {
  bool json_output = false;
  bool stop_on_error = true;  // scripts stop at the first failure; the prompt goes on
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  std::atomic<bool>* interrupted = nullptr;  // set by SIGINT; a tail clears it when it ends
};

class interpreter {
 public:
  interpreter(backend& node, interpreter_options options);

  /// Runs statements; returns false when execution should stop (exit, fatal error, interrupt,
  /// or a failure with stop_on_error).
  bool run(const block& statements);

  /// Worst status seen so far.
  exit_status status() const { return status_; }
  bool exit_requested() const { return exit_requested_; }
  variables& vars() { return vars_; }

  /// Commands the console itself runs (for help and completion).
  static const std::vector<json>& local_commands();

 private:
  bool run_one(const statement& st);
  bool remote(const statement& st, const std::vector<std::string>& words);
  bool expect(const statement& st, const std::vector<std::string>& words);
  bool tail(const statement& st, const std::vector<std::string>& words);
  bool help(const statement& st, const std::vector<std::string>& words);
  bool repeat(const statement& st, const std::vector<std::string>& words);
  bool set(const statement& st, const std::vector<std::string>& words);
  bool sleep(const statement& st, const std::vector<std::string>& words);

  /// Records a failure; returns whether execution continues.
  bool fail(const statement& st, const std::string& text, const command_result& r);
  bool local_error(const statement& st, const std::string& text, const std::string& message);
  void emit_ok(const statement& st, const std::string& text, const std::string& command,
               const json& result);
  bool interrupted() const;

  backend& node_;
  interpreter_options opt_;
  variables vars_;
  exit_status status_ = exit_status::ok;
  bool exit_requested_ = false;
  int depth_ = 0;
};

/// Human-readable rendering of a node command's result (`command` is its first word).
std::string render(const std::string& command, const json& result);
/// One line for a streamed or listed event.
std::string render_event(const json& ev);

}  // namespace aethex::console
