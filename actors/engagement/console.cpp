// engagement/<channel> in the admin console: the ledger's totals, the prediction and the hype
// train, and firing the timers that are due (tests and operators; the entity also ticks itself).
#include <caf/all.hpp>

#include "actors/engagement/engagement.hpp"
#include "actors/engagement/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter engagement_adapter() {
  adapter a;
  a.kind = "engagement";
  a.summary = "a channel's channel points, rewards, prediction and hype train";
  a.show_query = "get";
  auto parsed = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {},
        "Viewers with points, points minted/burned/held, open redemptions, the prediction and "
        "the hype train.",
        "ask engagement/alice get", message_of_args(get_atom::value), parsed);
  a.send("tick", {}, "Fires the timers that are due (prediction window, hype train); the state.",
         "send engagement/alice tick", message_of_args(engagement_tick_atom::value), parsed);
  return a;
}

}  // namespace aethex::actors
