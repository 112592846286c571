// leaderboard/<game> in the admin console: its summary, and a tick that rolls the windows whose
// period ended (for tests and operators; the entity checks by itself too).
#include <caf/all.hpp>

#include "actors/leaderboards/internal.hpp"
#include "actors/leaderboards/leaderboards.hpp"

namespace aethex::actors {

using namespace console;

adapter leaderboard_adapter() {
  adapter a;
  a.kind = "leaderboard";
  a.summary = "a game's leaderboard: windows, players, keys (never the keys themselves)";
  a.show_query = "get";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The leaderboard's settings, window starts and sizes.",
        "ask leaderboard/chess get", message_of_args(get_atom::value), as_json);
  a.send("tick", {}, "Rolls the windows whose period ended on the node's clock.",
         "send leaderboard/chess tick", message_of_args(lb_tick_atom::value), as_json);
  return a;
}

}  // namespace aethex::actors
