#include "actors/bots/engine.hpp"

#include <algorithm>
#include <array>

#include "actors/core/route.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::bots {
namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 6> level_names{"everyone", "follower",  "subscriber",
                                                      "vip",      "moderator", "broadcaster"};

// Built-in commands a template or the script may override.
constexpr std::int64_t builtin_cooldown_s = 5;
bool is_builtin(std::string_view name) { return name == "uptime" || name == "commands"; }

caf::error bad_command(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

}  // namespace

std::optional<level> parse_level(std::string_view name) {
  for (std::size_t i = 0; i < level_names.size(); ++i)
    if (level_names[i] == name)
      return static_cast<level>(i);
  return std::nullopt;
}

std::string_view level_name(level l) { return level_names[static_cast<std::size_t>(l)]; }

level level_of_badges(const std::vector<std::string>& badges) {
  auto best = level::everyone;
  for (const auto& b : badges) {
    auto l = level::everyone;
    if (b == "broadcaster" || b == "admin")
      l = level::broadcaster;
    else if (b == "moderator" || b == "editor")
      l = level::moderator;
    else if (b == "vip")
      l = level::vip;
    else if (b.starts_with("subscriber/"))
      l = level::subscriber;
    best = std::max(best, l);
  }
  return best;
}

bool valid_command_name(std::string_view name) {
  return !name.empty() && name.size() <= 25 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

caf::expected<template_command> parse_template_command(std::string_view name, const json& body) {
  if (!valid_command_name(name))
    return bad_command("a command name is 1-25 characters of a-z, 0-9 and _");
  if (auto err = only_fields(body, {"response", "cooldown_s", "level"}))
    return err;
  template_command c;
  c.name = std::string{name};
  auto response = string_field(body, "response", true);
  if (!response)
    return response.error();
  c.response = **response;
  if (c.response.find_first_not_of(" \t\r\n") == std::string::npos ||
      c.response.size() > limits::response_max)
    return bad_command("'response' must be 1-500 bytes of text");
  if (auto it = body.find("cooldown_s"); it != body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
        it->get<std::int64_t>() > limits::cooldown_max_s)
      return bad_command("'cooldown_s' must be 0-86400");
    c.cooldown_s = it->get<std::int64_t>();
  }
  if (auto it = body.find("level"); it != body.end()) {
    auto l = it->is_string() ? parse_level(it->get<std::string>()) : std::nullopt;
    if (!l)
      return bad_command(
        "'level' must be everyone, follower, subscriber, vip, moderator or "
        "broadcaster");
    c.min_level = *l;
  }
  return c;
}

std::optional<parsed_command> parse_command(std::string_view text) {
  if (text.size() < 2 || text.front() != '!')
    return std::nullopt;
  parsed_command cmd;
  std::size_t i = 1;
  auto word = [&] {
    auto start = text.find_first_not_of(" \t", i);
    if (start == std::string_view::npos) {
      i = text.size();
      return std::string_view{};
    }
    auto end = text.find_first_of(" \t", start);
    if (end == std::string_view::npos)
      end = text.size();
    i = end;
    return text.substr(start, end - start);
  };
  if (text[1] == ' ')
    return std::nullopt;
  auto name = word();
  cmd.name.reserve(name.size());
  for (char c : name)
    cmd.name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (!valid_command_name(cmd.name))
    return std::nullopt;
  for (auto w = word(); !w.empty() && cmd.args.size() < 20; w = word())
    cmd.args.emplace_back(w);
  return cmd;
}

std::string format_uptime(const host_view& host) {
  if (host.live_since_ms <= 0)
    return "offline";
  auto s = std::max<std::int64_t>(0, (host.now_ms - host.live_since_ms) / 1000);
  std::string out;
  if (s >= 3600)
    out += std::to_string(s / 3600) + "h ";
  if (s >= 60)
    out += std::to_string(s / 60 % 60) + "m ";
  out += std::to_string(s % 60) + "s";
  return out;
}

std::string render_template(std::string_view response, const chat_line& line,
                            const parsed_command& cmd, const host_view& host, std::uint64_t count) {
  std::string out;
  std::size_t i = 0;
  while (i < response.size()) {
    auto open = response.find("$(", i);
    auto close = open == std::string_view::npos ? open : response.find(')', open);
    if (close == std::string_view::npos) {
      out.append(response.substr(i));
      break;
    }
    out.append(response.substr(i, open - i));
    auto var = response.substr(open + 2, close - open - 2);
    std::string args;
    for (const auto& a : cmd.args)
      args += (args.empty() ? "" : " ") + a;
    if (var == "user")
      out += line.user;
    else if (var == "touser")
      out += cmd.args.empty() ? line.user : cmd.args.front();
    else if (var == "channel")
      out += host.channel;
    else if (var == "uptime")
      out += format_uptime(host);
    else if (var == "count")
      out += std::to_string(count);
    else if (var == "args")
      out += args;
    else if (var.size() == 1 && var[0] >= '1' && var[0] <= '9')
      out += static_cast<std::size_t>(var[0] - '1') < cmd.args.size()
               ? cmd.args[static_cast<std::size_t>(var[0] - '1')]
               : "";
    else
      out.append(response.substr(open, close - open + 1));  // unknown: left as written
    i = close + 1;
  }
  if (out.size() > limits::response_max * 2)
    out.resize(limits::response_max * 2);  // the room cuts by code points; bound it here first
  return out;
}

