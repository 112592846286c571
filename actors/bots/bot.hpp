// bot/<channel>: a channel's scripted bot (docs/bots.md) — its configuration (Lua script,
// enabled, template !commands) as events, and, while enabled, a running bot: it subscribes to
// chat/<channel> like a node's fan-out (so the room sends it each frame once and never waits for
// it), answers `!commands` by sending chat messages as the broadcaster through the built-in bot
// (chat shows them with the `bot` badge), runs the script's timers on the injected clock, and the
// script's handlers of public events (bots_projection sends them here).
//
// Events (JSON, schema 1): bot.script_set {"script","enabled"}, bot.command_set {"name",
// "response","cooldown_s","level"}, bot.command_removed {"name"}, bot.command_counted {"name",
// "count"}, bot.script_stopped {"reason"} (a limit stopped the script; saving a script again
// clears it).
#pragma once

#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using bot_get_atom = caf::atom_constant<caf::atom("botget")>;
using bot_put_atom = caf::atom_constant<caf::atom("botput")>;
using bot_cmd_set_atom = caf::atom_constant<caf::atom("botcmdset")>;
using bot_cmd_del_atom = caf::atom_constant<caf::atom("botcmddel")>;
using bot_log_atom = caf::atom_constant<caf::atom("botlog")>;
using bot_event_atom = caf::atom_constant<caf::atom("botevent")>;
using bot_wake_atom = caf::atom_constant<caf::atom("botwake")>;
using bot_tick_atom = caf::atom_constant<caf::atom("bottick")>;

/// Protocol of bot/<channel> (the caller checked that the channel exists and who may manage it):
///  (bot_get_atom)              -> {"channel","enabled","script","status":"off"|"running"|
///                                 "stopped"|"idle","stopped_reason","commands":[template…],
///                                 "script_commands":[{"name","cooldown_s","level"}],"memory_bytes"}
///  (bot_put_atom, body)        -> the bot | invalid_argument (the Lua compile error) |
///                                 invalid_json; body {"script"?,"enabled"?}
///  (bot_cmd_set_atom, name, body) -> the bot | invalid_argument; body {"response","cooldown_s"?,
///                                 "level"?}
///  (bot_cmd_del_atom, name)    -> the bot | not_found
///  (bot_log_atom)              -> {"entries":[{"at_ms","kind","text"}]} newest first
///  (bot_event_atom, type, data JSON text) -> (no reply) a public event for the script
///  (bot_wake_atom)             -> (no reply) an enabled bot starts listening (node start)
struct bot_protocol {
  static constexpr std::string_view kind = "bot";
  static std::string reply_to(bot_get_atom);
  static std::string reply_to(bot_put_atom, std::string body);
  static std::string reply_to(bot_cmd_set_atom, std::string name, std::string body);
  static std::string reply_to(bot_cmd_del_atom, std::string name);
  static std::string reply_to(bot_log_atom);
  static void reply_to(bot_event_atom, std::string type, std::string data);
  static void reply_to(bot_wake_atom);
};

void add_bot_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors
