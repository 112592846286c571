// payouts/<channel> in the admin console: what a creator sees on the Payouts tab, and a tick
// that settles due holds and payouts at once (tests and demos with the node's test clock).
#include <caf/all.hpp>

#include "actors/payouts/internal.hpp"
#include "actors/payouts/payouts.hpp"

namespace aethex::actors {

using namespace console;

adapter payouts_adapter() {
  adapter a;
  a.kind = "payouts";
  a.summary = "a channel's earnings on hold, payouts and tax form status";
  a.show_query = "status";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("status", {}, "Balances from the ledger, the threshold and the payout history.",
        "ask payouts/alice status", message_of_args(payout_status_atom::value), as_json);
  a.send("tick", {}, "Post the holds and settle the payouts that are due now.",
         "send payouts/alice tick", message_of_args(payout_tick_atom::value), as_json);
  return a;
}

}  // namespace aethex::actors
