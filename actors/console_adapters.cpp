#include "actors/console_adapters.hpp"

#include <caf/all.hpp>

#include "actors/channel.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::console {

const command* adapter::find(std::string_view name) const {
  for (auto& c : commands)
    if (c.name == name)
      return &c;
  return nullptr;
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

json describe(const adapter& a, const command& c) {
  return json{{"name", c.name},       {"kind", a.kind},       {"verb", c.query ? "ask" : "send"},
              {"usage", usage(a, c)}, {"help", c.help},       {"example", c.example}};
}

namespace {

json channel_json(const channel_view& v) {
  return json{{"name", v.name},
              {"owner", v.owner},
              {"title", v.title},
              {"category", v.category},
              {"description", v.description},
              {"tags", v.tags},
              {"live", v.live},
              {"started_at_ms", v.live ? json(v.started_at_ms) : json(nullptr)},
              {"session", v.session_id},
              {"version", v.version}};
}

json key_json(const std::string& key) { return json{{"stream_key", key}}; }

std::string arg_or(const invocation& inv, std::size_t i, std::string fallback = {}) {
  return i < inv.args.size() ? inv.args[i] : std::move(fallback);
}

}  // namespace

adapter channel_adapter() {
  adapter a;
  a.kind = "channel";
  a.summary = "a creator's channel: title, category, stream key, live status";
  a.show_query = "status";
  a.commands.push_back(command{
    "status", true, {}, "The channel's public state and stream version.",
    "ask channel/alice status",
    [](const invocation&) -> caf::expected<caf::message> {
      return caf::make_message(get_atom::value);
    },
    expecting<channel_view>(channel_json)});
  a.commands.push_back(command{
    "create", false, {{"title", false, true}},
    "Creates the channel (owner = --as, default admin) and prints its stream key.",
    "send channel/alice create \"Alice plays\" --as alice",
    [](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(create_atom::value, inv.as, arg_or(inv, 0));
    },
    expecting<std::string>(key_json)});
  a.commands.push_back(command{
    "set-title", false, {{"title", true, true}}, "Changes the stream title (at most 140 chars).",
    "send channel/alice set-title \"Speedrun night\"",
    [](const invocation& inv) -> caf::expected<caf::message> {
      if (inv.args[0].empty())
        return make_error(errc::invalid_argument, "the title must not be empty");
      return caf::make_message(update_atom::value, inv.as, inv.args[0], std::string{});
    },
    expecting<channel_view>(channel_json)});
  a.commands.push_back(command{
    "set-category", false, {{"category", true, true}}, "Changes the category (at most 64 chars).",
    "send channel/alice set-category \"Just Chatting\"",
    [](const invocation& inv) -> caf::expected<caf::message> {
      if (inv.args[0].empty())
        return make_error(errc::invalid_argument, "the category must not be empty");
      return caf::make_message(update_atom::value, inv.as, std::string{}, inv.args[0]);
    },
    expecting<channel_view>(channel_json)});
  a.commands.push_back(command{
    "rotate-key", false, {}, "Replaces the stream key (the old key stops working) and prints it.",
    "send channel/alice rotate-key",
    [](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(rotate_key_atom::value, inv.as);
    },
    expecting<std::string>(key_json)});
  a.commands.push_back(command{
    "reveal-key", true, {}, "Prints the current stream key.", "ask channel/alice reveal-key",
    [](const invocation&) -> caf::expected<caf::message> {
      return caf::make_message(reveal_key_atom::value, runtime::principal::admin());
    },
    expecting<std::string>(key_json)});
  return a;
}

adapter_table default_adapters() {
  adapter_table table;
  table.add(channel_adapter());
  table.add(chat_adapter());
  // Further kinds register here (user, stream, …): one adapter function per kind.
  return table;
}

}  // namespace aethex::actors::console
