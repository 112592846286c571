// webhooks/<channel> in the admin console: the channel's subscriptions (never their secrets),
// a subscription's delivery log, and removing a subscription on the owner's behalf.
#include <caf/all.hpp>

#include "actors/webhooks/internal.hpp"
#include "actors/webhooks/webhooks.hpp"

namespace aethex::actors {

using namespace console;

adapter webhooks_adapter() {
  adapter a;
  a.kind = "webhooks";
  a.summary = "a channel's webhook subscriptions and their deliveries";
  a.show_query = "list";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("list", {}, "The subscriptions and their status.", "ask webhooks/alice list",
        message_of_args(webhook_list_atom::value), as_json);
  a.ask("deliveries", {{"id"}}, "The last 100 deliveries of a subscription, newest first.",
        "ask webhooks/alice deliveries 3f9c0a1b2c3d4e5f", message_of_args(webhook_log_atom::value),
        as_json);
  a.send("delete", {{"id"}}, "Removes a subscription.",
         "send webhooks/alice delete 3f9c0a1b2c3d4e5f", message_of_args(webhook_delete_atom::value),
         as_json);
  return a;
}

}  // namespace aethex::actors