reaction engine::start(const bot_config& config, const host_view& host) {
  reaction out;
  sandbox_.close();
  if (!config.enabled || !config.stopped_reason.empty() ||
      config.script.find_first_not_of(" \t\r\n") == std::string::npos)
    return out;
  auto result = sandbox_.load(config.script, host);
  if (sandbox_.running())
    out.log.push_back({host.now_ms, "started", "script started"});
  absorb(std::move(result), host, out);  // a top-level error leaves what it registered before
  return out;
}

std::optional<level> engine::required_level(const bot_config& config, std::string_view text) const {
  auto cmd = parse_command(text);
  if (!cmd)
    return std::nullopt;
  if (auto it = config.commands.find(cmd->name); it != config.commands.end())
    return it->second.min_level;
  if (const auto* c = sandbox_.find_command(cmd->name))
    return parse_level(c->level);
  if (is_builtin(cmd->name))
    return level::everyone;
  return std::nullopt;
}

bool engine::cooling(const std::string& name, std::int64_t cooldown_s, std::int64_t now_ms) const {
  auto it = last_used_ms_.find(name);
  return it != last_used_ms_.end() && now_ms - it->second < cooldown_s * 1000;
}

void engine::absorb(call_result&& result, const host_view& host, reaction& out) {
  for (auto& line : result.printed)
    out.log.push_back({host.now_ms, "print", std::move(line)});
  for (auto& line : result.said) {
    out.log.push_back({host.now_ms, "say", line});
    out.say.push_back(std::move(line));
  }
  if (auto why = sandbox_.stopped(); why && !sandbox_.running() && result.error) {
    out.stopped = *why;
    out.log.push_back({host.now_ms, "stopped", "script stopped: " + *why});
  } else if (result.error) {
    out.log.push_back({host.now_ms, "error", *result.error});
  }
}

reaction engine::on_chat(const bot_config& config, const chat_line& line, const host_view& host) {
  reaction out;
  if (auto cmd = parse_command(line.text)) {
    auto need = required_level(config, line.text);
    const auto tmpl = config.commands.find(cmd->name);
    const auto* scripted = sandbox_.find_command(cmd->name);
    std::int64_t cooldown = tmpl != config.commands.end() ? tmpl->second.cooldown_s
                            : scripted                    ? scripted->cooldown_s
                                                          : builtin_cooldown_s;
    if (!need) {
      // Not a command of this bot: nothing to do.
    } else if (line.sender < *need) {
      out.log.push_back({host.now_ms, "denied",
                         line.user + ": !" + cmd->name + " needs " +
                           std::string{level_name(*need)}});
    } else if (!cooling(cmd->name, cooldown, host.now_ms)) {
      last_used_ms_[cmd->name] = host.now_ms;
      out.log.push_back({host.now_ms, "command", line.user + ": !" + cmd->name});
      if (tmpl != config.commands.end()) {
        auto count = tmpl->second.count;
        if (tmpl->second.response.find("$(count)") != std::string::npos) {
          ++count;
          out.counted = cmd->name;
        }
        auto text = render_template(tmpl->second.response, line, *cmd, host, count);
        out.log.push_back({host.now_ms, "say", text});
        out.say.push_back(std::move(text));
      } else if (scripted) {
        command_call call{line.user, std::string{level_name(line.sender)}, line.text, cmd->args};
        absorb(sandbox_.run_command(cmd->name, call, host), host, out);
      } else if (cmd->name == "uptime") {
        auto text = host.live_since_ms > 0
                      ? host.channel + " has been live for " + format_uptime(host)
                      : host.channel + " is offline";
        out.log.push_back({host.now_ms, "say", text});
        out.say.push_back(std::move(text));
      } else {
        std::string names = "!uptime !commands";
        for (const auto& [name, _] : config.commands)
          names += " !" + name;
        for (const auto& c : sandbox_.commands())
          if (!config.commands.count(c.name) && !is_builtin(c.name))
            names += " !" + c.name;
        out.log.push_back({host.now_ms, "say", "Commands: " + names});
        out.say.push_back("Commands: " + names);
      }
    }
  }
  if (!out.stopped && sandbox_.handles("chat.message"))
    absorb(sandbox_.run_event(
             "chat.message",
             json{{"user", line.user}, {"text", line.text}, {"level", level_name(line.sender)}},
             host),
           host, out);
  return out;
}

reaction engine::on_tick(const host_view& host) {
  reaction out;
  if (auto next = sandbox_.next_timer_ms(); next && *next <= host.now_ms)
    absorb(sandbox_.run_due_timers(host), host, out);
  return out;
}

reaction engine::on_event(std::string_view type, const json& data, const host_view& host) {
  reaction out;
  if (sandbox_.handles(type))
    absorb(sandbox_.run_event(type, data, host), host, out);
  return out;
}

json engine::script_commands() const {
  auto list = json::array();
  for (const auto& c : sandbox_.commands())
    list.push_back({{"name", c.name}, {"cooldown_s", c.cooldown_s}, {"level", c.level}});
  return list;
}

}  // namespace aethex::actors::bots
