// A channel's scripted bot over REST (docs/api.md, section Bots): its owner (or the admin)
// manages it with the `bots:manage` scope; every rule is bot/<channel>'s.
#include "actors/bots/bot.hpp"
#include "actors/bots/engine.hpp"
#include "actors/bots/internal.hpp"
#include "actors/core/entity_ref.hpp"

namespace aethex::actors {
namespace {

using bot_ref = entity_ref<bot_protocol>;
constexpr const char* bots_scope = "bots:manage";

void route_get_bot(const node_env& env, route_request&& req, route_reply reply) {
  bot_ref{env.registry, req.param("channel")}
    .ask(bot_get_atom::value)
    .then(*env.sys, pass_json_text(std::move(reply)));
}

void route_put_bot(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  bot_ref{env.registry, req.param("channel")}
    .ask(bot_put_atom::value, body->dump())
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void route_put_command(const node_env& env, route_request&& req, route_reply reply) {
  auto body = req.json_object();
  if (!body)
    return reply(body.error());
  const auto& name = req.param("name");
  if (!bots::valid_command_name(name))
    return reply(make_error(errc::invalid_argument,
                            "a command name is 1-25 characters of a-z, 0-9 and _"));
  bot_ref{env.registry, req.param("channel")}
    .ask(bot_cmd_set_atom::value, name, body->dump())
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void route_delete_command(const node_env& env, route_request&& req, route_reply reply) {
  const auto& name = req.param("name");
  if (!bots::valid_command_name(name))
    return reply(make_error(errc::not_found, "no command !" + name));
  bot_ref{env.registry, req.param("channel")}
    .ask(bot_cmd_del_atom::value, name)
    .then(*env.sys, pass_written_json_text(env, std::move(reply)));
}

void route_get_log(const node_env& env, route_request&& req, route_reply reply) {
  bot_ref{env.registry, req.param("channel")}
    .ask(bot_log_atom::value)
    .then(*env.sys, pass_json_text(std::move(reply)));
}

}  // namespace

void add_bot_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  routes
    .add(get, "channels/{channel}/bot", access::owner, with_env(env, route_get_bot),
         "The channel's scripted bot: script, enabled, status, commands")
    .scope = bots_scope;
  routes
    .add(put, "channels/{channel}/bot", access::owner, with_env(env, route_put_bot),
         "Saves the bot's Lua script and/or switches it on or off (400 with the Lua error when "
         "the script does not compile)")
    .scope = bots_scope;
  routes
    .add(put, "channels/{channel}/bot/commands/{name}", access::owner,
         with_env(env, route_put_command),
         "Adds or changes a template !command {response, cooldown_s, level}")
    .scope = bots_scope;
  routes
    .add(del, "channels/{channel}/bot/commands/{name}", access::owner,
         with_env(env, route_delete_command), "Removes a template !command")
    .scope = bots_scope;
  routes
    .add(get, "channels/{channel}/bot/log", access::owner, with_env(env, route_get_log),
         "The bot's log, newest first: commands answered, script errors and stops")
    .scope = bots_scope;
}

}  // namespace aethex::actors
