// ledger/<name> in the admin console: counts, expiring due pending transfers, one account.
#include <caf/all.hpp>

#include "actors/ledger/internal.hpp"
#include "actors/ledger/ledger.hpp"

namespace aethex::actors {

using namespace console;

adapter ledger_adapter() {
  adapter a;
  a.kind = "ledger";
  a.summary = "the double-entry ledger of the node's money";
  a.show_query = "get";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "Accounts, pending transfers and transfer ids applied.", "ask ledger/main get",
        message_of_args(get_atom::value), as_json);
  a.send("tick", {}, "Expires the pending transfers whose timeout has passed.",
         "send ledger/main tick", message_of_args(ledger_tick_atom::value), as_json);
  a.ask("account", {{"id"}}, "One account's balances.", "ask ledger/main account platform:fees",
        message_of_args(ledger_account_atom::value), as_json);
  return a;
}

}  // namespace aethex::actors
