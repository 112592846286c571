// bot/<channel> in the admin console: what the dashboard shows (the bot, its log) and the
// switches an operator needs when a script misbehaves.
#include <caf/all.hpp>

#include "actors/bots/bot.hpp"
#include "actors/bots/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter bot_adapter() {
  adapter a;
  a.kind = "bot";
  a.summary = "a channel's scripted bot: Lua script, !commands, log";
  a.show_query = "get";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The bot: script, enabled, status (off, idle, running, stopped), commands.",
        "ask bot/alice get", message_of_args(bot_get_atom::value), as_json);
  a.ask("log", {}, "The bot's log, newest first (commands, script errors, stops).",
        "ask bot/alice log", message_of_args(bot_log_atom::value), as_json);
  a.send(
    "enable", {}, "Switches the bot on (restarts a stopped script).", "send bot/alice enable",
    [](const invocation&) -> caf::expected<caf::message> {
      return caf::make_message(bot_put_atom::value, std::string{R"({"enabled":true})"});
    },
    as_json);
  a.send(
    "disable", {}, "Switches the bot off (its script stops).", "send bot/alice disable",
    [](const invocation&) -> caf::expected<caf::message> {
      return caf::make_message(bot_put_atom::value, std::string{R"({"enabled":false})"});
    },
    as_json);
  a.send(
    "command", {{"name"}, {"response", true, true}},
    "Adds or changes a template !command answered by everyone, 5 s cooldown.",
    "send bot/alice command hello Hello $(user)!",
    [](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(bot_cmd_set_atom::value, inv.args.at(0),
                               json{{"response", inv.args.at(1)}}.dump());
    },
    as_json);
  a.send("uncommand", {{"name"}}, "Removes a template !command.", "send bot/alice uncommand hello",
         message_of_args(bot_cmd_del_atom::value), as_json);
  return a;
}

}  // namespace aethex::actors
