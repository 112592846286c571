// orgstreams/<slug> in the admin console: the policy (as the site admin sees it), the schedule
// as iCalendar, who went live by member key, and a push of the policy to every org room.
#include <caf/all.hpp>

#include "actors/orgstreams/internal.hpp"
#include "actors/orgstreams/orgstreams.hpp"

namespace aethex::actors {

using namespace console;

adapter orgstreams_adapter() {
  adapter a;
  a.kind = "orgstreams";
  a.summary = "an org's shared moderators, bans, go-live rules, schedule";
  a.show_query = "get";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The org's multi-streamer policy (no key material).", "ask orgstreams/acme get",
        message_of_args(orgs_get_atom::value, std::string{}), as_json);
  a.ask("live", {}, "The last member-key go-live per channel.", "ask orgstreams/acme live",
        message_of_args(orgs_live_atom::value), as_json);
  a.ask("sync", {}, "Pushes the policy to every org channel's chat room now.",
        "ask orgstreams/acme sync", message_of_args(orgs_sync_atom::value), as_json);
  a.ask("ics", {}, "The upcoming schedule as iCalendar text.", "ask orgstreams/acme ics",
        message_of_args(orgs_ics_atom::value),
        expecting<std::string>([](const std::string& text) -> caf::expected<json> {
          return json(text);
        }));
  return a;
}

}  // namespace aethex::actors
