// Console adapters: how the admin console's text commands map onto an entity kind's messages.
//
// An adapter lists, per kind, the commands an operator may `send` (commands that emit events) or
// `ask` (queries), with their arguments and help. Each command builds the caf::message for the
// entity and renders the entity's reply as JSON. New kinds plug in with `adapter_table::add` (see
// each domain's module.cpp), so the console service itself never knows a kind's protocol.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>
#include <caf/message.hpp>
#include <nlohmann/json.hpp>

#include "runtime/atoms.hpp"
#include "runtime/principal.hpp"

namespace aethex::actors::console {

using json = nlohmann::json;

/// How long the console waits for an entity's reply.
inline constexpr auto entity_timeout = std::chrono::seconds(10);

struct arg_spec {
  std::string name;
  bool required = true;
  bool rest = false;  // takes every remaining word, joined with spaces (last argument only)
};

/// The words of one console command after the entity and the command name.
struct invocation {
  std::vector<std::string> args;  // positional, already checked against the command's arg specs
  runtime::principal as = runtime::principal::admin();  // `--as USER`: who acts
};

using reply_fn = std::function<void(caf::expected<json>)>;
/// Sends `msg` to entity kind/id through the registry and reports the rendered reply.
using dispatch_fn = std::function<void(caf::event_based_actor* self, const caf::actor& registry,
                                       const std::string& kind, const std::string& id,
                                       caf::message msg, reply_fn done)>;

/// Builds the entity's message from the command's words (or refuses them).
using build_fn = std::function<caf::expected<caf::message>(const invocation&)>;

struct command {
  std::string name;
  bool query = false;  // true: `ask` (reads state), false: `send` (changes state)
  std::vector<arg_spec> args;
  std::string help;
  std::string example;  // a complete console line
  build_fn build;
  dispatch_fn dispatch;
};

/// A build that sends `xs...` and then the command's positional arguments, in order (the shape
/// of most commands: `get_atom`, or `follow_atom` + a channel name).
template <class... Ts>
build_fn message_of_args(Ts... xs) {
  return [=](const invocation& inv) -> caf::expected<caf::message> {
    auto head = caf::make_message(xs...);
    caf::message_builder args{inv.args.begin(), inv.args.end()};
    return head + args.to_message();
  };
}

/// A dispatch for entities that answer with `Reply`; `render` turns the reply into JSON (or into
/// an error, for entities that report refusals inside their reply).
template <class Reply>
dispatch_fn expecting(std::function<caf::expected<json>(const Reply&)> render) {
  return [render = std::move(render)](caf::event_based_actor* self, const caf::actor& registry,
                                      const std::string& kind, const std::string& id,
                                      caf::message msg, reply_fn done) {
    self->request(registry, entity_timeout, route_atom::value, kind, id, std::move(msg))
      .then([render, done](Reply& reply) { done(render(reply)); },
            [done](caf::error& err) { done(std::move(err)); });
  };
}

/// A build that sends `xs...` and then the invoker (`--as`, the admin when not given): the shape
/// of commands without arguments that need to know who asks (delete).
template <class... Ts>
build_fn message_as_invoker(Ts... xs) {
  return [=](const invocation& inv) -> caf::expected<caf::message> {
    return caf::make_message(xs..., inv.as);
  };
}

/// A build for entities changed with (update_atom, principal, patch JSON text): the patch
/// {key: the first argument}, sent as the invoker.
build_fn patch_of(const char* key);

/// A dispatch for a delete the entity answers with `true`: runs `deleted(id)` (e.g. tells the
/// node that holds its files), then reports {"id", "deleted": true}.
dispatch_fn deleting(std::function<void(const std::string& id)> deleted);

struct adapter {
  std::string kind;
  std::string summary;
  std::vector<command> commands;
  std::string show_query;  // query whose reply `show kind/id` prints as the state; may be empty

  const command* find(std::string_view name) const;
  /// Adds an `ask` command (reads state) / a `send` command (changes state).
  void ask(std::string name, std::vector<arg_spec> args, std::string help, std::string example,
           build_fn build, dispatch_fn dispatch);
  void send(std::string name, std::vector<arg_spec> args, std::string help, std::string example,
            build_fn build, dispatch_fn dispatch);
};

class adapter_table {
 public:
  void add(adapter a);
  const adapter* find(std::string_view kind) const;
  const std::map<std::string, adapter, std::less<>>& all() const { return adapters_; }

 private:
  std::map<std::string, adapter, std::less<>> adapters_;
};

/// "say <text...> [--as USER]"-style usage line of a command.
std::string usage(const adapter& a, const command& c);
/// Checks the positional words against the command's arg specs (joining a `rest` argument);
/// errc::invalid_argument with the usage line when they do not fit.
caf::expected<invocation> bind_arguments(const adapter& a, const command& c,
                                         std::vector<std::string> words, std::string as);
/// JSON help entry of one command (name, kind of command, usage, help, example).
json describe(const adapter& a, const command& c);

}  // namespace aethex::actors::console
