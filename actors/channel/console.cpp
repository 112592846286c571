// channel/<name> in the admin console: status, create, set-title, set-category, rotate-key,
// reveal-key.
#include "actors/channel/internal.hpp"

#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using namespace console;

namespace {

json console_channel_json(const channel_view& v) {
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
  a.commands.push_back(command{"status",
                               true,
                               {},
                               "The channel's public state and stream version.",
                               "ask channel/alice status",
                               [](const invocation&) -> caf::expected<caf::message> {
                                 return caf::make_message(get_atom::value);
                               },
                               expecting<channel_view>(console_channel_json)});
  a.commands.push_back(command{
    "create",
    false,
    {{"title", false, true}},
    "Creates the channel (owner = --as, default admin) and prints its stream key.",
    "send channel/alice create \"Alice plays\" --as alice",
    [](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(create_atom::value, inv.as, arg_or(inv, 0));
    },
    expecting<std::string>(key_json)});
  a.commands.push_back(command{
    "set-title",
    false,
    {{"title", true, true}},
    "Changes the stream title (at most 140 chars).",
    "send channel/alice set-title \"Speedrun night\"",
    [](const invocation& inv) -> caf::expected<caf::message> {
      if (inv.args[0].empty())
        return make_error(errc::invalid_argument, "the title must not be empty");
      return caf::make_message(update_atom::value, inv.as, inv.args[0], std::string{});
    },
    expecting<channel_view>(console_channel_json)});
  a.commands.push_back(command{
    "set-category",
    false,
    {{"category", true, true}},
    "Changes the category (at most 64 chars).",
    "send channel/alice set-category \"Just Chatting\"",
    [](const invocation& inv) -> caf::expected<caf::message> {
      if (inv.args[0].empty())
        return make_error(errc::invalid_argument, "the category must not be empty");
      return caf::make_message(update_atom::value, inv.as, std::string{}, inv.args[0]);
    },
    expecting<channel_view>(console_channel_json)});
  a.commands.push_back(command{"rotate-key",
                               false,
                               {},
                               "Replaces the stream key (the old key stops working) and prints it.",
                               "send channel/alice rotate-key",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 return caf::make_message(rotate_key_atom::value, inv.as);
                               },
                               expecting<std::string>(key_json)});
  a.commands.push_back(command{"reveal-key",
                               true,
                               {},
                               "Prints the current stream key.",
                               "ask channel/alice reveal-key",
                               [](const invocation&) -> caf::expected<caf::message> {
                                 return caf::make_message(reveal_key_atom::value,
                                                          runtime::principal::admin());
                               },
                               expecting<std::string>(key_json)});
  return a;
}

}  // namespace aethex::actors
