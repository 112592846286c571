// tournament/<id> in the admin console: the tournament, and a tick that closes a due check-in
// and sends due reminders (the node's ticker does the same every few seconds).
#include <caf/all.hpp>

#include "actors/tournaments/internal.hpp"
#include "actors/tournaments/tournaments.hpp"

namespace aethex::actors {

console::adapter tournament_adapter() {
  using namespace console;
  adapter a;
  a.kind = "tournament";
  a.summary = "a tournament: settings, entrants, bracket, schedule, prize pool";
  a.show_query = "get";
  auto parsed = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The tournament with its matches, standings and champion.",
        "ask tournament/ab12cd34ef get", message_of_args(trn_get_atom::value), parsed);
  a.send("tick", {}, "Closes a due check-in and sends due match reminders.",
         "send tournament/ab12cd34ef tick", message_of_args(trn_tick_atom::value), parsed);
  return a;
}

}  // namespace aethex::actors
