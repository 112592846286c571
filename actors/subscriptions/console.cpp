// subscriptions/<channel> in the admin console: what an operator checks when a viewer asks
// about their subscription, and a tick to renew what is due now.
#include <caf/all.hpp>

#include "actors/subscriptions/internal.hpp"
#include "actors/subscriptions/subscriptions.hpp"

namespace aethex::actors {

using namespace console;

adapter subscriptions_adapter() {
  adapter a;
  a.kind = "subscriptions";
  a.summary = "a channel's paid subscriptions";
  a.show_query = "list";
  auto parsed = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("list", {}, "The channel's subscribers, live ones first.", "ask subscriptions/alice list",
        message_of_args(sub_list_atom::value), parsed);
  a.ask("tiers", {}, "The tiers with their prices.", "ask subscriptions/alice tiers",
        message_of_args(sub_tiers_atom::value), parsed);
  a.ask("status", {{"user"}}, "One user's subscription.", "ask subscriptions/alice status bob",
        message_of_args(sub_status_atom::value), parsed);
  return a;
}

}  // namespace aethex::actors
