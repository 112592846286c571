#include "actors/core/console_adapter.hpp"

#include <caf/all.hpp>

#include "runtime/errors.hpp"

namespace aethex::actors::console {

const command* adapter::find(std::string_view name) const {
  for (auto& c : commands)
    if (c.name == name)
      return &c;
  return nullptr;
}

void adapter::ask(std::string name, std::vector<arg_spec> args, std::string help,
                  std::string example, build_fn build, dispatch_fn dispatch) {
  commands.push_back(command{std::move(name), true, std::move(args), std::move(help),
                             std::move(example), std::move(build), std::move(dispatch)});
}

void adapter::send(std::string name, std::vector<arg_spec> args, std::string help,
                   std::string example, build_fn build, dispatch_fn dispatch) {
  commands.push_back(command{std::move(name), false, std::move(args), std::move(help),
                             std::move(example), std::move(build), std::move(dispatch)});
}

void adapter_table::add(adapter a) {
  auto kind = a.kind;
  adapters_.insert_or_assign(std::move(kind), std::move(a));
}

const adapter* adapter_table::find(std::string_view kind) const {
  auto it = adapters_.find(kind);
  return it == adapters_.end() ? nullptr : &it->second;
}

std::string usage(const adapter& a, const command& c) {
  std::string text = std::string{c.query ? "ask " : "send "} + a.kind + "/ID " + c.name;
  for (auto& arg : c.args) {
    auto word = arg.name + (arg.rest ? "..." : "");
    text += arg.required ? " <" + word + ">" : " [" + word + "]";
  }
  if (!c.query)
    text += " [--as USER]";
  return text;
}

caf::expected<invocation> bind_arguments(const adapter& a, const command& c,
                                         std::vector<std::string> words, std::string as) {
  invocation inv;
  // The console runs with the admin token; `--as NAME` narrows it to that account (or to a
  // guest: "guest:NICK"), so scripts can check what a user may do.
  if (!as.empty())
    inv.as = as.starts_with("guest:") ? runtime::principal::guest(as.substr(6))
                                      : runtime::principal::user(std::move(as));
  std::size_t i = 0;
  for (auto& spec : c.args) {
    if (i >= words.size()) {
      if (spec.required)
        return make_error(errc::invalid_argument,
                          "missing <" + spec.name + ">; usage: " + usage(a, c));
      break;
    }
    if (spec.rest) {
      std::string joined;
      for (; i < words.size(); ++i)
        joined += (joined.empty() ? "" : " ") + words[i];
      inv.args.push_back(std::move(joined));
    } else {
      inv.args.push_back(std::move(words[i++]));
    }
  }
  if (i < words.size())
    return make_error(errc::invalid_argument,
                      "too many arguments ('" + words[i] + "'); usage: " + usage(a, c));
  return inv;
}

build_fn patch_of(const char* key) {
  return [key](const invocation& inv) -> caf::expected<caf::message> {
    return caf::make_message(update_atom::value, inv.as, json{{key, inv.args[0]}}.dump());
  };
}

dispatch_fn deleting(std::function<void(const std::string& id)> deleted) {
  return [deleted = std::move(deleted)](caf::event_based_actor* self, const caf::actor& registry,
                                        const std::string& kind, const std::string& id,
                                        caf::message msg, reply_fn done) {
    self->request(registry, entity_timeout, route_atom::value, kind, id, std::move(msg))
      .then(
        [deleted, id, done](bool) {
          deleted(id);
          done(json{{"id", id}, {"deleted", true}});
        },
        [done](caf::error& err) { done(std::move(err)); });
  };
}

json describe(const adapter& a, const command& c) {
  return json{{"name", c.name},       {"kind", a.kind}, {"verb", c.query ? "ask" : "send"},
              {"usage", usage(a, c)}, {"help", c.help}, {"example", c.example}};
}

}  // namespace aethex::actors::console
