// Console adapter of chat/<channel>: post as any user, read history and room info, moderate.
#include <charconv>

#include <caf/all.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/chat/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors::console {
namespace {

json ack_json(const chat_ack& ack) {
  json out{{"ok", true}};
  if (ack.id != 0)
    out["id"] = ack.id;
  return out;
}

// The room refuses with a domain error; the console names the rule that refused.
dispatch_fn chat_dispatch() {
  return [inner = expecting<chat_ack>(ack_json)](caf::event_based_actor* self,
                                                 const caf::actor& registry,
                                                 const std::string& kind, const std::string& id,
                                                 caf::message msg, reply_fn done) {
    inner(self, registry, kind, id, std::move(msg), [done](caf::expected<json> out) {
      if (!out && out.error().category() == error_category)
        return done(make_error(code_of(out.error()), "chat refused (" + reason_of(out.error()) +
                                                       "): " + message_of(out.error())));
      done(std::move(out));
    });
  };
}

caf::expected<json> json_text(const std::string& text) {
  auto body = json::parse(text, nullptr, false);
  if (body.is_discarded())
    return make_error(errc::internal, "chat room answered with malformed JSON");
  return body;
}

caf::expected<std::int64_t> whole_number(const std::string& text, std::string_view what) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0)
    return make_error(errc::invalid_argument,
                      std::string{what} + " must be a whole number, got '" + text + "'");
  return value;
}

// One moderation action on a user or message: (chat_mod_atom, identity, chat_command).
command moderation(std::string name, std::string target, std::string help, std::string example) {
  auto action = name;
  return command{
    std::move(name),
    false,
    {{std::move(target)}},
    std::move(help),
    std::move(example),
    [action](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(chat_mod_atom::value, inv.as, chat_command{action, inv.args[0], 0});
    },
    chat_dispatch()};
}

}  // namespace

adapter chat_adapter() {
  adapter a;
  a.kind = "chat";
  a.summary = "a channel's chat room: messages, history, moderation, settings";
  a.show_query = "info";
  a.commands.push_back(command{"say",
                               false,
                               {{"text", true, true}},
                               "Posts a message as --as USER (default admin).",
                               "send chat/alice say \"hello\" --as bot",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 return caf::make_message(chat_send_atom::value, inv.as,
                                                          inv.args[0]);
                               },
                               chat_dispatch()});
  a.commands.push_back(command{"history",
                               true,
                               {},
                               "The last messages of the room (what joiners see).",
                               "ask chat/alice history",
                               [](const invocation&) -> caf::expected<caf::message> {
                                 return caf::make_message(chat_hist_atom::value);
                               },
                               expecting<std::string>(json_text)});
  a.commands.push_back(command{"info",
                               true,
                               {},
                               "Room settings, viewer count and the role of --as USER.",
                               "ask chat/alice info",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 return caf::make_message(chat_info_atom::value, inv.as);
                               },
                               expecting<std::string>(json_text)});
  a.commands.push_back(moderation("delete", "message-id", "Deletes a message by its id.",
                                  "send chat/alice delete 42"));
  a.commands.push_back(command{"timeout",
                               false,
                               {{"user"}, {"seconds"}},
                               "Mutes a user for some seconds.",
                               "send chat/alice timeout spammer 600",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 auto seconds = whole_number(inv.args[1], "seconds");
                                 if (!seconds)
                                   return seconds.error();
                                 return caf::make_message(chat_mod_atom::value, inv.as,
                                                          chat_command{"timeout", inv.args[0],
                                                                       *seconds});
                               },
                               chat_dispatch()});
  a.commands.push_back(moderation("untimeout", "user", "Lifts a timeout.",
                                  "send chat/alice untimeout spammer"));
  a.commands.push_back(moderation("ban", "user", "Bans a user from the room.",
                                  "send chat/alice ban spammer"));
  a.commands.push_back(moderation("unban", "user", "Lifts a ban.",
                                  "send chat/alice unban spammer"));
  a.commands.push_back(moderation("mod", "user", "Makes a user a moderator.",
                                  "send chat/alice mod carol"));
  a.commands.push_back(moderation("unmod", "user", "Removes a moderator.",
                                  "send chat/alice unmod carol"));
  a.commands.push_back(moderation("vip", "user", "Makes a user a VIP (skips slow mode).",
                                  "send chat/alice vip carol"));
  a.commands.push_back(moderation("unvip", "user", "Removes a VIP.",
                                  "send chat/alice unvip carol"));
  a.commands.push_back(moderation("editor", "user",
                                  "Makes a user an editor (title, category, polls).",
                                  "send chat/alice editor carol"));
  a.commands.push_back(moderation("uneditor", "user", "Removes an editor.",
                                  "send chat/alice uneditor carol"));
  a.commands.push_back(command{"slow",
                               false,
                               {{"seconds"}},
                               "Slow mode: seconds between a user's messages (0 turns it off).",
                               "send chat/alice slow 10",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 auto seconds = whole_number(inv.args[0], "seconds");
                                 if (!seconds)
                                   return seconds.error();
                                 chat_settings_patch patch;
                                 patch.slow_s = static_cast<std::int32_t>(*seconds);
                                 return caf::make_message(chat_set_atom::value, inv.as, patch);
                               },
                               chat_dispatch()});
  a.commands.push_back(command{"emote-only",
                               false,
                               {{"on|off"}},
                               "Allows only emotes in messages (on) or any text (off).",
                               "send chat/alice emote-only on",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 if (inv.args[0] != "on" && inv.args[0] != "off")
                                   return make_error(errc::invalid_argument,
                                                     "emote-only takes on or off");
                                 chat_settings_patch patch;
                                 patch.emote_only = inv.args[0] == "on" ? 1 : 0;
                                 return caf::make_message(chat_set_atom::value, inv.as, patch);
                               },
                               chat_dispatch()});
  return a;
}

}  // namespace aethex::actors::console
