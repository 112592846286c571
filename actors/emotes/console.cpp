// emotes/<channel> in the admin console: the list an operator checks before a takedown.
#include <caf/all.hpp>

#include "actors/emotes/emotes.hpp"
#include "actors/emotes/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter emotes_adapter() {
  adapter a;
  a.kind = "emotes";
  a.summary = "a channel's custom emotes";
  a.show_query = "list";
  a.ask("list", {}, "The channel's emotes with their image ids and sizes.", "ask emotes/alice list",
        message_of_args(emote_list_atom::value),
        expecting<std::string>([](const std::string& text) -> caf::expected<json> {
          return json::parse(text);
        }));
  return a;
}

}  // namespace aethex::actors
