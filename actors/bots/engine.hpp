// A channel bot's rules without actors or storage (docs/bots.md): its configuration (script,
// enabled, template commands), permission levels, cooldowns, the `$(…)` templates, the built-in
// !uptime and !commands, and the Lua sandbox that runs the script. The bot/<channel> entity
// (bot.cpp) feeds it chat lines, timer ticks and public events, and posts what it answers.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/bots/sandbox.hpp"

namespace aethex::actors::bots {

/// Who may use a command, lowest first; a sender's level is the highest they hold.
enum class level { everyone, follower, subscriber, vip, moderator, broadcaster };
std::optional<level> parse_level(std::string_view name);
std::string_view level_name(level l);
/// A chat message's badges → the sender's level without the follow check ("follower" is only
/// known by asking the channel's follows).
level level_of_badges(const std::vector<std::string>& badges);

namespace limits {
inline constexpr std::size_t commands_max = 100;  // template commands per channel
inline constexpr std::size_t response_max = 500;  // bytes of a template
inline constexpr std::int64_t cooldown_max_s = 86400;
inline constexpr std::size_t log_max = 200;  // entries kept in the bot's log
inline constexpr std::int64_t default_cooldown_s = 5;
}  // namespace limits

/// A Nightbot-style command: a template answered when someone writes !<name>.
struct template_command {
  std::string name;
  std::string response;
  std::int64_t cooldown_s = limits::default_cooldown_s;
  level min_level = level::everyone;
  std::uint64_t count = 0;  // uses so far ($(count)), stored when the template reads it
};

/// Checks a PUT …/bot/commands/{name} body {"response","cooldown_s"?,"level"?}.
caf::expected<template_command> parse_template_command(std::string_view name,
                                                       const nlohmann::json& body);
bool valid_command_name(std::string_view name);

struct bot_config {
  std::string script;
  bool enabled = false;
  std::map<std::string, template_command, std::less<>> commands;
  /// Why the script was stopped (a limit); cleared when a script is saved again.
  std::string stopped_reason;
};

/// One chat line the bot heard.
struct chat_line {
  std::string user;
  std::string text;
  level sender = level::everyone;
};

/// The words of a `!command` line: the name (lower case) and its arguments.
struct parsed_command {
  std::string name;
  std::vector<std::string> args;
};
std::optional<parsed_command> parse_command(std::string_view text);

/// One entry of the bot's log.
struct log_entry {
  std::int64_t at_ms = 0;
  std::string kind;  // started, command, say, print, error, stopped, denied
  std::string text;
};

/// What the bot does after one input.
struct reaction {
  std::vector<std::string> say;
  std::vector<log_entry> log;
  /// Set when the script hit a limit during this input (the engine closed it).
  std::optional<std::string> stopped;
  /// A template command whose $(count) rose: its name (the entity stores the new count).
  std::optional<std::string> counted;
};

/// Renders a template: $(user), $(touser), $(channel), $(uptime), $(count), $(args), $(1)…$(9).
std::string render_template(std::string_view response, const chat_line& line,
                            const parsed_command& cmd, const host_view& host, std::uint64_t count);
/// "1h 2m 3s" (or "offline").
std::string format_uptime(const host_view& host);

class engine {
 public:
  explicit engine(sandbox_limits limits = {}) : sandbox_(limits) {}

  /// (Re)starts the script of `config` (when enabled, not stopped and not empty); closes it
  /// otherwise.
  reaction start(const bot_config& config, const host_view& host);
  void stop() { sandbox_.close(); }
  bool script_running() const { return sandbox_.running(); }

  /// The level a `!command` line needs, when it names a command (template, script or built-in).
  std::optional<level> required_level(const bot_config& config, std::string_view text) const;

  /// A chat line: answers a command the sender may use and whose cooldown is over, and runs the
  /// script's "chat.message" handlers. `host` says when and whether the channel is live.
  reaction on_chat(const bot_config& config, const chat_line& line, const host_view& host);
  /// Runs the script's timers that are due at host.now_ms.
  reaction on_tick(const host_view& host);
  /// Runs the script's handlers of a public event (channel.follow, channel.raid, …).
  reaction on_event(std::string_view type, const nlohmann::json& data, const host_view& host);

  std::optional<std::int64_t> next_timer_ms() const { return sandbox_.next_timer_ms(); }
  /// Whether the script handles every chat line (bot.on("chat.message", …)).
  bool listens_to_chat() const { return sandbox_.handles("chat.message"); }
  bool handles(std::string_view event_type) const { return sandbox_.handles(event_type); }
  /// The script's commands: [{"name","cooldown_s","level"}].
  nlohmann::json script_commands() const;
  std::size_t memory_used() const { return sandbox_.memory_used(); }

 private:
  void absorb(call_result&& result, const host_view& host, reaction& out);
  bool cooling(const std::string& name, std::int64_t cooldown_s, std::int64_t now_ms) const;

  lua_sandbox sandbox_;
  std::map<std::string, std::int64_t, std::less<>> last_used_ms_;  // per command name
};

}  // namespace aethex::actors::bots
