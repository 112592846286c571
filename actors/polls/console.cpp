// poll/<channel> in the admin console: the current poll with the votes on their way, and a tick
// that ends a poll whose time is up (for tests and operators; the entity ticks by itself too).
#include <caf/all.hpp>

#include "actors/polls/internal.hpp"
#include "actors/polls/polls.hpp"

namespace aethex::actors {

using namespace console;

adapter poll_adapter() {
  adapter a;
  a.kind = "poll";
  a.summary = "a channel's polls: the current one and the archive";
  a.show_query = "get";
  auto summary = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The active or last poll, votes being counted, polls archived.",
        "ask poll/alice get", message_of_args(get_atom::value), summary);
  a.send("tick", {}, "Ends the poll if its time is up and sends a due results frame.",
         "send poll/alice tick", message_of_args(poll_tick_atom::value), summary);
  return a;
}

}  // namespace aethex::actors
